# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils._auth import sign_v1
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.module_utils.queries import hold_list
from ansible_collections.mimecast.gateway.plugins.modules import mimecast_hold_info as module
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    ACCESS_KEY,
    APP_ID,
    APP_KEY,
    FIXED_NOW,
    SECRET_KEY,
    SECRET_KEY_BYTES,
    V1_BASE,
    V1_CREDENTIALS,
    Answer,
    ExitJson,
    FailJson,
    FakeModule,
    FakeTransport,
    call_main,
    fail_answer,
    make_client,
    page,
    patch_module_exits,
    v1_params,
)

PATH = "/api/gateway/get-hold-message-list"
CREDENTIALS = dict(V1_CREDENTIALS, region="eu")

RAW_HELD = {
    "id": "eNoVjssOgjAURPe-S",
    "reason": "Attachment Protection",
    "reasonId": "AttachmentProtection",
    "reasonCode": "default_inbound_attachment_protect_definition",
    "fromHeader": {"emailAddress": "sender@example.net", "displayableName": "Sender"},
    "fromEnv": {"emailAddress": "bounce@example.net", "displayableName": ""},
    "to": {"emailAddress": "ana@example.com", "displayableName": "Ana Lima"},
    "subject": "Quarterly figures",
    "route": "inbound",
    "dateReceived": "2026-05-04T10:00:00+0000",
    "hasAttachments": "true",
    "size": "20480",
    "policyInfo": "Default Attachment Protection",
}

SHAPED_HELD = {
    "id": "eNoVjssOgjAURPe-S",
    "reason": "Attachment Protection",
    "reason_id": "AttachmentProtection",
    "reason_code": "default_inbound_attachment_protect_definition",
    "from_header": {"email_address": "sender@example.net", "displayable_name": "Sender"},
    "from_env": {"email_address": "bounce@example.net", "displayable_name": ""},
    "to": {"email_address": "ana@example.com", "displayable_name": "Ana Lima"},
    "subject": "Quarterly figures",
    "route": "inbound",
    "date_received": "2026-05-04T10:00:00+0000",
    "has_attachments": True,
    "size": 20480,
    "policy_info": "Default Attachment Protection",
}


def params(**options):
    return v1_params(module.ARGUMENT_SPEC, **options)


def request_for(**options):
    return hold_list.build_request(params(**options), now=FIXED_NOW)


# -- options -> request ------------------------------------------------------------------------


def test_admin_defaults_to_true():
    assert module.ARGUMENT_SPEC["admin"]["default"] is True
    assert request_for() == {"admin": True}


def test_admin_false():
    assert request_for(admin=False) == {"admin": False}


def test_dates():
    assert request_for(start="2026-05-01", end="2026-05-01") == {
        "admin": True, "start": "2026-05-01T00:00:00+0000", "end": "2026-05-01T23:59:59+0000"}
    assert request_for(start="-2w") == {"admin": True, "start": "2026-04-20T12:00:00+0000"}


@pytest.mark.parametrize("field_name", ["all", "subject", "sender", "recipient"])
def test_search_by(field_name):
    assert request_for(search_by=dict(field_name=field_name, value="spam")) == {
        "admin": True, "searchBy": {"fieldName": field_name, "value": "spam"}}


def test_search_by_reason_code_is_sent_as_the_live_service_takes_it():
    # Mimecast's page says reason_code; the live service filters only on reasonCode.
    assert request_for(search_by=dict(field_name="reason_code", value="impersonation")) == {
        "admin": True, "searchBy": {"fieldName": "reasonCode", "value": "impersonation"}}


def test_search_by_sender_ip_is_sent_as_sender_ip_in_camel_case():
    assert request_for(search_by=dict(field_name="sender_ip", value=" 2001:DB8::1 ")) == {
        "admin": True, "searchBy": {"fieldName": "senderIP", "value": "2001:db8::1"}}


def test_search_by_sender_ip_must_be_an_address():
    with pytest.raises(MimecastOptionError) as caught:
        request_for(search_by=dict(field_name="sender_ip", value="mail.example.net"))
    assert caught.value.option == "search_by.value"


def test_every_option_together():
    assert request_for(admin=False, start="2026-05-04T08:00:00+01:00", end="now", search_by=dict(field_name="sender", value="example.net")) == {
        "admin": False,
        "start": "2026-05-04T07:00:00+0000",
        "end": "2026-05-04T12:00:00+0000",
        "searchBy": {"fieldName": "sender", "value": "example.net"},
    }


def test_blank_search_value_is_rejected():
    with pytest.raises(MimecastOptionError) as caught:
        request_for(search_by=dict(field_name="subject", value=""))
    assert caught.value.option == "search_by.value"


def test_bad_dates_are_rejected():
    with pytest.raises(MimecastOptionError) as caught:
        request_for(end="2026-13-01")
    assert caught.value.option == "end"


# -- run() ---------------------------------------------------------------------------------------


def run_module(answers, monkeypatch, **options):
    patch_module_exits(monkeypatch)
    module_params = params(**options)
    transport = FakeTransport(answers)
    client = make_client(ConnectionSettings.from_params(module_params), transport)
    return transport, module.run(FakeModule(module_params), client)


