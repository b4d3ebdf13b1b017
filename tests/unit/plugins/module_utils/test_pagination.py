# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST, MESSAGE_TRACKING, PROCESSING_QUEUE
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastApiError, MimecastResponseError
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    Answer,
    FakeTransport,
    envelope,
    make_client,
    page,
    v1_settings,
)

HOLD = "/api/gateway/get-hold-message-list"
PROCESSING = "/api/gateway/find-processing-messages"
TRACK = "/api/message-finder/search"


def items(*names):
    return [dict(id=name) for name in names]


def collect_all(pages):
    return [item for chunk in pages for item in chunk]


ENDPOINTS = {HOLD: HOLD_LIST, PROCESSING: PROCESSING_QUEUE, TRACK: MESSAGE_TRACKING}


def query(answers, path=HOLD, **settings):
    transport = FakeTransport(answers)
    client = make_client(v1_settings(**settings), transport)
    return transport, client.paginate(ENDPOINTS[path], dict(admin=True))


def page_sizes(transport):
    return [body["meta"]["pagination"]["pageSize"] for body in transport.bodies]


def page_tokens(transport):
    return [body["meta"]["pagination"].get("pageToken") for body in transport.bodies]


def test_follows_next_across_three_pages():
    transport, pages = query([page(items("a", "b"), "t2"), page(items("c", "d"), "t3"), page(items("e"))])
    assert collect_all(pages) == items("a", "b", "c", "d", "e")
    assert pages.pages == 3
    assert pages.truncated is False
    assert page_tokens(transport) == [None, "t2", "t3"]


def test_pages_are_yielded_one_by_one():
    transport, pages = query([page(items("a", "b"), "t2"), page(items("c"))])
    assert list(pages) == [items("a", "b"), items("c")]
    assert len(transport.requests) == 2


def test_counts_items_received_not_the_page_size():
    # pageSize asked is 5; the server sends 2 a page. Counting pageSize would stop after the first page.
    transport, pages = query([page(items("1", "2"), "t2"), page(items("3", "4"), "t3"), page(items("5", "6"), "t4")], max_results=5)
    assert collect_all(pages) == items("1", "2", "3", "4", "5")
    assert len(transport.requests) == 3
    assert pages.truncated is True
    assert page_sizes(transport) == [5, 5, 5]


def test_small_pages_reaching_max_results_exactly_at_the_end():
    transport, pages = query([page(items("1", "2"), "t2"), page(items("3", "4"), "t3"), page(items("5"))], max_results=5)
    assert collect_all(pages) == items("1", "2", "3", "4", "5")
    assert len(transport.requests) == 3
    assert pages.truncated is False


def test_max_results_cutting_mid_page_truncates():
    transport, pages = query([page(items("a", "b", "c", "d", "e"))], max_results=3)
    assert collect_all(pages) == items("a", "b", "c")
    assert pages.truncated is True
    assert len(transport.requests) == 1


def test_max_results_equal_to_total_without_next_is_not_truncated():
    transport, pages = query([page(items("a", "b"), "t2"), page(items("c"))], max_results=3)
    assert collect_all(pages) == items("a", "b", "c")
    assert pages.truncated is False
    assert len(transport.requests) == 2


def test_max_results_reached_with_a_next_token_stops_and_reports_truncated():
    transport, pages = query([page(items("a", "b", "c"), "t2")], max_results=3)
    assert collect_all(pages) == items("a", "b", "c")
    assert pages.truncated is True
    assert len(transport.requests) == 1


def test_max_results_smaller_than_page_size_shrinks_the_page_size():
    transport, pages = query([page(items("a"), "t2"), page(items("b"))], page_size=100, max_results=10)
    collect_all(pages)
    assert page_sizes(transport) == [10, 10]


def test_max_results_larger_than_page_size_keeps_the_page_size():
    transport, pages = query([page(items("a"))], page_size=50, max_results=120)
    collect_all(pages)
    assert page_sizes(transport) == [50]


def test_paginate_max_results_argument_overrides_the_setting():
    transport = FakeTransport([page(items("a", "b", "c"))])
    pages = make_client(v1_settings(max_results=10), transport).paginate(HOLD_LIST, {}, max_results=2)
    assert collect_all(pages) == items("a", "b")
    assert pages.truncated is True
    assert page_sizes(transport) == [2]


def test_repeated_token_is_an_error():
    transport, pages = query([page(items("a"), "t1"), page(items("b"), "t1")])
    with pytest.raises(MimecastResponseError) as caught:
        collect_all(pages)
    assert caught.value.message == ("Mimecast repeated a page token for %s (page 2); stopping rather than looping" % HOLD)
    assert len(transport.requests) == 2


