# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""TLS verification is on by default; a private CA is trusted only through ca_path or validate_certs: false."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from harness import scheme_env
from playbook_factory import RUN_MODULE

pytestmark = pytest.mark.e2e


def run_hold(ansible_playbook, emulator, **module_args):
    run = ansible_playbook(RUN_MODULE, env=scheme_env(emulator, "v2"),
                           extra_vars=dict(module="hold", module_args=module_args))
    return run, run.results().get("Run mimecast_hold_info", {})


def test_self_signed_server_is_refused_by_default(tls_emulator, ansible_playbook):
    tls_emulator.reset()
    run, result = run_hold(ansible_playbook, tls_emulator)
    assert run.rc != 0
    assert result["error_type"] == "MimecastTransportError"
    assert "TLS verification" in result["msg"] and "ca_path" in result["msg"]
    assert tls_emulator.requests() == [], "no request may be sent over an unverified connection"


def test_ca_path_trusts_the_private_ca(tls_emulator, ansible_playbook):
    tls_emulator.reset()
    run, result = run_hold(ansible_playbook, tls_emulator, ca_path=tls_emulator.ca_path)
    assert run.rc == 0, run
    assert result["count"] == len(tls_emulator.data()["held"])


def test_validate_certs_false_skips_verification(tls_emulator, ansible_playbook):
    tls_emulator.reset()
    run, result = run_hold(ansible_playbook, tls_emulator, validate_certs=False)
    assert run.rc == 0, run
    assert result["count"] == len(tls_emulator.data()["held"])
