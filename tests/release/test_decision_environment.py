# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The decision environment defined in extensions/de/, and the EDA content it runs.

As for the execution environment, no image is built: `ansible-builder create` runs in extensions/de/ as a user would,
`make de` writes the same Containerfile for the checkout's tarball, and its galaxy and builder stages run here without
a container (see builder_context.py). Then the installed collection's event sources load the way ansible-rulebook
loads them in the image.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import os
import re
import subprocess
import sys

import pytest
import yaml

from builder_context import (ROOT, assert_checkout_context_is_the_folder_context, assert_names_this_collection_line, builder_stage,
                             create_from_folder, galaxy_stage, load_yaml, read, requirement_names)

FOLDER = os.path.join(ROOT, "extensions", "de")
EDA = os.path.join(ROOT, "extensions", "eda")
SOURCES = ("held_messages", "processing_queue")


@pytest.fixture(scope="module")
def definition():
    return load_yaml(FOLDER, "execution-environment.yml")


def test_definition_is_schema_3_with_java_rulebook_and_the_collection(definition):
    assert definition["version"] == 3
    dependencies = definition["dependencies"]
    assert requirement_names("\n".join(dependencies["python"])) == ["ansible-rulebook"]
    assert [line.split()[0] for line in dependencies["system"]] == ["java-17-openjdk-headless"]
    assert dependencies["galaxy"] == "requirements.yml"
    assert_names_this_collection_line(load_yaml(FOLDER, "requirements.yml"))
    assert definition["additional_build_files"] == [{"src": "collections", "dest": "collections"}]


def test_rulebook_version_is_the_tested_one(definition):
    """The DE installs the ansible-rulebook line the tests run: ~=X.Y.Z in requirements-dev.txt, >=X.Y.Z,<X.Y+1 here."""
    tested = re.search(r"^ansible-rulebook~=(\d+)\.(\d+)\.(\d+)", read(ROOT, "requirements-dev.txt"), re.MULTILINE)
    assert tested, "requirements-dev.txt must pin ansible-rulebook"
    major, minor, patch = (int(part) for part in tested.groups())
    expected = "ansible-rulebook>=%d.%d.%d,<%d.%d" % (major, minor, patch, major, minor + 1)
    assert definition["dependencies"]["python"] == [expected]


@pytest.fixture(scope="module")
def folder_context(tmp_path_factory):
    """The context `ansible-builder create` writes from extensions/de/, nothing staged."""
    return create_from_folder(FOLDER, tmp_path_factory.mktemp("de-folder") / "context")


def test_folder_context_installs_ansible_rulebook_java_and_the_published_collection(definition, folder_context):
    containerfile = read(folder_context, "Containerfile")
    base = definition["images"]["base_image"]["name"]
    assert 'ARG EE_BASE_IMAGE="%s"' % base in containerfile
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="([^"]*)"', containerfile, re.MULTILINE).group(1)
    assert "ansible-core" in refs and "ansible-runner" in refs
    assert re.search(r"ansible-galaxy collection install .*-r requirements\.yml", containerfile)
    assert_names_this_collection_line(load_yaml(folder_context, "_build", "requirements.yml"))
    # The DE's own requirements go in beside the collection's, which introspection adds.
    assert requirement_names(read(folder_context, "_build", "requirements.txt")) == ["ansible-rulebook"]
    assert "java-17-openjdk-headless [platform:rpm]" in read(folder_context, "_build", "bindep.txt")
    assert re.search(r"introspect\.py introspect --user-pip=requirements\.txt --user-bindep=bindep\.txt", containerfile)
    assert "/output/scripts/install-from-bindep" in containerfile
    # Set in the final image, where ansible-rulebook runs.
    final = containerfile.split("FROM base AS final", 1)[1]
    assert re.search(r"^ENV JAVA_HOME=/usr/lib/jvm/jre-17-openjdk$", final, re.MULTILINE)


def test_checkout_context_is_the_folder_context_with_the_checkout_tarball(de_dir, folder_context, release_tarball):
    """`make de` changes only where the collection comes from: the Containerfile is the one users get."""
    assert_checkout_context_is_the_folder_context(os.path.join(de_dir, "context"), folder_context, release_tarball)


@pytest.fixture(scope="module")
def installed(de_dir, tmp_path_factory):
    """The galaxy stage of the checkout's context: its collection installed from _build."""
    context = os.path.join(de_dir, "context")
    build, collections = galaxy_stage(context, tmp_path_factory.mktemp("de-stage"))
    return context, build, collections


def test_builder_stage_adds_requests_from_the_collection(installed, tmp_path):
    """What the image gets: ansible-rulebook and Java from the DE, requests and the CA bundle from the collection."""
    python, system = builder_stage(*installed, output=tmp_path)
    assert {"ansible-rulebook", "requests"} <= set(requirement_names(python))
    assert "java-17-openjdk-headless" in system and "ca-certificates" in system


def test_installed_sources_load_as_ansible_rulebook_loads_them(installed, tmp_path):
    """ansible-rulebook runs a source file with runpy.run_path, without Ansible's collection loader or PYTHONPATH."""
    _context, _build, collections = installed
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
    _context, _build, collections = installed
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
