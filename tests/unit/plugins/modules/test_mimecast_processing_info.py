# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils.common.parameters import PASS_VARS

from ansible_collections.mimecast.gateway.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.module_utils.queries import processing_queue
from ansible_collections.mimecast.gateway.plugins.modules import mimecast_processing_info as module
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    CLIENT_ID,
    CLIENT_SECRET,
    FIXED_NOW,
    V2_BASE,
    Answer,
    ExitJson,
    FailJson,
    FakeModule,
    FakeTransport,
    call_main,
    envelope,
    form_of,
    make_client,
    patch_module_exits,
    token_answer,
    v2_params,
)

PATH = "/api/gateway/find-processing-messages"

RAW_MESSAGE = {
    "id": "eNoVzk0LgjAYAOB_sy0jF",
    "fromEnv": {"emailAddress": "alerts@example.net", "displayableName": "Example Alerts"},
    "fromHeader": {"emailAddress": "alerts@example.net", "displayableName": "Example Alerts"},
    "to": {"emailAddress": "ops@example.com", "displayableName": "Ops"},
    "subject": "Nightly report",
    "attachment": "false",
    "routing": "outbound",
    "size": "5120",
    "remoteIp": "192.0.2.10",
    "attempts": "3",
    "nextAttempt": "2026-05-04T12:05:00+0000",
    "created": "2026-05-04T11:30:00+0000",
    "lockedUntil": "2026-05-04T11:50:00+0000",
    "info": "Remote server unavailable",
}

SHAPED_MESSAGE = {
    "id": "eNoVzk0LgjAYAOB_sy0jF",
    "from_env": {"email_address": "alerts@example.net", "displayable_name": "Example Alerts"},
    "from_header": {"email_address": "alerts@example.net", "displayable_name": "Example Alerts"},
    "to": {"email_address": "ops@example.com", "displayable_name": "Ops"},
    "subject": "Nightly report",
    "attachment": False,
    "routing": "outbound",
    "size": 5120,
    "remote_ip": "192.0.2.10",
    "attempts": 3,
    "next_attempt": "2026-05-04T12:05:00+0000",
    "created": "2026-05-04T11:30:00+0000",
    "locked_until": "2026-05-04T11:50:00+0000",
    "info": "Remote server unavailable",
}


def params(**options):
    return v2_params(module.ARGUMENT_SPEC, **options)


def request_for(**options):
    return processing_queue.build_request(params(**options), now=FIXED_NOW)


def messages_page(messages, next_token=None):
    return Answer(200, envelope(messages, next_token, items_key="messages"))


# -- options -> request ------------------------------------------------------------------------


def test_defaults_send_only_the_queue_type():
    assert request_for() == {"type": "processing"}


def test_queue_type():
    assert request_for(queue_type="bulk_processing") == {"type": "bulk_processing"}


def test_dates():
    assert request_for(start="-24h", end="now") == {
        "type": "processing", "start": "2026-05-03T12:00:00+0000", "end": "2026-05-04T12:00:00+0000"}
    assert request_for(start="2026-05-01", end="2026-05-02") == {
        "type": "processing", "start": "2026-05-01T00:00:00+0000", "end": "2026-05-02T23:59:59+0000"}


@pytest.mark.parametrize("order", ["ascending", "descending"])
def test_sort_order(order):
    assert request_for(sort_order=order) == {"type": "processing", "sortOrder": order}


def test_sort_by():
    assert request_for(sort_by="created") == {"type": "processing", "sortBy": "created"}


@pytest.mark.parametrize("field_name", ["ALL", "fromAddress", "toAddress", "subject", "info", "remoteIp"])
def test_search_by(field_name):
    assert request_for(search_by=dict(field_name=field_name, value="example.org")) == {
        "type": "processing", "searchBy": {"fieldName": field_name, "value": "example.org"}}


@pytest.mark.parametrize("route", ["all", "internal", "outbound", "inbound", "external"])
def test_route_filter(route):
    assert request_for(route=route) == {"type": "processing", "filterBy": [{"fieldName": "route", "value": route}]}


@pytest.mark.parametrize("attachments, value", [(True, "true"), (False, "false")])
def test_attachments_filter_is_a_string(attachments, value):
    assert request_for(attachments=attachments) == {"type": "processing", "filterBy": [{"fieldName": "attachments", "value": value}]}


def test_every_option_together():
    assert request_for(queue_type="bulk_processing", start="2026-05-04T10:00:00+02:00", end="-1h", sort_order="ascending",
                       sort_by="attempts", search_by=dict(field_name="toAddress", value="ops@example.com"), route="outbound",
                       attachments=False) == {
        "type": "bulk_processing",
        "start": "2026-05-04T08:00:00+0000",
        "end": "2026-05-04T11:00:00+0000",
        "sortOrder": "ascending",
        "sortBy": "attempts",
        "searchBy": {"fieldName": "toAddress", "value": "ops@example.com"},
        "filterBy": [{"fieldName": "route", "value": "outbound"}, {"fieldName": "attachments", "value": "false"}],
    }


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_search_value_is_rejected(value):
    with pytest.raises(MimecastOptionError) as caught:
        request_for(search_by=dict(field_name="subject", value=value))
    assert caught.value.option == "search_by.value"


