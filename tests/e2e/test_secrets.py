# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""No secret in any output: every run of the fault matrix and the success paths, at -vvvv, grepped byte by byte.

"Output" is what PlaybookRun.output holds: ansible-playbook's stdout and stderr, with the ``invocation``
echo and any exception text, and every task result the task_results callback recorded. The secrets are
the credentials, the bearer tokens the emulator issued during the run, and the Authorization header of
every API 1.0 request it received (recomputed from the x-mc-date and x-mc-req-id it logged).

Every module of tests/module_registry.py is swept: a module that no fault scenario runs gets a plain run of
its own, with its registry ``args``, in the same way. The matrix's ``-windows`` scenarios fetch time windows at
once: every request of every window, each API 1.0 one signed afresh, is among those whose secrets are looked for.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64

import pytest

from harness import scheme_env
from playbook_factory import RUN_MODULE
from test_faults import SCENARIOS, Scenario, credentials, fault_emulator, matrix_record, run_with_args_file  # noqa: F401 pylint: disable=unused-import
from tests import module_registry
from tests.emulator.mimecast_emulator import mc_signature

# In the fault matrix's worker, so that its runs are made once (tests/e2e/conftest.py).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("test_faults")]

SECRET_OPTIONS = ("client_secret", "secret_key", "app_key", "access_key")
MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
# The fault matrix's runs, and a plain run of each module they leave out, so every module is swept.
IN_THE_MATRIX = set(scenario.module for scenario in SCENARIOS)
SWEPT = SCENARIOS + [Scenario("%s-plain-run" % module.key, None, module=module.key, args=module.args)
                     for module in module_registry.ALL if module.key not in IN_THE_MATRIX]


def credential_secrets(options):
    """The secret values among credential options, and the key bytes a secret_key stands for."""
    secrets = dict((name, options[name]) for name in SECRET_OPTIONS if options.get(name))
    if "secret_key" in secrets:
        try:
            secrets["secret_key, decoded"] = base64.b64decode(secrets["secret_key"]).decode("utf-8", "replace")
        except ValueError:
            pass
    return secrets


def run_secrets(log, tokens, v1_options=None):
    """The bearer tokens issued and the Authorization headers of the API 1.0 requests in the log."""
    secrets = {}
    for number, token in enumerate(tokens, start=1):
        secrets["bearer token %d" % number] = token
    v1 = v1_options or credentials("v1")
    for entry in log:
        headers = entry["headers"]
        if "x-mc-req-id" in headers and "x-mc-date" in headers:
            signature = mc_signature(headers["x-mc-date"], headers["x-mc-req-id"], entry["path"], v1["app_key"], v1["secret_key"])
            secrets["signature of request %s" % headers["x-mc-req-id"]] = signature
            secrets["Authorization of request %s" % headers["x-mc-req-id"]] = "MC %s:%s" % (v1["access_key"], signature)
    return secrets


def assert_no_secret(output, secrets):
    assert secrets, "nothing to look for"
    leaked = sorted(name for name, value in secrets.items() if value in output)
    assert leaked == [], "secrets in the output: %s" % ", ".join(leaked)


@pytest.mark.parametrize("scenario", SWEPT, ids=repr)
def test_fault_matrix_output_holds_no_secret(request, scenario):
    record = matrix_record(request, scenario)
    output = record.run.output
    # What the grep covers: -vvvv output with the invocation echo, the credentials in it masked.
    assert "invocation" in output and MASK in output
    options = credentials(scenario.scheme, **scenario.creds)
    secrets = credential_secrets(credentials("v2"))
    secrets.update(credential_secrets(credentials("v1")))
    secrets.update(("given " + name, value) for name, value in credential_secrets(options).items())
    secrets.update(run_secrets(record.log, record.tokens, options if scenario.scheme == "v1" else None))
    if any(entry["path"] == "/oauth/token" and entry["status"] == 200 for entry in record.log):
        assert record.tokens, "the tokens issued must be among the secrets looked for"
    assert_no_secret(output, secrets)


@pytest.mark.parametrize("scheme", ["v2", "v1"])
def test_credentials_from_the_environment_hold_no_secret(fresh_emulator, ansible_playbook, scheme):
    """The matrix passes credentials as options; AWX credential types set MIMECAST_* variables instead."""
    run = ansible_playbook(RUN_MODULE, env=scheme_env(fresh_emulator, scheme), verbosity=4,
                           extra_vars=dict(module="track", module_args=dict(route=["inbound"], page_size=5)))
    assert run.rc == 0, run
    assert run.results()["Run mimecast_track_info"]["count"] > 5
    assert MASK in run.output
    tokens = fresh_emulator._call("/_emulator/tokens")["tokens"]  # pylint: disable=protected-access
    assert len(tokens) == (1 if scheme == "v2" else 0)
    secrets = credential_secrets(credentials(scheme))
    secrets.update(run_secrets(fresh_emulator.requests(), tokens))
    assert_no_secret(run.output, secrets)


@pytest.mark.parametrize("secret_key", ["not*base64!Secret-77", "c2VjcmV0LWtleS1zdHJpcHBlZA"], ids=["bad-characters", "no-padding"])
def test_secret_key_that_is_not_base64_fails_without_echoing_it(fresh_emulator, ansible_playbook, secret_key):
    options = credentials("v1", secret_key=secret_key, base_url=fresh_emulator.base_url)
    run = run_with_args_file(ansible_playbook, "hold", options, verbosity=4)
    result = run.results()["Run mimecast_hold_info"]
    assert run.rc != 0
    assert result["option"] == "secret_key"
    assert "secret_key is not valid base64" in result["msg"]
    assert fresh_emulator.requests() == []
    assert_no_secret(run.output, credential_secrets(options))
