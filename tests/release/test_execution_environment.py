# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The execution environment's build context, as `ansible-builder create` wrote it (make ee).

There is no container engine here, so the image is not built. Instead the checks read the
Containerfile and run the two build stages that need no container: the galaxy stage's
collection install, and the builder stage's dependency introspection, with the very scripts
and files ansible-builder put in the context.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _read(*parts):
    with open(os.path.join(*parts)) as handle:
        return handle.read()


def _requirement_names(text):
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [re.split(r"[<>=!~;\[ ]", line, 1)[0].lower() for line in lines if line]


@pytest.fixture(scope="module")
def definition():
    with open(os.path.join(ROOT, "meta", "execution-environment.yml")) as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def context(ee_dir):
    path = os.path.join(ee_dir, "context")
    assert os.path.isdir(path), "no build context in %s" % ee_dir
    return path


@pytest.fixture(scope="module")
def containerfile(context):
    return _read(context, "Containerfile")


def test_definition_is_schema_3_with_its_dependencies_in_their_own_files(definition):
    assert definition["version"] == 3
    dependencies = definition["dependencies"]
    # Paths, not inline lists: ansible-builder's introspection of an installed collection reads them
    # from the collection root, where these files are.
    assert dependencies["python"] == "requirements.txt"
    assert dependencies["system"] == "bindep.txt"
    for name in ("requirements.txt", "bindep.txt"):
        assert os.path.isfile(os.path.join(ROOT, name)), name


def test_runtime_requirements_are_not_test_requirements():
    runtime = set(_requirement_names(_read(ROOT, "requirements.txt")))
    assert runtime == {"requests"}
    development = _requirement_names(_read(ROOT, "requirements-dev.txt"))
    assert "pytest" in development and "pytest" not in runtime


def test_containerfile_names_the_base_image(definition, containerfile):
    base = definition["images"]["base_image"]["name"]
    assert 'ARG EE_BASE_IMAGE="%s"' % base in containerfile
    assert re.search(r"^FROM \$EE_BASE_IMAGE AS base$", containerfile, re.MULTILINE)


def test_containerfile_installs_ansible_and_the_python_and_system_requirements(containerfile):
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="([^"]*)"', containerfile, re.MULTILINE).group(1)
    assert "ansible-core" in refs and "ansible-runner" in refs
    assert "COPY _build/requirements.txt requirements.txt" in containerfile
    assert "COPY _build/bindep.txt bindep.txt" in containerfile
    assert re.search(r"introspect\.py introspect --user-pip=requirements\.txt --user-bindep=bindep\.txt", containerfile)
    assert "RUN /output/scripts/assemble" in containerfile
    assert "/output/scripts/install-from-bindep" in containerfile


def test_context_requirements_file_holds_requests(context):
    assert "requests" in _requirement_names(_read(context, "_build", "requirements.txt"))
    assert "ca-certificates" in _read(context, "_build", "bindep.txt")


def test_containerfile_installs_the_collection_tarball(context, containerfile):
    assert re.search(r"ansible-galaxy collection install .*-r requirements\.yml", containerfile)
    requirements = yaml.safe_load(_read(context, "_build", "requirements.yml"))
    entries = requirements["collections"]
    assert entries == [{"name": "collections/mimecast-gateway.tar.gz", "type": "file"}]
    # The galaxy stage runs in /build, a copy of _build.
    assert os.path.isfile(os.path.join(context, "_build", "collections", "mimecast-gateway.tar.gz"))


@pytest.fixture(scope="module")
def galaxy_stage(context, tool, tmp_path_factory):
    """The galaxy stage without a container: `ansible-galaxy collection install -r requirements.yml` in a copy of _build."""
    stage = tmp_path_factory.mktemp("ee-stage")
    build = stage / "build"
    shutil.copytree(os.path.join(context, "_build"), str(build))
    collections = stage / "usr-share-ansible-collections"
    env = dict(os.environ, ANSIBLE_HOME=str(stage / "home"))
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    installed = subprocess.run(
        [tool("ansible-galaxy"), "collection", "install", "--offline", "-r", "requirements.yml",
         "--collections-path", str(collections)],
        cwd=str(build), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
        timeout=300, check=False)
    assert installed.returncode == 0, installed.stdout
    return build, collections


def test_galaxy_stage_installs_the_collection(galaxy_stage):
    _build, collections = galaxy_stage
    installed = collections / "ansible_collections" / "mimecast" / "gateway"
    assert (installed / "MANIFEST.json").is_file()
    assert (installed / "meta" / "execution-environment.yml").is_file()


def _introspect(build, collections, *options):
    answer = subprocess.run(
        [sys.executable, str(build / "scripts" / "introspect.py"), "introspect"] + list(options) + [str(collections)],
        cwd=str(build), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=120,
        check=False)
    assert answer.returncode == 0, answer.stdout
    return yaml.safe_load(answer.stdout.split("---", 1)[1])


def test_installed_collection_declares_its_own_dependencies(galaxy_stage):
    """Any EE that installs mimecast.gateway gets requests and the CA bundle from its meta/execution-environment.yml."""
    build, collections = galaxy_stage
    found = _introspect(build, collections)
    # Each line names the collection it came from: "requests>=2.25  # from collection mimecast.gateway".
    ours = dict((kind, [line for line in found[kind] if line.endswith("# from collection mimecast.gateway")])
                for kind in ("python", "system"))
    assert _requirement_names("\n".join(line.split("#")[0] for line in ours["python"])) == ["requests"]
    assert [line.split()[0] for line in ours["system"]] == ["ca-certificates"]


def test_builder_stage_writes_the_image_requirements(galaxy_stage, tmp_path):
    build, collections = galaxy_stage
    pip_out, bindep_out = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    _introspect(build, collections, "--user-pip=requirements.txt", "--user-bindep=bindep.txt",
                "--write-pip=%s" % pip_out, "--write-bindep=%s" % bindep_out)
    assert "requests" in _requirement_names(pip_out.read_text())
    assert "ca-certificates" in bindep_out.read_text()
