# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Failures through real ansible-playbook runs: clear messages, no retry storms, no secrets."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket

import pytest

from harness import CREDENTIALS, scheme_env
from playbook_factory import RUN_MODULE

pytestmark = pytest.mark.e2e

HOLD = "/api/gateway/get-hold-message-list"
SECRETS = [CREDENTIALS["v2"]["MIMECAST_CLIENT_SECRET"], CREDENTIALS["v1"]["MIMECAST_SECRET_KEY"],
           CREDENTIALS["v1"]["MIMECAST_APP_KEY"], CREDENTIALS["v1"]["MIMECAST_ACCESS_KEY"]]


def run_hold(ansible_playbook, env, verbosity=0, **module_args):
    run = ansible_playbook(RUN_MODULE, env=env, verbosity=verbosity,
                           extra_vars=dict(module="hold", module_args=module_args))
    return run, run.results().get("Run mimecast_hold_info", {})


def assert_no_secret(run):
    for secret in SECRETS:
        assert secret not in run.output


def test_wrong_client_secret_fails_once_with_a_hint(fresh_emulator, ansible_playbook):
    env = scheme_env(fresh_emulator, "v2")
    env["MIMECAST_CLIENT_SECRET"] = "not-the-secret-9f8e7d"
    run, result = run_hold(ansible_playbook, env, verbosity=4)
    assert run.rc != 0
    assert result["http_status"] == 401
    assert result["error_type"] == "MimecastAuthenticationError"
    assert "client_id and client_secret" in result["msg"]
    assert [r["path"] for r in fresh_emulator.requests()] == ["/oauth/token"], "no retry storm, no API call"
    assert "not-the-secret-9f8e7d" not in run.output
    assert_no_secret(run)


def test_bad_signature_names_code_request_id_and_clock(fresh_emulator, ansible_playbook):
    env = scheme_env(fresh_emulator, "v1")
    env["MIMECAST_APP_KEY"] = "wrong-app-key-3c2b1a"
    run, result = run_hold(ansible_playbook, env, verbosity=4)
    assert run.rc != 0
    calls = fresh_emulator.api_requests()
    assert len(calls) == 1, "a refused signature is not retried"
    assert result["http_status"] == 401
    assert [e["code"] for e in result["mimecast_errors"]] == ["err_xdk_invalid_signature"]
    assert result["request_id"] == calls[0]["headers"]["x-mc-req-id"]
    assert calls[0]["headers"]["x-mc-req-id"] in result["msg"]
    assert "clock" in result["msg"]
    assert "wrong-app-key-3c2b1a" not in run.output
    assert_no_secret(run)


@pytest.mark.parametrize("module_args, option, words", [
    (dict(start="yesterday-ish"), "start", "cannot be read"),
    (dict(start="2026-02-30"), "start", "not a valid date"),
    (dict(start="-1d", end="-3d"), "end", "before start"),
    (dict(page_size=0), "page_size", "between 1 and 500"),
    (dict(page_size=501), "page_size", "between 1 and 500"),
    (dict(max_results=0), "max_results", "1 or more"),
    (dict(search_by=dict(field_name="sender", value="   ")), "search_by.value", "empty"),
    (dict(base_url="https://xx-api.mimecast.com"), "base_url", "placeholder"),
    (dict(base_url="ftp://127.0.0.1"), "base_url", "http"),
    (dict(base_url="https://eu-api.mimecast.com"), "base_url", "API 1.0 host"),
    (dict(region="eu", base_url=""), "base_url", "empty"),
    (dict(access_key="AK"), "access_key", "Both API 2.0"),
])
def test_bad_options_fail_before_any_request(fresh_emulator, ansible_playbook, module_args, option, words):
    run, result = run_hold(ansible_playbook, scheme_env(fresh_emulator, "v2"), **module_args)
    assert run.rc != 0
    assert result.get("option") == option, result
    assert words in result["msg"]
    assert fresh_emulator.requests() == [], "the emulator must see nothing"


def test_incomplete_api1_keys_name_what_is_missing(fresh_emulator, ansible_playbook):
    env = scheme_env(fresh_emulator, "v1")
    del env["MIMECAST_APP_KEY"]
    del env["MIMECAST_SECRET_KEY"]
    run, result = run_hold(ansible_playbook, env)
    assert run.rc != 0
    assert "secret_key, app_key missing" in result["msg"]
    assert fresh_emulator.requests() == []


