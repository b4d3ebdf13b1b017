# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.mimecast.gateway.plugins.module_utils import results
from ansible_collections.mimecast.gateway.plugins.module_utils.results import Summary, collect, shape, snake_case, to_bool, to_int
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import FIXED_NOW


@pytest.mark.parametrize("key, expected", [
    ("fromHeader", "from_header"),
    ("fromHdr", "from_hdr"),
    ("fromEnv", "from_env"),
    ("senderIP", "sender_ip"),
    ("remoteIp", "remote_ip"),
    ("hasAttachments", "has_attachments"),
    ("dateReceived", "date_received"),
    ("reasonCode", "reason_code"),
    ("nextAttempt", "next_attempt"),
    ("lockedUntil", "locked_until"),
    ("emailAddress", "email_address"),
    ("displayableName", "displayable_name"),
    ("trackedEmails", "tracked_emails"),
    ("messageID", "message_id"),
    ("XMLHttpRequest", "xml_http_request"),
    ("ID", "id"),
    ("id", "id"),
    ("to", "to"),
    ("x-request-id", "x_request_id"),
    ("already_snake", "already_snake"),
    ("size2Bytes", "size2_bytes"),
])
def test_snake_case(key, expected):
    assert snake_case(key) == expected


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("false", False), ("TRUE", True), (" False ", False), (True, True), (False, False), (1, True), (0, False),
])
def test_to_bool_converts(value, expected):
    assert to_bool(value) is expected


@pytest.mark.parametrize("value", ["yes", "no", "1", "", None, 2, -1, 1.0, [], {"a": 1}])
def test_to_bool_leaves_unknown_values_as_sent(value):
    assert to_bool(value) == value
    assert type(to_bool(value)) is type(value)  # pylint: disable=unidiomatic-typecheck


@pytest.mark.parametrize("value, expected", [("42", 42), (" 7 ", 7), ("-3", -3), ("0", 0), (5, 5), (5.0, 5), (-2.0, -2)])
def test_to_int_converts(value, expected):
    assert to_int(value) == expected
    assert type(to_int(value)) is int  # pylint: disable=unidiomatic-typecheck


@pytest.mark.parametrize("value", ["4.5", "abc", "", "-", "1e3", None, 4.5, True, False, [1], {"a": "1"}])
def test_to_int_leaves_other_values_as_sent(value):
    assert to_int(value) == value
    assert type(to_int(value)) is type(value)  # pylint: disable=unidiomatic-typecheck


@pytest.mark.parametrize("value", ["--5", "\u00b2", "5\u00b2"])
def test_to_int_never_raises_on_odd_strings(value):
    assert to_int(value) == value


@given(st.text(max_size=12))
def test_to_bool_never_raises(text):
    assert to_bool(text) in (True, False, text)


def test_shape_converts_keys_and_typed_fields_recursively():
    raw = {
        "id": "x1",
        "fromHeader": {"emailAddress": "a@example.net", "displayableName": "A"},
        "to": [{"emailAddress": "b@example.com", "displayableName": "B"}, {"emailAddress": "c@example.com", "displayableName": ""}],
        "senderIP": "198.51.100.7",
        "remoteIp": "192.0.2.10",
        "hasAttachments": "true",
        "attachment": "false",
        "size": "5120",
        "attempts": 3,
        "info": None,
        "route": "inbound",
        "tags": ["a", {"innerKey": "v"}],
        "status": "held",
    }
    field_types = dict(has_attachments="bool", attachment="bool", size="int", attempts="int")
    assert shape(raw, field_types) == {
        "id": "x1",
        "from_header": {"email_address": "a@example.net", "displayable_name": "A"},
        "to": [{"email_address": "b@example.com", "displayable_name": "B"}, {"email_address": "c@example.com", "displayable_name": ""}],
        "sender_ip": "198.51.100.7",
        "remote_ip": "192.0.2.10",
        "has_attachments": True,
        "attachment": False,
        "size": 5120,
        "attempts": 3,
        "info": None,
        "route": "inbound",
        "tags": ["a", {"inner_key": "v"}],
        "status": "held",
    }