def test_end_before_start_is_rejected():
    with pytest.raises(MimecastOptionError) as caught:
        request_for(start="now", end="-1h")
    assert caught.value.option == "end"


# -- run() ---------------------------------------------------------------------------------------


def run_module(answers, monkeypatch, **options):
    patch_module_exits(monkeypatch)
    module_params = params(**options)
    transport = FakeTransport(answers, [token_answer()])
    client = make_client(ConnectionSettings.from_params(module_params), transport)
    return transport, module.run(FakeModule(module_params), client)


def test_run_shapes_messages_and_summarises(monkeypatch):
    second = dict(RAW_MESSAGE, id="m2", routing="inbound", created="2026-05-04T10:00:00+0000", info="Greylisted", attachment="true",
                  attempts=7)
    transport, result = run_module([messages_page([RAW_MESSAGE], "p2"), messages_page([second])], monkeypatch, route="inbound")
    assert result == dict(
        messages=[SHAPED_MESSAGE, dict(SHAPED_MESSAGE, id="m2", routing="inbound", created="2026-05-04T10:00:00+0000",
                                       info="Greylisted", attachment=True, attempts=7)],
        count=2,
        truncated=False,
        summary=dict(total=2, by_route={"outbound": 1, "inbound": 1}, by_info={"Remote server unavailable": 1, "Greylisted": 1},
                     oldest="2026-05-04T10:00:00+0000", oldest_age_seconds=7200, max_attempts=7),
    )
    assert transport.bodies[0] == {"meta": {"pagination": {"pageSize": 100}},
                                   "data": [{"type": "processing", "filterBy": [{"fieldName": "route", "value": "inbound"}]}]}
    assert transport.bodies[1]["meta"] == {"pagination": {"pageSize": 100, "pageToken": "p2"}}
    assert [r.url for r in transport.api_requests] == [V2_BASE + PATH] * 2


def test_run_empty_queue(monkeypatch):
    transport, result = run_module([messages_page([])], monkeypatch)
    assert result == dict(messages=[], count=0, truncated=False,
                          summary=dict(total=0, by_route={}, by_info={}, oldest=None, oldest_age_seconds=None,
                                       max_attempts=None))


def test_run_max_results(monkeypatch):
    messages = [dict(RAW_MESSAGE, id="m%d" % n) for n in range(3)]
    transport, result = run_module([messages_page(messages, "p2")], monkeypatch, max_results=2)
    assert [m["id"] for m in result["messages"]] == ["m0", "m1"]
    assert (result["count"], result["truncated"], result["summary"]["total"]) == (2, True, 2)
    assert transport.bodies[0]["meta"]["pagination"] == {"pageSize": 2}
    assert len(transport.api_requests) == 1


def test_run_sends_relative_dates_from_the_current_time(monkeypatch):
    transport, result = run_module([messages_page([])], monkeypatch, start="-15m")
    assert transport.bodies[0]["data"] == [{"type": "processing", "start": "2026-05-04T11:45:00+0000"}]


# -- main() --------------------------------------------------------------------------------------


def test_main_success(monkeypatch):
    transport = FakeTransport([messages_page([RAW_MESSAGE])], [token_answer()])
    outcome = call_main(monkeypatch, module, dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, route="inbound", attachments=True),
                        transport)
    assert isinstance(outcome, ExitJson)
    assert outcome.result == dict(changed=False, messages=[SHAPED_MESSAGE], count=1, truncated=False, summary=dict(
        total=1, by_route={"outbound": 1}, by_info={"Remote server unavailable": 1}, oldest="2026-05-04T11:30:00+0000",
        oldest_age_seconds=1800, max_attempts=3))
    assert transport.bodies[0]["data"] == [{"type": "processing", "filterBy": [
        {"fieldName": "route", "value": "inbound"}, {"fieldName": "attachments", "value": "true"}]}]


def test_main_reads_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("MIMECAST_CLIENT_ID", "env-client-id")
    monkeypatch.setenv("MIMECAST_CLIENT_SECRET", "env-client-secret")
    monkeypatch.setenv("MIMECAST_REGION", "uk")
    transport = FakeTransport([messages_page([])], [token_answer()])
    outcome = call_main(monkeypatch, module, {}, transport)
    assert isinstance(outcome, ExitJson)
    assert form_of(transport.token_requests[0]) == dict(grant_type="client_credentials", client_id="env-client-id",
                                                        client_secret="env-client-secret")
    assert transport.api_requests[0].url == "https://uk-api.services.mimecast.com" + PATH


def test_main_with_the_default_client_factory(monkeypatch):
    transport = FakeTransport([messages_page([])], [token_answer()])
    outcome = call_main(monkeypatch, module, dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET), transport, use_default_factory=True)
    assert isinstance(outcome, ExitJson)
    assert outcome.result["count"] == 0
    assert transport.api_requests[0].headers["User-Agent"] == "mimecast.gateway/1.0.0"
    assert transport.closed is True


