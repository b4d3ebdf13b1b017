# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Releasing and rejecting held messages: what is sent, and each decision, on a stateful fake service."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastError, MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.module_utils.held_messages import (
    REJECT_REASONS,
    Action,
    act_on_held,
    describe,
    read_held,
    read_outcomes,
)
from ansible_collections.mimecast.gateway.tests.unit.hold_server import APPLIED, FAULTS, NOT_HELD, HoldServer
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import FakeClock, make_client, v2_settings

RELEASE = Action("released")
REJECT = Action("rejected", reject_reason="against_email_policies", reject_message="Not for us", notify_sender=True)


def client_for(server, clock=None, **options):
    client = make_client(v2_settings(**options), server, clock=clock or FakeClock())
    client.session.trust_env = False
    return client


def ids(count, prefix="m"):
    return ["%s%03d" % (prefix, number) for number in range(count)]


# -- what is sent ------------------------------------------------------------------------------------


def test_reject_reasons_are_mimecasts_reason_types():
    assert REJECT_REASONS == dict(
        undesirable_content="MESSAGE CONTAINS UNDESIRABLE CONTENT",
        confidential_information="MESSAGE CONTAINS CONFIDENTIAL INFORMATION",
        reviewer_disapproves="REVIEWER DISAPPROVES OF CONTENT",
        inappropriate_communication="INAPPROPRIATE COMMUNICATION",
        against_email_policies="MESSAGE GOES AGAINST EMAIL POLICIES",
    )


def test_release_sends_one_id_per_call():
    assert RELEASE.batches(["a", "b", "c"]) == [["a"], ["b"], ["c"]]
    assert RELEASE.body(["a"]) == {"data": [{"id": "a"}]}


def test_reject_sends_up_to_100_ids_per_call_with_reason_note_and_notify():
    batches = REJECT.batches(ids(250))
    assert [len(batch) for batch in batches] == [100, 100, 50]
    assert REJECT.body(["a", "b"]) == {"data": [{"ids": ["a", "b"], "reasonType": "MESSAGE GOES AGAINST EMAIL POLICIES",
                                                 "message": "Not for us", "notify": True}]}


def test_reject_without_reason_or_note_sends_notify_false_as_a_boolean():
    assert Action("rejected").body(["a"]) == {"data": [{"ids": ["a"], "notify": False}]}


def test_reject_calls_on_the_wire():
    server = HoldServer(ids(205))
    outcome = act_on_held(client_for(server), REJECT, ids(205), max_messages=300)
    assert [len(call["data"][0]["ids"]) for call in server.action_calls] == [100, 100, 5]
    assert outcome.done == ids(205)
    assert all(call["data"][0]["notify"] is True for call in server.action_calls)


# -- reading answers ----------------------------------------------------------------------------------


def test_read_outcomes_per_id():
    body = {"data": [{"id": "a", "reject": True}, {"id": "b", "reject": False}],
            "fail": [{"key": "c", "errors": [{"code": NOT_HELD, "message": "gone"}]},
                     {"key": {"id": "d"}, "errors": [{"code": "err_x", "message": "no"}]},
                     {"key": {"ids": ["e", "zz"]}, "errors": [{"code": "err_y"}]},
                     "not an entry", {"errors": []}]}
    done, failures, unclear = read_outcomes(body, ["a", "b", "c", "d", "e", "f"], "reject")
    assert done == ["a"]
    assert failures == {"b": dict(code=None, message="Mimecast did not confirm the reject"),
                        "c": dict(code=NOT_HELD, message="gone"), "d": dict(code="err_x", message="no"),
                        "e": dict(code="err_y", message=None)}
    assert unclear == ["f"]


def test_read_held_stops_once_every_id_is_found():
    server = HoldServer(ids(1000))
    held = read_held(client_for(server, page_size=100), ["m000", "m150", "m999x"])
    assert sorted(held) == ["m000", "m150"]
    assert held["m150"] == 'from sender-m150@example.com, subject "Subject m150", reason spam'
    assert server.list_reads == 10  # m999x is not held: the whole list is read
    server = HoldServer(ids(1000))
    assert sorted(read_held(client_for(server, page_size=100), ["m000", "m150"])) == ["m000", "m150"]
    assert server.list_reads == 2