def test_shape_leaves_unknown_typed_values_as_sent():
    assert shape({"hasAttachments": "maybe", "size": "big"}, dict(has_attachments="bool", size="int")) == {
        "has_attachments": "maybe", "size": "big"}


def test_shape_does_not_coerce_untyped_fields():
    assert shape({"subject": "true", "count": "12"}, {}) == {"subject": "true", "count": "12"}


def test_shape_of_scalars_and_lists():
    assert shape("text", {}) == "text"
    assert shape([{"aB": 1}, 2], {}) == [{"a_b": 1}, 2]


# -- summary -----------------------------------------------------------------------------------


def processing_summary():
    return Summary(dict(by_route="routing", by_info="info"), oldest_field="created", now=FIXED_NOW)


def test_processing_summary():
    summary = processing_summary()
    for item in [
        dict(routing="outbound", info="Remote server unavailable", created="2026-05-04T11:00:00+0000"),
        dict(routing="outbound", info="Remote server unavailable", created="2026-05-04T10:30:00+0000"),
        dict(routing="inbound", info="Greylisted", created="2026-05-04T11:59:00+0000"),
    ]:
        summary.add(item)
    assert summary.result() == dict(
        total=3,
        by_route={"outbound": 2, "inbound": 1},
        by_info={"Remote server unavailable": 2, "Greylisted": 1},
        oldest="2026-05-04T10:30:00+0000",
        oldest_age_seconds=5400,
    )


def test_track_summary_has_no_oldest():
    summary = Summary(dict(by_route="route", by_status="status"), now=FIXED_NOW)
    for item in [dict(route="inbound", status="delivered"), dict(route="inbound", status="held"), dict(route="outbound", status="delivered")]:
        summary.add(item)
    assert summary.result() == dict(total=3, by_route={"inbound": 2, "outbound": 1}, by_status={"delivered": 2, "held": 1})


def test_hold_summary():
    summary = Summary(dict(by_route="route", by_reason_code="reason_code"), oldest_field="date_received", now=FIXED_NOW)
    summary.add(dict(route="inbound", reason_code="spam", date_received="2026-05-03T12:00:00+0000"))
    summary.add(dict(route="inbound", reason_code="default_inbound_attachment_protect_definition", date_received="2026-05-04T13:00:00+02:00"))
    assert summary.result() == dict(
        total=2,
        by_route={"inbound": 2},
        by_reason_code={"spam": 1, "default_inbound_attachment_protect_definition": 1},
        oldest="2026-05-03T12:00:00+0000",
        oldest_age_seconds=86400,
    )


def test_oldest_compares_instants_across_offsets_and_keeps_the_text_as_sent():
    summary = processing_summary()
    summary.add(dict(created="2026-05-04T10:00:00+0000"))
    summary.add(dict(created="2026-05-04T11:30:00+02:00"))  # 09:30 UTC
    assert summary.result()["oldest"] == "2026-05-04T11:30:00+02:00"
    assert summary.result()["oldest_age_seconds"] == 9000


def test_empty_summary():
    assert processing_summary().result() == dict(total=0, by_route={}, by_info={}, oldest=None, oldest_age_seconds=None)


def test_missing_or_unreadable_values():
    summary = processing_summary()
    summary.add(dict(routing=None, info="", created="garbage"))
    summary.add(dict(created=None))
    summary.add(dict(routing=True, info=3))
    assert summary.result() == dict(total=3, by_route={"unknown": 2, "True": 1}, by_info={"unknown": 2, "3": 1},
                                    oldest=None, oldest_age_seconds=None)


def test_future_timestamp_has_age_zero():
    summary = processing_summary()
    summary.add(dict(created="2026-05-04T12:30:00+0000"))
    assert summary.result()["oldest_age_seconds"] == 0


