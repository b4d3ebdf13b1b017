# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.module_utils.queries import message_tracking
from ansible_collections.mimecast.gateway.plugins.modules import mimecast_track_info as module
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    CLIENT_ID,
    CLIENT_SECRET,
    FIXED_NOW,
    Answer,
    ExitJson,
    FailJson,
    FakeModule,
    FakeTransport,
    call_main,
    envelope,
    fail_answer,
    make_client,
    patch_module_exits,
    token_answer,
    v2_params,
)

PATH = "/api/message-finder/search"
CREDENTIALS = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)

RAW_EMAIL = {
    "id": "eNo1jk0LgjAAQP9Kk",
    "status": "delivered",
    "received": "2026-05-04T09:15:02+0000",
    "sent": "2026-05-04T09:15:04+0000",
    "fromEnv": {"emailAddress": "invoices@example.net", "displayableName": "Example Invoices"},
    "fromHdr": {"emailAddress": "invoices@example.net", "displayableName": "Example Invoices"},
    "to": [{"emailAddress": "ana@example.com", "displayableName": "Ana Lima"},
           {"emailAddress": "bo@example.com", "displayableName": "Bo"}],
    "attachments": "true",
    "route": "inbound",
    "senderIP": "198.51.100.7",
    "subject": "Invoice 2026-0412",
}

SHAPED_EMAIL = {
    "id": "eNo1jk0LgjAAQP9Kk",
    "status": "delivered",
    "received": "2026-05-04T09:15:02+0000",
    "sent": "2026-05-04T09:15:04+0000",
    "from_env": {"email_address": "invoices@example.net", "displayable_name": "Example Invoices"},
    "from_hdr": {"email_address": "invoices@example.net", "displayable_name": "Example Invoices"},
    "to": [{"email_address": "ana@example.com", "displayable_name": "Ana Lima"},
           {"email_address": "bo@example.com", "displayable_name": "Bo"}],
    "attachments": True,
    "route": "inbound",
    "sender_ip": "198.51.100.7",
    "subject": "Invoice 2026-0412",
}


def params(**options):
    return v2_params(module.ARGUMENT_SPEC, **options)


def request_for(**options):
    return message_tracking.build_request(params(**options), now=FIXED_NOW)


def tracked_page(emails, next_token=None):
    return Answer(200, envelope(emails, next_token, items_key="trackedEmails"))


# -- options -> request ------------------------------------------------------------------------


def test_message_id():
    assert request_for(message_id="<abc.123@mail.example.net>") == {"messageId": "<abc.123@mail.example.net>"}


def test_message_id_with_reason_and_dates():
    assert request_for(message_id="<abc@example.net>", search_reason="INC-1042 delivery complaint", start="-7d", end="now") == {
        "messageId": "<abc@example.net>",
        "searchReason": "INC-1042 delivery complaint",
        "start": "2026-04-27T12:00:00+0000",
        "end": "2026-05-04T12:00:00+0000",
    }


@pytest.mark.parametrize("option, key, value", [
    ("sender", "from", "invoices@example.net"),
    ("sender", "from", "example.net"),
    ("recipient", "to", "ana@example.com"),
    ("subject", "subject", "Invoice 2026-0412"),
    ("sender_ip", "senderIP", "198.51.100.7"),
])
def test_each_advanced_option_sits_inside_advanced_options(option, key, value):
    assert request_for(**{option: value}) == {"advancedTrackAndTraceOptions": {key: value}}


def test_every_advanced_option_together():
    data = request_for(sender="invoices@example.net", recipient="example.com", subject="Invoice", sender_ip="198.51.100.7",
                       route=["inbound", "outbound"], search_reason="audit", start="2026-05-01")
    assert data == {
        "start": "2026-05-01T00:00:00+0000",
        "searchReason": "audit",
        "advancedTrackAndTraceOptions": {
            "from": "invoices@example.net",
            "to": "example.com",
            "subject": "Invoice",
            "senderIP": "198.51.100.7",
            "route": ["inbound", "outbound"],
        },
    }
    for misplaced in ("from", "to", "subject", "senderIP", "senderIp", "route", "sender", "recipient"):
        assert misplaced not in data


def test_route_only():
    assert request_for(route=["internal"]) == {"advancedTrackAndTraceOptions": {"route": ["internal"]}}


@pytest.mark.parametrize("option", ["message_id", "sender", "recipient", "subject", "sender_ip", "search_reason"])
@pytest.mark.parametrize("value", ["", "  ", "\t"])
def test_blank_values_are_rejected(option, value):
    options = {option: value}
    if option == "search_reason":
        options["message_id"] = "<abc@example.net>"
    with pytest.raises(MimecastOptionError) as caught:
        request_for(**options)
    assert caught.value.option == option
    assert caught.value.message == "%s must not be empty or only whitespace" % option