@pytest.mark.parametrize("item, line", [
    ({"from": {"emailAddress": "a@b.example"}, "fromHeader": {"emailAddress": "h@b.example"}, "subject": "Hi",
      "reasonCode": "spam"}, 'from a@b.example, subject "Hi", reason spam'),
    # The envelope sender blank: the header's; no subject, no reason.
    ({"from": {"emailAddress": ""}, "fromHeader": {"emailAddress": "h@b.example"}}, "from h@b.example"),
    # A subject is the sender's to write: no line breaks or control characters reach the diff, and it is cut.
    ({"subject": "Pay\nnow\r\x1b[31m\u2028" + "x" * 100}, 'subject "Pay now [31m ' + "x" * 64 + '..."'),
    # Shapes no real answer has are left out, never an error.
    ({"from": "a@b.example", "subject": 7, "reasonCode": None}, ""),
    ({}, ""),
])
def test_describe_puts_sender_subject_and_reason_on_one_line(item, line):
    assert describe(item) == line


# -- the decisions -----------------------------------------------------------------------------------


def test_only_held_messages_are_acted_on_and_a_rerun_is_a_no_op():
    server = HoldServer(["a", "b", "c"])
    first = act_on_held(client_for(server), RELEASE, ["b", "x", "a"], max_messages=10)
    assert (first.done, first.not_held, first.failed) == (["b", "a"], ["x"], [])
    assert server.applied == [("release", "b"), ("release", "a")]
    again = act_on_held(client_for(server), RELEASE, ["b", "x", "a"], max_messages=10)
    assert (again.done, again.not_held, again.failed) == ([], ["b", "x", "a"], [])
    assert len(server.action_calls) == 2


