# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from harness import ansible_playbook, emulator, fresh_emulator, tls_emulator  # noqa: F401 pylint: disable=unused-import

import pytest

# With pytest-xdist (`make e2e` runs two workers, one per core), each test file runs whole in one worker,
# so its module- and session-scoped emulators and runs are made once. test_secrets sweeps the very runs the fault
# matrix made (test_faults keeps them in-process), so the two files share a worker.
SHARED_WORKER = {"test_secrets": "test_faults"}


# tryfirst: xdist's worker registers its own hook, which turns the marks into node id suffixes, after this conftest;
# without it, that hook runs first, finds no mark, and tests of one file are spread over both workers.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        name = item.module.__name__.rsplit(".", 1)[-1]
        item.add_marker(pytest.mark.xdist_group(SHARED_WORKER.get(name, name)))
