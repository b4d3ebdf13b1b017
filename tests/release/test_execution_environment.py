# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection as ansible-builder sees it, and the execution environment defined in extensions/ee/.

* meta/execution-environment.yml is the dependency-only form ansible-builder reads from an installed collection:
  `ansible-builder introspect` on the installed release tarball finds requests and the CA bundle.
* extensions/ee/ builds as is: `ansible-builder create` in that folder writes a context that installs the published
  collection; `make ee` writes the same Containerfile for the checkout's tarball, whose galaxy and builder stages run
  here without a container (see builder_context.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest

from builder_context import (ROOT, assert_checkout_context_is_the_folder_context, assert_names_this_collection_line, builder_stage,
                             create_from_folder, from_this_collection, galaxy_stage, introspect, load_yaml, read,
                             requirement_names)

FOLDER = os.path.join(ROOT, "extensions", "ee")


def test_collection_metadata_names_only_its_dependency_files():
    """The form ansible-builder documents for collections: two paths, relative to the collection root."""
    assert load_yaml(ROOT, "meta", "execution-environment.yml") == {
        "version": 1, "dependencies": {"python": "requirements.txt", "system": "bindep.txt"}}
    for name in ("requirements.txt", "bindep.txt"):
        assert os.path.isfile(os.path.join(ROOT, name)), name


def test_runtime_requirements_are_not_test_requirements():
    runtime = set(requirement_names(read(ROOT, "requirements.txt")))
    assert runtime == {"requests"}
    development = requirement_names(read(ROOT, "requirements-dev.txt"))
    assert "pytest" in development and "pytest" not in runtime


def test_introspect_finds_requests_and_the_ca_bundle_in_the_installed_tarball(installed_tarball):
    found = introspect(installed_tarball)
    assert requirement_names("\n".join(from_this_collection(found, "python"))) == ["requests"]
    assert [line.split()[0] for line in from_this_collection(found, "system")] == ["ca-certificates"]


def test_definition_takes_everything_of_the_collection_from_the_collection():
    definition = load_yaml(FOLDER, "execution-environment.yml")
    assert definition["version"] == 3
    dependencies = definition["dependencies"]
    # requests and the CA bundle come from meta/execution-environment.yml, so they are not repeated here.
    assert "python" not in dependencies and "system" not in dependencies
    assert dependencies["galaxy"] == "requirements.yml"
    assert_names_this_collection_line(load_yaml(FOLDER, "requirements.yml"))
    assert definition["additional_build_files"] == [{"src": "collections", "dest": "collections"}]


@pytest.fixture(scope="module")
def folder_context(tmp_path_factory):
    """The context `ansible-builder create` writes from extensions/ee/, nothing staged."""
    return create_from_folder(FOLDER, tmp_path_factory.mktemp("ee-folder") / "context")


def test_folder_context_installs_ansible_and_the_published_collection(folder_context):
    containerfile = read(folder_context, "Containerfile")
    base = load_yaml(FOLDER, "execution-environment.yml")["images"]["base_image"]["name"]
    assert 'ARG EE_BASE_IMAGE="%s"' % base in containerfile
    assert re.search(r"^FROM \$EE_BASE_IMAGE AS base$", containerfile, re.MULTILINE)
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="([^"]*)"', containerfile, re.MULTILINE).group(1)
    assert "ansible-core" in refs and "ansible-runner" in refs
    assert re.search(r"ansible-galaxy collection install .*-r requirements\.yml", containerfile)
    assert_names_this_collection_line(load_yaml(folder_context, "_build", "requirements.yml"))
    # requests arrives through the installed collection: the builder stage introspects it, then installs the result.
    assert re.search(r"^RUN \$PYCMD /output/scripts/introspect\.py introspect .*--write-pip=", containerfile, re.MULTILINE)
    assert "RUN /output/scripts/assemble" in containerfile
    assert "/output/scripts/install-from-bindep" in containerfile


def test_checkout_context_is_the_folder_context_with_the_checkout_tarball(ee_dir, folder_context, release_tarball):
    """`make ee` changes only where the collection comes from: the Containerfile is the one users get."""
    assert_checkout_context_is_the_folder_context(os.path.join(ee_dir, "context"), folder_context, release_tarball)


@pytest.fixture(scope="module")
def checkout_stages(ee_dir, tmp_path_factory):
    """The galaxy stage of the checkout's context: its collection installed from _build."""
    context = os.path.join(ee_dir, "context")
    build, collections = galaxy_stage(context, tmp_path_factory.mktemp("ee-stage"))
    return context, build, collections


def test_galaxy_stage_installs_the_collection(checkout_stages):
    _context, _build, collections = checkout_stages
    installed = collections / "ansible_collections" / "mimecast" / "gateway"
    assert (installed / "MANIFEST.json").is_file()
    assert (installed / "meta" / "execution-environment.yml").is_file()


def test_builder_stage_gives_the_image_requests_and_the_ca_bundle(checkout_stages, tmp_path):
    python, system = builder_stage(*checkout_stages, output=tmp_path)
    assert "requests" in requirement_names(python)
    assert "ca-certificates" in system
