# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every fact a failure returns is in each module's RETURN documentation."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib

import pytest
import yaml

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastApiError, MimecastOptionError
from ansible_collections.mimecast.gateway.tests import module_registry

MODULES = [importlib.import_module("ansible_collections.mimecast.gateway.plugins.modules." + entry.name)
           for entry in module_registry.ALL]
FAILURES = [
    MimecastApiError("Mimecast answered HTTP 503", status=503, request_id="rid-1", attempts=6,
                     errors=[dict(code="err_busy", message="try later", retryable=True)]),
    MimecastOptionError("region", "region mars is not a region"),
]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__.rsplit(".", 1)[1])
@pytest.mark.parametrize("failure", FAILURES, ids=lambda failure: type(failure).__name__)
def test_every_failure_fact_is_documented(module, failure):
    documented = yaml.safe_load(module.RETURN)
    facts = set(failure.to_fail_json()) - {"msg"}  # msg is Ansible's own
    assert facts <= set(documented)
    for fact in facts:
        assert documented[fact]["returned"].startswith("failure")
