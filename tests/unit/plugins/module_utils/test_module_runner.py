# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import gc

import pytest

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.mimecast.gateway.plugins.module_utils import module_runner
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import CONNECTION_ARGUMENT_SPEC, RESULT_ARGUMENT_SPEC
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastApiError, MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.module_utils.module_runner import execute, new_module
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (  # patch_module_args: also on ansible-core < 2.19
    patch_module_args,
    CLIENT_ID,
    CLIENT_SECRET,
    ExitJson,
    FailJson,
    FakeModule,
    FakeTransport,
    fail_answer,
    make_client,
    page,
    token_answer,
    v2_params,
)


class Factory:
    """A client factory that records what execute() hands it and builds clients on a fake transport."""

    def __init__(self, transport):
        self.transport = transport
        self.settings = None
        self.clients = []

    def __call__(self, settings):
        self.settings = settings
        client = make_client(settings, self.transport)
        self.clients.append(client)
        return client


def query_run(module, client):
    items = [item for chunk in client.paginate(HOLD_LIST, dict(admin=True)) for item in chunk]
    return dict(items=items, count=len(items))


def test_success_exits_unchanged_with_the_result():
    transport = FakeTransport([page([dict(id="a"), dict(id="b")])], [token_answer()])
    factory = Factory(transport)
    module = FakeModule(v2_params())
    with pytest.raises(ExitJson) as caught:
        execute(module, query_run, client_factory=factory)
    assert caught.value.result == dict(changed=False, items=[dict(id="a"), dict(id="b")], count=2)
    assert factory.settings.credentials == dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert module.warnings == []
    assert transport.closed is True


def test_mimecast_error_becomes_fail_json():
    transport = FakeTransport([fail_answer("err_validation_blank", "blank field", status=400, headers={"x-request-id": "rid-5"})],
                              [token_answer()])
    with pytest.raises(FailJson) as caught:
        execute(FakeModule(v2_params()), query_run, client_factory=Factory(transport))
    assert caught.value.result == dict(
        msg="Mimecast answered HTTP 400 for %s (err_validation_blank: blank field; request id rid-5)" % HOLD_LIST.path,
        error_type="MimecastApiError",
        http_status=400,
        mimecast_errors=[dict(code="err_validation_blank", message="blank field", retryable=False)],
        request_id="rid-5",
        attempts=1,
    )
    assert transport.closed is True


def test_option_error_fails_before_any_client_is_made():
    factory = Factory(FakeTransport())
    with pytest.raises(FailJson) as caught:
        execute(FakeModule(v2_params(page_size=0)), query_run, client_factory=factory)
    assert caught.value.result == dict(msg="page_size must be between 1 and 500, got 0", error_type="MimecastOptionError", option="page_size")
    assert factory.clients == []


def test_option_error_raised_by_run_names_the_option():
    def run(module, client):
        raise MimecastOptionError("start", "start 'x' cannot be read")

    transport = FakeTransport()
    with pytest.raises(FailJson) as caught:
        execute(FakeModule(v2_params()), run, client_factory=Factory(transport))
    assert caught.value.result["option"] == "start"
    assert caught.value.result["msg"] == "start 'x' cannot be read"
    assert transport.requests == []
    assert transport.closed is True


def test_non_mimecast_errors_propagate_after_closing_the_client():
    def run(module, client):
        raise KeyError("unexpected")

    transport = FakeTransport()
    with pytest.raises(KeyError):
        execute(FakeModule(v2_params()), run, client_factory=Factory(transport))
    assert transport.closed is True


def test_settings_warnings_are_forwarded():
    module = FakeModule(v2_params(base_url="http://127.0.0.1:8080", region="uk"))
    transport = FakeTransport([page([])], [token_answer()])
    with pytest.raises(ExitJson):
        execute(module, query_run, client_factory=Factory(transport))
    assert module.warnings == ["Both base_url and region were given; base_url http://127.0.0.1:8080 is used and region uk is ignored"]
    assert transport.requests[0].url == "http://127.0.0.1:8080/oauth/token"


def test_missing_requests_library(monkeypatch):
    monkeypatch.setattr(module_runner, "HAS_REQUESTS", False)
    monkeypatch.setattr(module_runner, "REQUESTS_IMPORT_ERROR", "Traceback: No module named 'requests'")
    factory = Factory(FakeTransport())
    with pytest.raises(FailJson) as caught:
        execute(FakeModule(v2_params()), query_run, client_factory=factory)
    assert caught.value.result == dict(msg=missing_required_lib("requests"), exception="Traceback: No module named 'requests'")
    assert "requests" in caught.value.result["msg"]
    assert factory.clients == []


def test_fail_json_result_is_what_to_fail_json_gives():
    err = MimecastApiError("boom", status=500, attempts=6, elapsed=10.0)

    def run(module, client):
        raise err

    with pytest.raises(FailJson) as caught:
        execute(FakeModule(v2_params()), run, client_factory=Factory(FakeTransport()))
    assert caught.value.result == err.to_fail_json()
    assert caught.value.result["attempts"] == 6


def test_new_module_adds_the_connection_options_and_check_mode():
    with patch_module_args(dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, flag=True)):
        module = new_module(dict(flag=dict(type="bool", default=False)))
    assert module.supports_check_mode is True
    assert set(module.argument_spec) == set(CONNECTION_ARGUMENT_SPEC) | set(RESULT_ARGUMENT_SPEC) | set(["flag"])
    assert module.params["flag"] is True
    assert module.params["page_size"] == 100
    assert module.params["retries"] == 5
    assert CLIENT_SECRET in module.no_log_values


def test_a_module_that_changes_state_reports_changed_and_its_diff():
    def run(module, client):
        return dict(changed=True, released=["a"], diff=dict(before="a: held\n", after="a: released\n"))

    with pytest.raises(ExitJson) as caught:
        execute(FakeModule(v2_params()), run, client_factory=Factory(FakeTransport()))
    assert caught.value.result == dict(changed=True, released=["a"], diff=dict(before="a: held\n", after="a: released\n"))


def test_a_failure_keeps_the_facts_gathered_before_it():
    def run(module, client):
        raise MimecastApiError("2 of 5 messages failed", facts=dict(released=["a", "b", "c"], failed=[dict(id="d"), dict(id="e")]))

    with pytest.raises(FailJson) as caught:
        execute(FakeModule(v2_params()), run, client_factory=Factory(FakeTransport()))
    result = caught.value.result
    assert result["msg"] == "2 of 5 messages failed"
    assert (result["released"], [entry["id"] for entry in result["failed"]]) == (["a", "b", "c"], ["d", "e"])


@pytest.mark.parametrize("outcome", ["result", "mimecast error", "unexpected error"])
@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_cyclic_collector_is_off_while_a_module_runs_and_as_before_after(outcome, enabled_before):
    seen = []

    def run(module, client):
        seen.append(gc.isenabled())
        if outcome == "mimecast error":
            raise MimecastApiError("refused", status=403)
        if outcome == "unexpected error":
            raise KeyError("a bug")
        return dict(count=0)

    transport = FakeTransport([], [token_answer()])
    was = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    try:
        with pytest.raises((ExitJson, FailJson, KeyError)):
            execute(FakeModule(v2_params()), run, client_factory=Factory(transport))
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False]
    assert after is enabled_before
