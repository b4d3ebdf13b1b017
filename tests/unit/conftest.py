# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures shared by the unit tests; the fakes themselves come from mimecast_fakes.py."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import ENV_VARIABLES, FakeClock


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No MIMECAST_* credentials, proxies or CA bundles leak in from the shell running the tests."""
    for name in ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock():
    return FakeClock()
