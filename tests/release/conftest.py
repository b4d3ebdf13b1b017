# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures for the release checks: what `make release-check` built, found where it put it.

`make release-check` builds the collection tarball (.build/release/) and the build contexts of the
execution and decision environments of this checkout (.build/ee/, .build/de/) first, then runs these
tests on them, so the tests check exactly the artifacts a maintainer would publish.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import os
import sys

import pytest

from builder_context import install_collections

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def _built(variable, default, what):
    path = os.environ.get(variable) or os.path.join(ROOT, default)
    if not os.path.isdir(path):
        pytest.fail("%s not found at %s: run `make release-check`, which builds it first" % (what, path))
    return path


@pytest.fixture(scope="session")
def release_tarball():
    folder = _built("RELEASE_DIR", os.path.join(".build", "release"), "the collection tarball")
    tarballs = glob.glob(os.path.join(folder, "mimecast-gateway-*.tar.gz"))
    assert len(tarballs) == 1, "expected one tarball in %s, found %s" % (folder, tarballs)
    return tarballs[0]


@pytest.fixture(scope="session")
def ee_dir():
    return _built("EE_DIR", os.path.join(".build", "ee"), "the execution environment's build directory (make ee)")


@pytest.fixture(scope="session")
def de_dir():
    return _built("DE_DIR", os.path.join(".build", "de"), "the decision environment's build directory (make de)")


@pytest.fixture(scope="session")
def installed_tarball(release_tarball, tmp_path_factory):
    """The release tarball installed offline into an empty collections path of its own."""
    stage = tmp_path_factory.mktemp("installed-tarball")
    collections = stage / "collections"
    install_collections([release_tarball], collections, cwd=stage)
    return collections


@pytest.fixture(scope="session")
def tool():
    """Path of a console script installed beside this Python (ansible-galaxy, ansible-playbook, ...)."""
    def find(name):
        path = os.path.join(BIN, name)
        assert os.path.exists(path), "%s is not installed in %s (make venv)" % (name, BIN)
        return path
    return find