def test_check_mode_reads_and_makes_no_action_call():
    server = HoldServer(["a", "b"])
    outcome = act_on_held(client_for(server), REJECT, ["a", "b", "c"], max_messages=10, check_mode=True)
    assert (outcome.done, outcome.not_held) == (["a", "b"], ["c"])
    assert server.action_calls == [] and server.held == ["a", "b"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_the_guard_stops_before_any_action(check_mode):
    server = HoldServer(ids(12))
    with pytest.raises(MimecastOptionError) as caught:
        act_on_held(client_for(server), RELEASE, ids(12) + ["gone"], max_messages=10, check_mode=check_mode)
    assert caught.value.option == "max_messages"
    assert "12 of the given messages are held" in str(caught.value) and "max_messages (10)" in str(caught.value)
    assert server.action_calls == [] and len(server.held) == 12


def test_ids_not_held_do_not_count_toward_the_guard():
    server = HoldServer(ids(3))
    outcome = act_on_held(client_for(server), RELEASE, ids(3) + ["x", "y", "z"], max_messages=3)
    assert outcome.done == ids(3)


@pytest.mark.parametrize("fault", APPLIED)
def test_an_applied_action_whose_answer_was_lost_is_checked_not_repeated(fault):
    server = HoldServer(["a", "b"], faults=[fault])
    clock = FakeClock()
    outcome = act_on_held(client_for(server, clock=clock), RELEASE, ["a", "b"], max_messages=10)
    assert (outcome.done, outcome.failed) == (["a", "b"], [])
    assert server.applied == [("release", "a"), ("release", "b")]
    assert len(server.action_calls) == 2          # "a" was not sent again
    assert server.list_reads == 2                 # the first read, and the check after the lost answer
    assert clock.sleeps == []


@pytest.mark.parametrize("fault", ["lost_before", "timeout_before", "502_before"])
def test_an_action_not_applied_whose_answer_was_lost_is_sent_again_once(fault):
    server = HoldServer(["a", "b"], faults=[fault])
    clock = FakeClock()
    outcome = act_on_held(client_for(server, clock=clock), RELEASE, ["a", "b"], max_messages=10)
    assert (outcome.done, outcome.failed) == (["a", "b"], [])
    assert server.applied == [("release", "b"), ("release", "a")]
    assert [call["data"][0]["id"] for call in server.action_calls] == ["a", "b", "a"]
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("fault", ["429", "refused"])
def test_a_call_that_certainly_did_nothing_is_retried_without_a_check(fault):
    server = HoldServer(["a"], faults=[fault])
    clock = FakeClock()
    outcome = act_on_held(client_for(server, clock=clock), REJECT, ["a"], max_messages=10)
    assert outcome.done == ["a"]
    assert len(server.action_calls) == 2 and server.list_reads == 1
    assert server.applied == [("reject", "a")]
    if fault == "429":
        assert clock.sleeps[0] >= 0.8


def test_answers_lost_every_time_end_in_failures_after_the_retries():
    server = HoldServer(["a", "b"], faults=["lost_before"] * 20)
    outcome = act_on_held(client_for(server, retries=2), RELEASE, ["a", "b"], max_messages=10)
    assert outcome.done == []
    assert [failure["id"] for failure in outcome.failed] == ["a", "b"]
    assert "still held after 3 tries whose answers were lost" in outcome.failed[0]["message"]
    assert len(server.action_calls) == 6 and server.applied == []


@pytest.mark.parametrize("reject_key", ["id", "item"])
def test_a_message_that_leaves_the_hold_list_before_its_action_is_a_per_id_failure(reject_key):
    server = HoldServer(["a", "b", "c"], reject_key=reject_key)
    real_apply = server._apply  # pylint: disable=protected-access

    def apply_after_a_race(path, item):
        # Another administrator released "b" between the read and the reject.
        if "b" in server.held:
            server.held.remove("b")
        return real_apply(path, item)

    server._apply = apply_after_a_race  # pylint: disable=protected-access
    outcome = act_on_held(client_for(server), REJECT, ["a", "b", "c"], max_messages=10)
    assert outcome.done == ["a", "c"]
    assert outcome.failed == [dict(id="b", code=NOT_HELD, message="The message is not held")]


def test_a_resent_id_refused_as_not_held_counts_as_done_by_the_lost_call():
    # The lost call took effect only after the check read the hold list: the resend is refused, the list says it is gone.
    server = HoldServer(["a"], faults=["lost_before", None])
    real_read = server._hold_list  # pylint: disable=protected-access
    reads = []

    def read_then_apply_late(request, body):
        answer = real_read(request, body)
        reads.append(1)
        if len(reads) == 2:
            server.held.remove("a")
            server.applied.append(("release", "a"))
        return answer

    server._hold_list = read_then_apply_late  # pylint: disable=protected-access
    outcome = act_on_held(client_for(server), RELEASE, ["a"], max_messages=10)
    assert (outcome.done, outcome.failed) == (["a"], [])
    assert server.applied == [("release", "a")]


# -- the property: exactly once ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 30), st.integers(0, 10), st.lists(st.sampled_from(FAULTS + (None, None)), max_size=40),
       st.sampled_from(["released", "rejected"]), st.integers(0, 4), st.sampled_from(["id", "item"]))
def test_every_held_message_is_acted_on_at_most_once_and_reported(held_count, extra, faults, state, retries, reject_key):
    held = ids(held_count)
    wanted = held[::2] + ids(extra, prefix="x") + held[1::2]
    server = HoldServer(held, faults=faults, reject_key=reject_key)
    try:
        outcome = act_on_held(client_for(server, retries=retries), Action(state), wanted, max_messages=100).result(state)
    except MimecastError as error:
        # A rate limit or a refused connection that outlasted the retries stops the run; the facts still account for every id.
        assert "HTTP 429" in str(error) or "Connection refused" in str(error)
        outcome = error.facts
    done, failed = outcome[state], [failure["id"] for failure in outcome["failures"]]
    # Only a run stopped before it could check a lost answer leaves ids it may have acted on.
    maybe = [failure["id"] for failure in outcome["failures"] if failure["message"].startswith("may have been")]
    acted = [identifier for _action, identifier in server.applied]
    assert len(acted) == len(set(acted)), "an id was acted on twice"
    assert set(done) <= set(acted) <= set(done) | set(maybe)
    assert sorted(done + failed) == sorted(held)
    assert outcome["not_held"] == ids(extra, prefix="x")
    assert not set(done) & set(server.held)
    assert all(identifier in server.held for identifier in failed if identifier not in maybe)
