# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The decision environment's build context, as `ansible-builder create` wrote it (make de), and the EDA content.

As for the execution environment, no image is built: the checks read the Containerfile and the context, run the
galaxy stage's collection install and the builder stage's introspection without a container, and then load the
installed collection's event sources the way ansible-rulebook loads them in the image.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from test_execution_environment import _introspect, _read, _requirement_names

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EDA = os.path.join(ROOT, "extensions", "eda")
SOURCES = ("held_messages", "processing_queue")


@pytest.fixture(scope="module")
def definition():
    with open(os.path.join(EDA, "decision-environment.yml")) as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def context():
    folder = os.environ.get("DE_DIR") or os.path.join(ROOT, ".build", "de")
    path = os.path.join(folder, "context")
    if not os.path.isdir(path):
        pytest.fail("the decision environment's build context is not in %s: run `make release-check`, which writes it" % folder)
    return path


@pytest.fixture(scope="module")
def containerfile(context):
    return _read(context, "Containerfile")


def test_definition_is_schema_3_with_java_rulebook_and_the_collection(definition):
    assert definition["version"] == 3
    dependencies = definition["dependencies"]
    assert _requirement_names("\n".join(dependencies["python"])) == ["ansible-rulebook"]
    assert [line.split()[0] for line in dependencies["system"]] == ["java-17-openjdk-headless"]
    assert dependencies["galaxy"]["collections"] == [{"name": "collections/mimecast-gateway.tar.gz", "type": "file"}]


def test_rulebook_version_is_the_tested_one(definition):
    """The DE installs the ansible-rulebook line the tests run: ~=X.Y.Z in requirements-dev.txt, >=X.Y.Z,<X.Y+1 here."""
    tested = re.search(r"^ansible-rulebook~=(\d+)\.(\d+)\.(\d+)", _read(ROOT, "requirements-dev.txt"), re.MULTILINE)
    assert tested, "requirements-dev.txt must pin ansible-rulebook"
    major, minor, patch = (int(part) for part in tested.groups())
    expected = "ansible-rulebook>=%d.%d.%d,<%d.%d" % (major, minor, patch, major, minor + 1)
    assert definition["dependencies"]["python"] == [expected]


def test_containerfile_installs_ansible_java_and_sets_java_home(definition, containerfile):
    base = definition["images"]["base_image"]["name"]
    assert 'ARG EE_BASE_IMAGE="%s"' % base in containerfile
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="([^"]*)"', containerfile, re.MULTILINE).group(1)
    assert "ansible-core" in refs and "ansible-runner" in refs
    assert re.search(r"introspect\.py introspect --user-pip=requirements\.txt --user-bindep=bindep\.txt", containerfile)
    assert "/output/scripts/install-from-bindep" in containerfile
    # Set in the final image, where ansible-rulebook runs.
    final = containerfile.split("FROM base AS final", 1)[1]
    assert re.search(r"^ENV JAVA_HOME=/usr/lib/jvm/jre-17-openjdk$", final, re.MULTILINE)


def test_context_holds_the_rulebook_java_and_the_collection_tarball(context, containerfile):
    assert _requirement_names(_read(context, "_build", "requirements.txt")) == ["ansible-rulebook"]
    assert "java-17-openjdk-headless [platform:rpm]" in _read(context, "_build", "bindep.txt")
    assert re.search(r"ansible-galaxy collection install .*-r requirements\.yml", containerfile)
    requirements = yaml.safe_load(_read(context, "_build", "requirements.yml"))
    assert requirements["collections"] == [{"name": "collections/mimecast-gateway.tar.gz", "type": "file"}]
    tarball = os.path.join(context, "_build", "collections", "mimecast-gateway.tar.gz")
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
    for source in SOURCES:
        assert "extensions/eda/plugins/event_source/%s.py" % source in names


@pytest.fixture(scope="module")
def installed(context, tmp_path_factory):
    """The galaxy stage without a container: the collection installed from the context into a folder of its own."""
    stage = tmp_path_factory.mktemp("de-stage")
    build = stage / "build"
    shutil.copytree(os.path.join(context, "_build"), str(build))
    collections = stage / "collections"
    env = dict(os.environ, ANSIBLE_HOME=str(stage / "home"))
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    done = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-galaxy"), "collection", "install", "--offline",
         "-r", "requirements.yml", "--collections-path", str(collections)],
        cwd=str(build), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300,
        check=False)
    assert done.returncode == 0, done.stdout
    return build, collections


def test_builder_stage_adds_requests_from_the_collection(installed, tmp_path):
    """What the image gets: ansible-rulebook and Java from the DE, requests and the CA bundle from the collection."""
    build, collections = installed
    pip_out, bindep_out = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    _introspect(build, collections, "--user-pip=requirements.txt", "--user-bindep=bindep.txt",
                "--write-pip=%s" % pip_out, "--write-bindep=%s" % bindep_out)
    assert {"ansible-rulebook", "requests"} <= set(_requirement_names(pip_out.read_text()))
    system = bindep_out.read_text()
    assert "java-17-openjdk-headless" in system and "ca-certificates" in system


def test_installed_sources_load_as_ansible_rulebook_loads_them(installed, tmp_path):
    """ansible-rulebook runs a source file with runpy.run_path, without Ansible's collection loader or PYTHONPATH."""
    _build, collections = installed
    folder = collections / "ansible_collections" / "mimecast" / "gateway" / "extensions" / "eda" / "plugins" / "event_source"
    for source in SOURCES:
        loaded = subprocess.run(
            [sys.executable, "-c", "import runpy, sys; assert callable(runpy.run_path(sys.argv[1])['main'])",
             str(folder / ("%s.py" % source))],
            cwd=str(tmp_path), env=dict((k, v) for k, v in os.environ.items() if k not in ("PYTHONPATH", "ANSIBLE_COLLECTIONS_PATH")),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=120, check=False)
        assert loaded.returncode == 0, "%s does not load from the installed collection:\n%s" % (source, loaded.stdout)


def test_example_rulebooks_run_playbooks_the_collection_ships(installed):
    """The example rulebooks name their playbooks by FQCN: each must be in the installed collection's playbooks/."""
    _build, collections = installed
    collection = collections / "ansible_collections" / "mimecast" / "gateway"
    rulebooks = sorted(glob.glob(str(collection / "extensions" / "eda" / "rulebooks" / "*.yml")))
    assert [os.path.basename(path) for path in rulebooks] == sorted(os.listdir(os.path.join(EDA, "rulebooks")))
    assert (collection / "extensions" / "eda" / "inventory.yml").is_file()
    for path in rulebooks:
        with open(path) as handle:
            for ruleset in yaml.safe_load(handle):
                for source in ruleset["sources"]:
                    assert any(key.split(".")[-1] in SOURCES for key in source if key.startswith("mimecast.gateway.")), source
                for rule in ruleset["rules"]:
                    name = rule["action"]["run_playbook"]["name"]
                    assert name.startswith("mimecast.gateway."), name
                    assert (collection / "playbooks" / (name.split(".")[-1] + ".yml")).is_file(), name
