# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fault matrix scenarios of mimecast_held_message (test_faults.py): each message released or rejected exactly once,
whatever happens to the answers."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from fault_matrix import (
    APPLIED_THEN_DROPPED, DROP, HOLD, REJECT, RELEASE, Scenario, at, pagination, rate_limit, status, waits_after,
)


def held_ids(count, reason="spam", **extra):
    """Options releasing the first ``count`` messages held for ``reason``, with ``extra`` options."""
    def options(data):
        ids = [record["id"] for record in data["held"] if record["reasonCode"] == reason][:count]
        return dict(extra, ids=ids, state="released")
    return options


def rejecting(count):
    def options(data):
        return dict(held_ids(count)(data), state="rejected", reject_reason="against_email_policies",
                    reject_message="Rejected by policy", notify_sender=True)
    return options


def exactly_once(record):
    """Every given id acted on once and reported once, the task unfailed, nothing left held."""
    assert record.run.rc == 0, record.run
    options = record.scenario.options(record.data)
    wanted, state = options["ids"], options["state"]
    assert len(wanted) >= 3
    assert record.result[state] == wanted
    assert (record.result["failures"], record.result["not_held"], record.result["changed"]) == ([], [], True)
    acted = [action["id"] for action in record.actions]
    assert sorted(acted) == sorted(wanted) and len(acted) == len(set(acted)), "each message acted on exactly once"
    assert "Traceback" not in record.run.output
    return options


def check_lost_release_answers(record):
    exactly_once(record)
    releases = [entry for entry in record.log if entry["path"] == RELEASE]
    # The answers lost after the action was applied are never followed by a second release of the same id.
    sent = [entry["body"]["data"][0]["id"] for entry in releases]
    lost_before = [entry["body"]["data"][0]["id"] for entry in releases if entry["fault"] == "drop" and entry["status"] is None]
    assert len(sent) == len(set(sent)) + 1, "one release sent again: the one whose call was dropped before it applied"
    assert sent.count(lost_before[-1]) == 2


def check_lost_reject_answer(record):
    options = exactly_once(record)
    rejects = [entry["body"]["data"][0] for entry in record.log if entry["path"] == REJECT]
    assert len(rejects) == 1, "the lost answer hid an applied reject: it is not sent again"
    assert rejects[0] == dict(ids=options["ids"], reasonType="MESSAGE GOES AGAINST EMAIL POLICIES",
                              message="Rejected by policy", notify=True)
    assert [action["notify"] for action in record.actions] == [True] * len(options["ids"])


def check_rate_limited_release(record):
    exactly_once(record)
    reads = [entry for entry in record.log if entry["path"] == HOLD and "pageToken" not in pagination(entry)]
    assert len(reads) == 1, "a 429 applied nothing: it is retried without reading the hold list again"
    [(gap, _entry)] = waits_after(record, 429, [entry for entry in record.log if entry["path"] == RELEASE])
    assert gap >= 0.4


SCENARIOS = [
    # Releasing and rejecting: answers lost after the action was applied, or before, and rate limits.
    Scenario("held-release-answers-lost", check_lost_release_answers, module="held", args=held_ids(6),
             faults=at(RELEASE, (1, APPLIED_THEN_DROPPED), (3, dict(status(502), apply=True)), (4, DROP),
                       (6, dict(kind="bad_json", apply=True)))),
    Scenario("held-reject-answer-lost-api-1.0", check_lost_reject_answer, module="held", scheme="v1", args=rejecting(4),
             faults=at(REJECT, (1, APPLIED_THEN_DROPPED))),
    Scenario("held-release-rate-limited", check_rate_limited_release, module="held", args=held_ids(3),
             faults=at(RELEASE, (2, rate_limit(400)))),
    # The emulator applies the release, then answers after the client's read timeout.
    Scenario("held-release-times-out-after-applying", exactly_once, module="held", args=held_ids(3, timeout=0.5),
             faults=at(RELEASE, (2, dict(kind="delay", delay_ms=1500)))),
]