def test_main_forbidden_names_the_permission(monkeypatch):
    transport = FakeTransport([Answer(403, text="Forbidden", headers={"x-request-id": "rid-403"})], [token_answer()])
    outcome = call_main(monkeypatch, module, dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET), transport)
    assert isinstance(outcome, FailJson)
    assert outcome.result["http_status"] == 403
    assert outcome.result["error_type"] == "MimecastAuthenticationError"
    assert outcome.result["request_id"] == "rid-403"
    assert "Monitoring | Processing | Read" in outcome.result["msg"]
    assert CLIENT_SECRET not in repr(outcome.result)


def test_main_without_credentials_fails_before_any_request(monkeypatch):
    transport = FakeTransport()
    outcome = call_main(monkeypatch, module, dict(route="inbound"), transport)
    assert isinstance(outcome, FailJson)
    assert outcome.result["option"] == "client_id"
    assert outcome.result["msg"].startswith("No Mimecast credentials")
    assert transport.requests == []


@pytest.mark.parametrize("args, fragment", [
    (dict(route="sideways"), "route"),
    (dict(queue_type="stuck"), "queue_type"),
    (dict(search_by=dict(field_name="body", value="x")), "field_name"),
    (dict(search_by=dict(value="x")), "field_name"),
    (dict(unknown_option=1), "unknown_option"),
])
def test_main_argument_spec_rejections(monkeypatch, args, fragment):
    transport = FakeTransport()
    outcome = call_main(monkeypatch, module, dict(args, client_id=CLIENT_ID, client_secret=CLIENT_SECRET), transport)
    assert isinstance(outcome, FailJson)
    assert fragment in outcome.result["msg"]
    assert transport.requests == []


def test_main_bad_date_names_the_option(monkeypatch):
    outcome = call_main(monkeypatch, module, dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, start="2026-02-30"), FakeTransport())
    assert isinstance(outcome, FailJson)
    assert outcome.result["option"] == "start"


def test_main_warns_when_base_url_and_region_are_both_given(monkeypatch):
    transport = FakeTransport([messages_page([])], [token_answer()])
    outcome = call_main(monkeypatch, module, dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, region="us",
                                                  base_url="http://127.0.0.1:8080"), transport)
    assert isinstance(outcome, ExitJson)
    assert outcome.warnings == ["Both base_url and region were given; base_url http://127.0.0.1:8080 is used and region us is ignored"]
    assert transport.api_requests[0].url == "http://127.0.0.1:8080" + PATH


def test_main_real_output_masks_no_log_options(monkeypatch, capsys):
    transport = FakeTransport([messages_page([RAW_MESSAGE])], [token_answer()])
    args = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    if "inject_invocation" in PASS_VARS:  # ansible-core 2.21+ returns "invocation" only when asked to
        args["_ansible_inject_invocation"] = True
    outcome = call_main(monkeypatch, module, args, transport, real_exit=True)
    assert outcome.code == 0
    printed = capsys.readouterr().out
    result = json.loads(printed)
    assert result["changed"] is False
    assert result["count"] == 1
    assert result["messages"] == [SHAPED_MESSAGE]
    assert result["invocation"]["module_args"]["client_id"] == CLIENT_ID
    assert result["invocation"]["module_args"]["client_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert CLIENT_SECRET not in printed


def test_main_real_failure_output(monkeypatch, capsys):
    transport = FakeTransport([], [Answer(401, {"error": "invalid_client", "error_description": "bad %s" % CLIENT_SECRET})])
    outcome = call_main(monkeypatch, module, dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET), transport, real_exit=True)
    assert outcome.code == 1
    printed = capsys.readouterr().out
    result = json.loads(printed)
    assert result["failed"] is True
    assert result["error_type"] == "MimecastAuthenticationError"
    assert result["http_status"] == 401
    assert result["msg"].startswith("Mimecast refused the API 2.0 credentials (HTTP 401; invalid_client)")
    assert CLIENT_SECRET not in printed


@pytest.mark.parametrize("field_name, wire_name", [
    ("all", "ALL"), ("sender", "fromAddress"), ("recipient", "toAddress"), ("subject", "subject"), ("info", "info"),
    ("remote_ip", "remoteIp"),
    # Mimecast's own spellings, which earlier releases took, still work.
    ("ALL", "ALL"), ("fromAddress", "fromAddress"), ("toAddress", "toAddress"), ("remoteIp", "remoteIp"),
])
def test_search_by_takes_the_collections_names_and_sends_mimecasts(field_name, wire_name):
    assert field_name in module.ARGUMENT_SPEC["search_by"]["options"]["field_name"]["choices"]
    assert request_for(search_by=dict(field_name=field_name, value="x"))["searchBy"] == {"fieldName": wire_name, "value": "x"}


def test_summary_route_keys_are_lower_case(monkeypatch):
    transport, result = run_module([messages_page([dict(RAW_MESSAGE, routing="OUTBOUND")])], monkeypatch)
    assert result["summary"]["by_route"] == {"outbound": 1}
    assert result["messages"][0]["routing"] == "OUTBOUND"