@pytest.mark.parametrize("options", [{}, dict(route=[]), dict(search_reason="audit"), dict(start="-1d")])
def test_no_criterion_is_rejected(options):
    with pytest.raises(MimecastOptionError) as caught:
        request_for(**options)
    assert caught.value.option == "message_id"
    assert caught.value.message == "give message_id, or at least one of recipient, sender, sender_ip, subject, route"


# -- run() ---------------------------------------------------------------------------------------


def run_module(answers, monkeypatch, **options):
    patch_module_exits(monkeypatch)
    module_params = params(**options)
    transport = FakeTransport(answers, [token_answer()])
    client = make_client(ConnectionSettings.from_params(module_params), transport)
    return transport, module.run(FakeModule(module_params), client)


def test_run_shapes_tracked_emails_and_summarises(monkeypatch):
    held = dict(RAW_EMAIL, id="e2", status="held", route="outbound", attachments="false", to=[])
    transport, result = run_module([tracked_page([RAW_EMAIL, held])], monkeypatch, sender="invoices@example.net")
    assert result == dict(
        tracked_emails=[SHAPED_EMAIL, dict(SHAPED_EMAIL, id="e2", status="held", route="outbound", attachments=False, to=[])],
        count=2,
        truncated=False,
        summary=dict(total=2, by_route={"inbound": 1, "outbound": 1}, by_status={"delivered": 1, "held": 1}),
    )
    assert transport.bodies == [{"meta": {"pagination": {"pageSize": 100}},
                                 "data": [{"advancedTrackAndTraceOptions": {"from": "invoices@example.net"}}]}]


def test_run_follows_next_if_it_appears(monkeypatch):
    transport, result = run_module([tracked_page([RAW_EMAIL], "n2"), tracked_page([dict(RAW_EMAIL, id="e2")])], monkeypatch,
                                   message_id="<abc@example.net>")
    assert [e["id"] for e in result["tracked_emails"]] == ["eNo1jk0LgjAAQP9Kk", "e2"]
    assert transport.bodies[1]["meta"]["pagination"] == {"pageSize": 100, "pageToken": "n2"}


def test_run_nothing_found(monkeypatch):
    transport, result = run_module([tracked_page([])], monkeypatch, message_id="<none@example.net>")
    assert result == dict(tracked_emails=[], count=0, truncated=False, summary=dict(total=0, by_route={}, by_status={}))


# -- main() --------------------------------------------------------------------------------------


def test_main_success(monkeypatch):
    transport = FakeTransport([tracked_page([RAW_EMAIL])], [token_answer()])
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, message_id="<abc@example.net>", search_reason="INC-7"), transport)
    assert isinstance(outcome, ExitJson)
    assert outcome.result == dict(changed=False, tracked_emails=[SHAPED_EMAIL], count=1, truncated=False,
                                  summary=dict(total=1, by_route={"inbound": 1}, by_status={"delivered": 1}))
    assert transport.bodies[0]["data"] == [{"messageId": "<abc@example.net>", "searchReason": "INC-7"}]


@pytest.mark.parametrize("option", ["sender", "recipient", "subject", "sender_ip"])
def test_main_message_id_excludes_advanced_options(monkeypatch, option):
    transport = FakeTransport()
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, message_id="<abc@example.net>", **{option: "x"}), transport)
    assert isinstance(outcome, FailJson)
    assert outcome.result["msg"] == "parameters are mutually exclusive: message_id|%s" % option
    assert transport.requests == []


def test_main_message_id_excludes_route(monkeypatch):
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, message_id="<abc@example.net>", route=["inbound"]), FakeTransport())
    assert isinstance(outcome, FailJson)
    assert outcome.result["msg"] == "parameters are mutually exclusive: message_id|route"


def test_main_requires_a_criterion(monkeypatch):
    transport = FakeTransport()
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, search_reason="audit"), transport)
    assert isinstance(outcome, FailJson)
    assert outcome.result["msg"].startswith("one of the following is required: message_id, ")
    assert transport.requests == []


def test_main_route_choices(monkeypatch):
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, route=["inbound", "external"]), FakeTransport())
    assert isinstance(outcome, FailJson)
    assert "route" in outcome.result["msg"]
    assert "external" in outcome.result["msg"]


def test_main_blank_sender(monkeypatch):
    transport = FakeTransport()
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, sender="  "), transport)
    assert isinstance(outcome, FailJson)
    assert outcome.result["option"] == "sender"
    assert transport.requests == []


def test_main_start_too_old_hint(monkeypatch):
    transport = FakeTransport([fail_answer("err_track_and_trace_invalid_start_date", "start date too old")], [token_answer()])
    outcome = call_main(monkeypatch, module, dict(CREDENTIALS, sender="example.net", start="-8w"), transport)
    assert isinstance(outcome, FailJson)
    assert outcome.result["mimecast_errors"] == [dict(code="err_track_and_trace_invalid_start_date", message="start date too old",
                                                      retryable=False)]
    assert outcome.result["msg"].endswith("Hint: message tracking searches about 30 days back at most: move start later")
    assert transport.bodies[0]["data"][0]["start"] == "2026-03-09T12:00:00+0000"