def test_token_cycle_is_an_error():
    transport, pages = query([page(items("a"), "t1"), page(items("b"), "t2"), page(items("c"), "t1")])
    with pytest.raises(MimecastResponseError) as caught:
        collect_all(pages)
    assert "(page 3)" in caught.value.message
    assert len(transport.requests) == 3


def test_empty_page_with_next_is_an_error():
    transport, pages = query([page(items("a"), "t2"), page([], "t3")])
    with pytest.raises(MimecastResponseError) as caught:
        collect_all(pages)
    assert caught.value.message == ("Mimecast sent an empty page with a next page token for %s (page 2); stopping rather than looping" % HOLD)
    assert len(transport.requests) == 2


def test_empty_result_is_normal():
    transport, pages = query([page([])], path=PROCESSING)
    assert collect_all(pages) == []
    assert pages.truncated is False
    assert len(transport.requests) == 1


def test_processing_items_sit_in_data_messages():
    answer = Answer(200, envelope(items("m1", "m2"), "t2", items_key="messages"))
    transport, pages = query([answer, page(items("m3"), items_key="messages")], path=PROCESSING)
    assert collect_all(pages) == items("m1", "m2", "m3")
    assert transport.paths == [PROCESSING, PROCESSING]


def test_items_of_several_data_entries_are_joined():
    body = envelope()
    body["data"] = [dict(messages=items("m1")), dict(messages=items("m2", "m3")), dict(messages=[]), {}]
    transport, pages = query([Answer(200, body)], path=PROCESSING)
    assert collect_all(pages) == items("m1", "m2", "m3")
    assert len(transport.requests) == 1


def test_tracking_items_sit_in_data_tracked_emails():
    transport, pages = query([page(items("t1", "t2"), items_key="trackedEmails")], path=TRACK)
    assert collect_all(pages) == items("t1", "t2")
    assert len(transport.requests) == 1


def test_hold_items_are_the_flat_data_list():
    transport, pages = query([page(items("h1", "h2"))])
    assert collect_all(pages) == items("h1", "h2")
    assert len(transport.requests) == 1


@pytest.mark.parametrize("body", [
    {"meta": {"status": 200}},
    {"meta": {"status": 200}, "data": {"messages": []}},
    {"meta": {"status": 200}, "data": None},
    ["not", "an", "object"],
])
def test_missing_data_list_is_an_error(body):
    transport, pages = query([Answer(200, body)])
    with pytest.raises(MimecastResponseError) as caught:
        collect_all(pages)
    assert caught.value.message == "Mimecast's answer to %s has no data list" % HOLD
    assert len(transport.requests) == 1


@pytest.mark.parametrize("data", [["not a dict"], [dict(messages="a string")], [dict(messages=None)], [dict(messages={"id": "x"})]])
def test_items_key_not_a_list_is_an_error(data):
    body = envelope()
    body["data"] = data
    transport, pages = query([Answer(200, body)], path=PROCESSING)
    with pytest.raises(MimecastResponseError) as caught:
        collect_all(pages)
    assert caught.value.message == "Mimecast's answer to %s has no messages list" % PROCESSING
    assert len(transport.requests) == 1


def test_items_that_are_not_objects_are_an_error():
    body = envelope()
    body["data"] = [dict(id="a"), "b"]
    transport, pages = query([Answer(200, body)])
    with pytest.raises(MimecastResponseError) as caught:
        collect_all(pages)
    assert caught.value.message == "Mimecast's answer to %s holds items that are not objects" % HOLD
    assert len(transport.requests) == 1


def test_next_is_never_followed_when_fail_is_not_empty():
    body = envelope(items("a"), "t2", fail=[{"key": {}, "errors": [{"code": "err_validation_blank", "message": "blank", "retryable": False}]}])
    transport, pages = query([Answer(200, body), page(items("b"))])
    with pytest.raises(MimecastApiError) as caught:
        collect_all(pages)
    assert caught.value.codes == ["err_validation_blank"]
    assert len(transport.requests) == 1


@pytest.mark.parametrize("pagination", [{}, {"next": ""}, {"next": None}, None, "junk"])
def test_no_usable_next_ends_the_query(pagination):
    body = envelope(items("a"))
    body["meta"]["pagination"] = pagination
    transport, pages = query([Answer(200, body)])
    assert collect_all(pages) == items("a")
    assert len(transport.requests) == 1