def test_summary_uses_the_current_time_by_default(monkeypatch):
    monkeypatch.setattr(results, "utcnow", lambda: FIXED_NOW)
    summary = Summary(dict(by_route="routing"), oldest_field="created")
    summary.add(dict(created="2026-05-04T11:59:00+0000"))
    assert summary.result()["oldest_age_seconds"] == 60


class FakePages:
    def __init__(self, pages, truncated):
        self._pages = pages
        self.truncated = truncated

    def __iter__(self):
        return iter(self._pages)


def test_collect_shapes_every_item_of_every_page_and_counts_them():
    pages = FakePages([[{"routing": "inbound", "size": "10"}], [], [{"routing": "outbound", "size": 20}]], truncated=True)
    items, facts = collect(pages, dict(size="int"), Summary(dict(by_route="routing"), now=FIXED_NOW))
    assert items == [{"routing": "inbound", "size": 10}, {"routing": "outbound", "size": 20}]
    assert facts == dict(count=2, truncated=True, summary=dict(total=2, by_route={"inbound": 1, "outbound": 1}))


def test_collect_summary_only_keeps_no_item_but_counts_every_one():
    pages = FakePages([[{"routing": "inbound"}, {"routing": "inbound"}], [{"routing": "outbound"}]], truncated=False)
    items, facts = collect(pages, {}, Summary(dict(by_route="routing"), now=FIXED_NOW), summary_only=True)
    assert items == []
    assert facts == dict(count=3, truncated=False, summary=dict(total=3, by_route={"inbound": 2, "outbound": 1}))


def test_collect_fields_trims_items_after_the_summary_saw_them_whole():
    pages = FakePages([[{"id": "a", "routing": "inbound", "subject": "x"}, {"id": "b", "subject": "y"}]], truncated=False)
    items, facts = collect(pages, {}, Summary(dict(by_route="routing"), now=FIXED_NOW), fields=["id", "subject"])
    assert items == [{"id": "a", "subject": "x"}, {"id": "b", "subject": "y"}]
    assert facts["summary"]["by_route"] == {"inbound": 1, "unknown": 1}


TIMES = st.sampled_from(["2026-05-04T10:00:00+0000", "2026-05-04T09:00:00+0000", "2026-05-04T11:00:00+01:00"])
RAW_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6), TIMES),
                          lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                  st.dictionaries(st.sampled_from(["fromEnv", "emailAddress", "x"]), inner,
                                                                  max_size=3)),
                          max_leaves=8)
# Raw items: few ids and times, so that the order's ties and its tie-break by id both happen.
RAW_ITEMS = st.fixed_dictionaries({}, optional=dict(
    id=st.sampled_from(["a", "b", "c"]), created=st.one_of(TIMES, RAW_VALUES), routing=st.sampled_from(["inbound", "x"]),
    info=RAW_VALUES, subject=RAW_VALUES, fromEnv=RAW_VALUES, policyInfo=RAW_VALUES, attempts=RAW_VALUES, size=RAW_VALUES))


def _full_then_trimmed(pages, summary, fields, summary_only, order):
    """What collect returned before it learnt to shape only what it reads: every key shaped, then trimmed."""
    items = []
    for page in pages:
        for raw in page:
            item = shape(raw, dict(size="int"))
            summary.add(item)
            if not summary_only:
                keys = (order and results._order_key(item, order[0]),)  # pylint: disable=protected-access
                items.append((keys, dict((key, value) for key, value in item.items() if key in fields) if fields else item))
    items.sort(key=lambda pair: pair[0], reverse=bool(order and order[1]))
    return [item for _keys, item in items], summary.result()