def test_run_shapes_held_messages_and_summarises(monkeypatch):
    older = dict(RAW_HELD, id="h2", reasonCode="spam", route="internal", dateReceived="2026-05-03T12:00:00+0000", hasAttachments=False,
                 size=100)
    transport, result = run_module([page([RAW_HELD], "h-2"), page([older])], monkeypatch)
    assert result == dict(
        held_messages=[SHAPED_HELD, dict(SHAPED_HELD, id="h2", reason_code="spam", route="internal", date_received="2026-05-03T12:00:00+0000",
                                         has_attachments=False, size=100)],
        count=2,
        truncated=False,
        summary=dict(total=2, by_route={"inbound": 1, "internal": 1},
                     by_reason_code={"default_inbound_attachment_protect_definition": 1, "spam": 1},
                     oldest="2026-05-03T12:00:00+0000", oldest_age_seconds=86400),
    )
    assert transport.bodies == [
        {"meta": {"pagination": {"pageSize": 100}}, "data": [{"admin": True}]},
        {"meta": {"pagination": {"pageSize": 100, "pageToken": "h-2"}}, "data": [{"admin": True}]},
    ]
    assert [r.url for r in transport.requests] == [V1_BASE + PATH] * 2


def test_run_nothing_held(monkeypatch):
    transport, result = run_module([page([])], monkeypatch)
    assert result == dict(held_messages=[], count=0, truncated=False, summary=dict(
        total=0, by_route={}, by_reason_code={}, oldest=None, oldest_age_seconds=None))


def test_run_max_results_over_pages(monkeypatch):
    answers = [page([dict(RAW_HELD, id="a"), dict(RAW_HELD, id="b")], "t2"), page([dict(RAW_HELD, id="c"), dict(RAW_HELD, id="d")], "t3")]
    transport, result = run_module(answers, monkeypatch, max_results=3, page_size=2)
    assert [m["id"] for m in result["held_messages"]] == ["a", "b", "c"]
    assert (result["count"], result["truncated"]) == (3, True)
    assert len(transport.requests) == 2


# -- main() --------------------------------------------------------------------------------------


def test_main_success_signs_with_api_1(monkeypatch):
    transport = FakeTransport([page([RAW_HELD])])
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, search_by=dict(field_name="reason_code", value="spam")), transport)
    assert isinstance(outcome, ExitJson)
    assert outcome.result == dict(changed=False, held_messages=[SHAPED_HELD], count=1, truncated=False, summary=dict(
        total=1, by_route={"inbound": 1}, by_reason_code={"default_inbound_attachment_protect_definition": 1},
        oldest="2026-05-04T10:00:00+0000", oldest_age_seconds=7200))
    sent = transport.requests[0]
    assert sent.url == V1_BASE + PATH
    assert transport.bodies == [{"meta": {"pagination": {"pageSize": 100}},
                                 "data": [{"admin": True, "searchBy": {"fieldName": "reasonCode", "value": "spam"}}]}]
    assert sent.headers["x-mc-date"] == "Mon, 04 May 2026 12:00:00 UTC"
    assert sent.headers["x-mc-app-id"] == APP_ID
    assert sent.headers["Authorization"] == "MC %s:%s" % (
        ACCESS_KEY, sign_v1(SECRET_KEY_BYTES, APP_KEY, sent.headers["x-mc-date"], sent.headers["x-mc-req-id"], PATH))


def test_main_admin_false(monkeypatch):
    transport = FakeTransport([page([])])
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, admin=False), transport)
    assert isinstance(outcome, ExitJson)
    assert transport.bodies[0]["data"] == [{"admin": False}]


def test_main_invalid_signature(monkeypatch):
    transport = FakeTransport([fail_answer("err_xdk_invalid_signature", "0004 Invalid Signature", status=401)])
    outcome = call_main(monkeypatch, module, CREDENTIALS, transport)
    assert isinstance(outcome, FailJson)
    result = outcome.result
    assert result["error_type"] == "MimecastAuthenticationError"
    assert result["http_status"] == 401
    assert result["mimecast_errors"] == [dict(code="err_xdk_invalid_signature", message="0004 Invalid Signature", retryable=False)]
    assert result["request_id"] == transport.requests[0].headers["x-mc-req-id"]
    assert "clock" in result["msg"]
    for secret in (SECRET_KEY, APP_KEY):
        assert secret not in repr(result)
    assert len(transport.requests) == 1


def test_main_v1_without_region_fails_naming_region(monkeypatch):
    transport = FakeTransport()
    outcome = call_main(monkeypatch, module, V1_CREDENTIALS, transport)
    assert isinstance(outcome, FailJson)
    assert outcome.result["option"] == "region"
    assert transport.requests == []


def test_main_secret_key_not_base64(monkeypatch):
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, secret_key="not*base64*at*all"), FakeTransport())
    assert isinstance(outcome, FailJson)
    assert outcome.result["option"] == "secret_key"
    assert "not*base64*at*all" not in repr(outcome.result)


def test_main_retries_a_rate_limit_without_real_sleeping(monkeypatch):
    transport = FakeTransport([Answer(429, text="", headers={"X-RateLimit-Reset": "2500"}), page([])])
    outcome = call_main(monkeypatch, module, CREDENTIALS, transport)
    assert isinstance(outcome, ExitJson)
    assert len(transport.requests) == 2
    assert transport.requests[0].headers["x-mc-req-id"] != transport.requests[1].headers["x-mc-req-id"]


@pytest.mark.parametrize("field_name", ["reason", "Subject"])
def test_main_search_by_choices(monkeypatch, field_name):
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, search_by=dict(field_name=field_name, value="x")), FakeTransport())
    assert isinstance(outcome, FailJson)
    assert "field_name" in outcome.result["msg"]


def test_summary_route_keys_are_lower_case_while_items_keep_mimecasts_values(monkeypatch):
    transport, result = run_module([page([dict(RAW_HELD, route="INBOUND"), dict(RAW_HELD, id="h2", route="Outbound")])], monkeypatch)
    assert result["summary"]["by_route"] == {"inbound": 1, "outbound": 1}
    assert [item["route"] for item in result["held_messages"]] == ["INBOUND", "Outbound"]