def test_track_needs_exactly_one_kind_of_criteria(fresh_emulator, ansible_playbook):
    env = scheme_env(fresh_emulator, "v2")
    both = ansible_playbook(RUN_MODULE, env=env, extra_vars=dict(
        module="track", module_args=dict(message_id="<a@b>", sender="x@example.com")))
    neither = ansible_playbook(RUN_MODULE, env=env, extra_vars=dict(module="track", module_args=dict(start="-1d")))
    assert both.rc != 0 and "mutually exclusive: message_id|sender" in both.results()["Run mimecast_track_info"]["msg"]
    assert neither.rc != 0 and "one of the following is required" in neither.results()["Run mimecast_track_info"]["msg"]
    assert fresh_emulator.requests() == []


def test_server_errors_are_retried_to_a_complete_result(fresh_emulator, ansible_playbook):
    fresh_emulator.faults(dict(path=HOLD, kind="status", status=503, html=True, count=1),
                          dict(path=HOLD, kind="rate_limit", reset_ms=300, count=1))
    expected = len(fresh_emulator.data()["held"])
    run, result = run_hold(ansible_playbook, scheme_env(fresh_emulator, "v1"), page_size=500)
    assert run.rc == 0, run
    assert result["count"] == expected
    statuses = [r["status"] for r in fresh_emulator.api_requests()]
    assert statuses == [503, 429, 200]


def test_retries_exhausted_report_the_attempts(fresh_emulator, ansible_playbook):
    fresh_emulator.faults(dict(path=HOLD, kind="status", status=502, count=0))
    run, result = run_hold(ansible_playbook, scheme_env(fresh_emulator, "v2"), retries=2)
    assert run.rc != 0
    assert result["attempts"] == 3
    assert "3 attempts" in result["msg"] and "HTTP 502" in result["msg"]
    assert len(fresh_emulator.api_requests()) == 3


def test_fail_at_http_200_is_an_error_with_the_code(fresh_emulator, ansible_playbook):
    fresh_emulator.faults(dict(path=HOLD, kind="fail", code="err_validation_null", message="data cannot be null",
                               retryable=False, count=1))
    run, result = run_hold(ansible_playbook, scheme_env(fresh_emulator, "v2"))
    assert run.rc != 0
    assert result["http_status"] == 200
    assert "err_validation_null: data cannot be null" in result["msg"]
    assert len(fresh_emulator.api_requests()) == 1


def test_expired_token_is_refreshed_once(fresh_emulator, ansible_playbook):
    fresh_emulator.faults(dict(path=HOLD, kind="token_expired", count=1, after=1))
    expected = len(fresh_emulator.data()["held"])
    run, result = run_hold(ansible_playbook, scheme_env(fresh_emulator, "v2"), page_size=10)
    assert run.rc == 0, run
    assert result["count"] == expected
    assert len([r for r in fresh_emulator.requests() if r["path"] == "/oauth/token"]) == 2


def _resolver_says_no_such_name(host):
    try:
        socket.getaddrinfo(host, 443)
    except socket.gaierror as error:
        return error.errno == socket.EAI_NONAME
    return False


def test_a_host_name_that_does_not_exist_fails_at_once(fresh_emulator, ansible_playbook):
    host = "no-such-mimecast-host.invalid"  # .invalid never resolves (RFC 2606)
    if not _resolver_says_no_such_name(host):
        pytest.skip("this machine's resolver does not answer 'no such name' for %s" % host)
    env = scheme_env(fresh_emulator, "v2")
    env["MIMECAST_BASE_URL"] = "https://%s" % host
    run, result = run_hold(ansible_playbook, env, retries=5)
    assert run.rc != 0
    assert result["error_type"] == "MimecastTransportError"
    assert "does not exist" in result["msg"] and "check base_url/region" in result["msg"]
    assert result["attempts"] == 1, "a name that does not exist is not asked for again"


def test_a_refused_connection_is_retried(fresh_emulator, ansible_playbook):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again at once: nothing listens there
    env = scheme_env(fresh_emulator, "v2")
    env["MIMECAST_BASE_URL"] = "http://127.0.0.1:%d" % port
    run, result = run_hold(ansible_playbook, env, retries=2)
    assert run.rc != 0
    assert result["error_type"] == "MimecastTransportError"
    assert result["attempts"] == 3 and "Connection refused" in result["msg"]