@settings(max_examples=400)
@given(st.lists(st.lists(RAW_ITEMS, max_size=4), max_size=3),
       st.one_of(st.none(), st.lists(st.sampled_from(["id", "routing", "subject", "from_env", "policy_info", "created"]),
                                     min_size=1, unique=True)),
       st.booleans(), st.one_of(st.none(), st.tuples(st.just("created"), st.booleans())), st.booleans())
def test_collect_shapes_only_what_it_reads_and_answers_as_if_it_shaped_everything(pages, fields, summary_only, order, oldest):
    def new_summary():
        return Summary(dict(by_route="routing", by_info="info"), oldest_field="created" if oldest else None,
                       max_field="attempts", now=FIXED_NOW)

    fake = FakePages(pages, truncated=False)
    fake.order = order
    items, facts = collect(fake, dict(size="int"), new_summary(), fields=fields, summary_only=summary_only)
    expected_items, expected_summary = _full_then_trimmed(pages, new_summary(), fields, summary_only, order)
    assert items == expected_items
    assert facts["summary"] == expected_summary


def test_collect_never_shapes_a_key_nobody_reads():
    too_deep = {}
    for _level in range(results.MAX_DEPTH + 2):
        too_deep = {"next": too_deep}
    pages = FakePages([[{"id": "a", "routing": "inbound", "policyInfo": too_deep}]], truncated=False)
    summary = Summary(dict(by_route="routing"), now=FIXED_NOW)
    items, facts = collect(pages, {}, summary, fields=["id"])
    assert items == [{"id": "a"}]
    assert facts["summary"]["by_route"] == {"inbound": 1}
    pages.path = "/api/gateway/get-hold-message-list"
    pages.answer_error = ValueError
    with pytest.raises(ValueError, match="nests more than"):  # asked for, it is shaped, and refused as before
        collect(pages, {}, Summary({}, now=FIXED_NOW), fields=["policy_info"])


def test_summary_oldest_compares_instants_not_text_across_offsets():
    summary = Summary({}, oldest_field="created", now=FIXED_NOW)
    summary.add(dict(created="2026-05-04T10:30:00+0000"))
    summary.add(dict(created="2026-05-04T11:00:00+01:00"))  # 10:00 UTC: the oldest, though it sorts later as text
    summary.add(dict(created="not a date"))
    assert summary.result()["oldest"] == "2026-05-04T11:00:00+01:00"
    assert summary.result()["oldest_age_seconds"] == int((FIXED_NOW - datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.timezone.utc)).total_seconds())


def test_summary_oldest_sorts_years_before_1000_correctly():
    summary = Summary({}, oldest_field="created", now=FIXED_NOW)
    summary.add(dict(created="2026-05-04T10:30:00+0000"))
    summary.add(dict(created="0999-01-01T01:00:00+01:00"))  # rewritten as 0999-...: must stay four digits to sort
    assert summary.result()["oldest"] == "0999-01-01T01:00:00+01:00"


def test_summary_reports_the_largest_integer_of_its_max_field():
    summary = results.Summary(dict(by_route="routing"), max_field="attempts")
    for item in [dict(routing="inbound", attempts=3), dict(routing="inbound", attempts="9"), dict(routing="outbound", attempts=True),
                 dict(routing="outbound", attempts=7), dict(routing="outbound")]:
        summary.add(item)
    assert summary.result() == dict(total=5, by_route={"inbound": 2, "outbound": 3}, max_attempts=7)
    assert results.Summary({}, max_field="attempts").result() == dict(total=0, max_attempts=None)


def test_lower_case_tallies_fold_the_case_of_their_keys():
    summary = results.Summary(dict(by_route="route", by_reason_code="reason_code"), lower_case=("by_route",))
    for item in [dict(route="INBOUND", reason_code="Spam"), dict(route="inbound", reason_code="spam"), dict(route=None)]:
        summary.add(item)
    assert summary.result() == dict(total=3, by_route={"inbound": 2, "unknown": 1}, by_reason_code={"Spam": 1, "spam": 1, "unknown": 1})
