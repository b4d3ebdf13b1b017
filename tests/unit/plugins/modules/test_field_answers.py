# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The three modules on answers in the shapes live tenants send (tests/unit/fixtures/field_answers/).

Keys the pages do not list, keys left out, ``next: ""`` on the last page, ``{"pageSize": 0}`` on
tracking: each answer is read in one request, every key is kept, and ``fields`` can select the keys
seen in the field.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest

from ansible_collections.mimecast.gateway.plugins.modules import mimecast_hold_info, mimecast_processing_info, mimecast_track_info
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    V2_CREDENTIALS,
    Answer,
    ExitJson,
    FailJson,
    FakeTransport,
    call_main,
    token_answer,
)

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fixtures", "field_answers")


def answer(name):
    with open(os.path.join(FIXTURES, name + ".json")) as handle:
        return json.load(handle)


def run(monkeypatch, module, fixture, **options):
    """main() end to end on one recorded-shape answer; returns (result, transport)."""
    transport = FakeTransport([Answer(200, answer(fixture))], token_answers=[token_answer()])
    outcome = call_main(monkeypatch, module, dict(V2_CREDENTIALS, **options), transport=transport)
    assert isinstance(outcome, ExitJson), outcome.result
    return outcome.result, transport


# -- fields takes every key a real answer carries ------------------------------------------------


@pytest.mark.parametrize("module, fixture, fact, options, selected", [
    (mimecast_processing_info, "processing", "messages", {}, ["id", "priority"]),
    (mimecast_track_info, "tracking", "tracked_emails", dict(sender="example.net"), ["id", "info", "spam_score", "detection_level"]),
    (mimecast_hold_info, "hold", "held_messages", {}, ["id", "to_header"]),
])
def test_fields_selects_the_keys_seen_in_the_field(monkeypatch, module, fixture, fact, options, selected):
    full, _transport = run(monkeypatch, module, fixture, **options)
    trimmed, _transport = run(monkeypatch, module, fixture, fields=selected, **options)
    expected = [dict((key, item[key]) for key in selected if key in item) for item in full[fact]]
    assert trimmed[fact] == expected
    assert all(key in module.ARGUMENT_SPEC["fields"]["choices"] for key in selected)


def test_spam_score_is_typed_and_may_come_as_text(monkeypatch):
    result, _transport = run(monkeypatch, mimecast_track_info, "tracking", sender="example.net",
                             fields=["id", "spam_score", "detection_level"])
    assert result["tracked_emails"] == [
        dict(id="eNo1jk0LgjAAQP9Track01", spam_score=0, detection_level="relaxed"),
        dict(id="eNo1jk0LgjAAQP9Track02", spam_score=12, detection_level=""),
    ]


def test_keys_left_out_stay_out_of_a_selection(monkeypatch):
    result, _transport = run(monkeypatch, mimecast_hold_info, "hold", fields=["id", "to_header"])
    assert result["held_messages"] == [
        dict(id="eNoVzs0KgjAAAOBnHold01"),
        dict(id="eNoVzs0KgjAAAOBnHold02", to_header=dict(email_address="ap@example.com", displayable_name="Accounts Payable")),
    ]


# -- without fields, every key comes back, snake_cased -------------------------------------------


def test_every_key_of_a_real_answer_is_returned_snake_cased(monkeypatch):
    processing, _transport = run(monkeypatch, mimecast_processing_info, "processing")
    assert processing["messages"][0]["priority"] == "normal"
    assert "locked_until" in processing["messages"][0] and "locked_until" not in processing["messages"][1]

    tracking, _transport = run(monkeypatch, mimecast_track_info, "tracking", sender="example.net")
    first, second = tracking["tracked_emails"]
    assert (first["info"], first["spam_score"], first["attachments"]) == ("Indexed and archived", 0, True)
    assert "attachments" not in second and second["from_hdr"]["email_address"] == ""
    assert tracking["summary"]["by_status"] == {"archived": 1, "held": 1}

    held, _transport = run(monkeypatch, mimecast_hold_info, "hold")
    assert held["held_messages"][0]["hold_level"] == "administrator"  # not on Mimecast's page: passed through
    assert [item["has_attachments"] for item in held["held_messages"]] == [False, True]


# -- the field's pagination shapes end the paging ------------------------------------------------


@pytest.mark.parametrize("module, fixture, fact, options", [
    (mimecast_processing_info, "processing", "messages", {}),                        # {"next": ""} only
    (mimecast_track_info, "tracking", "tracked_emails", dict(sender="example.net")),  # {"pageSize": 0}
    (mimecast_hold_info, "hold", "held_messages", {}),                               # next: "" beside the counts
])
def test_the_last_page_of_each_pagination_shape_ends_paging(monkeypatch, module, fixture, fact, options):
    result, transport = run(monkeypatch, module, fixture, **options)
    assert len(transport.api_requests) == 1
    assert result["count"] == len(result[fact]) == 2
    assert result["truncated"] is False


def test_a_selection_of_keys_unknown_anywhere_is_still_refused(monkeypatch):
    transport = FakeTransport([])
    outcome = call_main(monkeypatch, mimecast_track_info, dict(V2_CREDENTIALS, sender="example.net", fields=["id", "spamscore"]),
                        transport=transport)
    assert isinstance(outcome, FailJson)
    assert "spamscore" in outcome.result["msg"] and "spam_score" in outcome.result["msg"]
    assert transport.requests == []
