# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""mimecast_held_message and playbooks/release_held.yml through real ansible-playbook runs, both auth schemes.

The emulator keeps state: a released or rejected message leaves its hold list, and its action log
(/_emulator/actions) shows every action it applied, so "exactly once" is checked on the service's side.
The fault matrix (test_faults.py) adds the lost answers of every kind.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from harness import ROOT, scheme_env
from playbook_factory import RUN_MODULE, run_task
from tests import module_registry

pytestmark = pytest.mark.e2e

HELD = module_registry.MODULES["held"]
RELEASE, REJECT, HOLD_LIST = HELD.paths
TASK = run_task("held")
RELEASE_HELD = os.path.join(ROOT, "playbooks", "release_held.yml")


@pytest.fixture
def held_emulator(fresh_emulator):
    """The session emulator; the data its actions change is generated again afterwards (seed 1, as started)."""
    yield fresh_emulator
    fresh_emulator._call("/_emulator/reset", {"reseed": 1})  # pylint: disable=protected-access


def held_for(emulator, reason):
    return [record["id"] for record in emulator.data()["held"] if record["reasonCode"] == reason]


def run_module(ansible_playbook, emulator, scheme="v2", check=False, diff=False, **options):
    run = ansible_playbook(RUN_MODULE, env=scheme_env(emulator, scheme), check=check, diff=diff,
                           extra_vars=dict(module="held", module_args=options))
    return run, run.results().get(TASK, {})


def calls_to(emulator, path):
    return [entry for entry in emulator.requests() if entry["path"] == path]


@pytest.mark.parametrize("scheme", ["v2", "v1"])
def test_check_mode_reads_and_makes_no_action_call(held_emulator, ansible_playbook, scheme):
    ids = held_for(held_emulator, "spam")[:3]
    run, result = run_module(ansible_playbook, held_emulator, scheme=scheme, check=True, ids=ids + ["not-held-1"], state="released")
    assert run.rc == 0, run
    assert (result["changed"], result["released"], result["not_held"], result["count"]) == (True, ids, ["not-held-1"], 3)
    assert calls_to(held_emulator, RELEASE) == [] and held_emulator.actions() == []
    assert set(ids) <= set(held_emulator.held_ids())


def test_the_diff_in_ansible_s_output_tells_the_messages_apart(held_emulator, ansible_playbook):
    records = [record for record in held_emulator.data()["held"] if record["reasonCode"] == "spam" and len(record["subject"]) <= 80][:2]
    run, _result = run_module(ansible_playbook, held_emulator, check=True, diff=True, ids=[r["id"] for r in records], state="rejected")
    assert run.rc == 0, run
    for record in sorted(records, key=lambda record: record["id"]):
        details = 'from %s, subject "%s", reason spam' % (record["from"]["emailAddress"], record["subject"])
        assert "-%s: held (%s)\n" % (record["id"], details) in run.stdout, run
        assert "+%s: rejected (%s)\n" % (record["id"], details) in run.stdout, run
    assert held_emulator.actions() == []


@pytest.mark.parametrize("scheme", ["v2", "v1"])
def test_release_then_a_second_run_is_unchanged(held_emulator, ansible_playbook, scheme):
    ids = held_for(held_emulator, "malware")[:2]
    run, result = run_module(ansible_playbook, held_emulator, scheme=scheme, ids=ids, state="released")
    assert run.rc == 0, run
    assert (result["changed"], result["released"], result["failures"]) == (True, ids, [])
    assert [(action["action"], action["id"]) for action in held_emulator.actions()] == [("release", ids[0]), ("release", ids[1])]
    assert [entry["body"] for entry in calls_to(held_emulator, RELEASE)] == [{"data": [{"id": identifier}]} for identifier in ids]

    again, result = run_module(ansible_playbook, held_emulator, scheme=scheme, ids=ids, state="released")
    assert again.rc == 0, again
    assert (result["changed"], result["released"], result["not_held"]) == (False, [], ids)
    assert len(held_emulator.actions()) == 2 and len(calls_to(held_emulator, RELEASE)) == 2


def test_reject_sends_the_reason_the_note_and_notify(held_emulator, ansible_playbook):
    ids = held_for(held_emulator, "impersonation")[:3]
    run, result = run_module(ansible_playbook, held_emulator, ids=ids, state="rejected", reject_reason="inappropriate_communication",
                             reject_message="Rejected by the mail security policy.", notify_sender=True)
    assert run.rc == 0, run
    assert result["rejected"] == ids
    [call] = calls_to(held_emulator, REJECT)
    assert call["body"] == {"data": [{"ids": ids, "reasonType": "INAPPROPRIATE COMMUNICATION",
                                      "message": "Rejected by the mail security policy.", "notify": True}]}
    assert [(action["id"], action["reasonType"], action["notify"]) for action in held_emulator.actions()] == [
        (identifier, "INAPPROPRIATE COMMUNICATION", True) for identifier in ids]


def test_dropped_answers_still_act_on_each_message_exactly_once(held_emulator, ansible_playbook):
    ids = held_for(held_emulator, "spam")[:5]
    held_emulator.faults(dict(kind="drop", apply=True, path=RELEASE, count=1),
                         dict(kind="drop", path=RELEASE, after=1, count=1),
                         dict(kind="status", status=503, html=True, apply=True, path=RELEASE, after=1, count=1))
    run, result = run_module(ansible_playbook, held_emulator, scheme="v1", ids=ids, state="released")
    assert run.rc == 0, run
    assert (result["released"], result["failures"], result["changed"]) == (ids, [], True)
    acted = [action["id"] for action in held_emulator.actions()]
    assert sorted(acted) == sorted(ids) and len(set(acted)) == len(acted)
    assert "Traceback" not in run.output


def test_the_guard_stops_before_any_action(held_emulator, ansible_playbook):
    ids = held_for(held_emulator, "spam")[:4]
    run, result = run_module(ansible_playbook, held_emulator, ids=ids, state="rejected", max_messages=3)
    assert run.rc != 0
    assert result["option"] == "max_messages" and "4 of the given messages are held" in result["msg"]
    assert calls_to(held_emulator, REJECT) == [] and held_emulator.actions() == []


def test_a_message_released_meanwhile_is_not_held_and_not_an_error(held_emulator, ansible_playbook):
    ids = held_for(held_emulator, "policy")[:2]
    run_module(ansible_playbook, held_emulator, ids=ids[:1], state="released")
    run, result = run_module(ansible_playbook, held_emulator, ids=ids, state="rejected")
    assert run.rc == 0, run
    assert (result["rejected"], result["not_held"]) == (ids[1:], ids[:1])


# -- playbooks/release_held.yml ----------------------------------------------------------------------------


def printed(run, task):
    return run.results()[task]["msg"]


def test_release_held_shows_what_it_would_do_and_changes_nothing_without_apply(held_emulator, ansible_playbook):
    data = held_emulator.data()["held"]
    spam = [record for record in data if record["reasonCode"] == "spam"]
    run = ansible_playbook(RELEASE_HELD, env=scheme_env(held_emulator, "v2"), extra_vars=dict(
        release_held_reason_code="spam", release_held_max_messages=len(spam)))
    assert run.rc == 0, run
    lines = printed(run, "Print what was selected")
    assert lines[0] == "SELECTED %d of %d held messages to be released:" % (len(spam), len(spam))
    assert sorted(line.rsplit("[", 1)[1].rstrip("]") for line in lines[1:]) == sorted(record["id"] for record in spam)
    done = printed(run, "Print what was done")
    assert done[0].startswith("WOULD BE RELEASED %d: " % len(spam))
    assert done[-1] == "Nothing was changed: run again with -e release_held_apply=true to act."
    assert held_emulator.actions() == [] and calls_to(held_emulator, RELEASE) == []
    # The reason code is searched by Mimecast, under the name the live service takes.
    assert calls_to(held_emulator, HOLD_LIST)[0]["body"]["data"][0]["searchBy"] == {"fieldName": "reasonCode", "value": "spam"}


def test_release_held_selects_by_sender_and_policy_and_acts_with_apply(held_emulator, ansible_playbook):
    record = [record for record in held_emulator.data()["held"] if record["reasonCode"] == "spam"][0]
    sender = record["from"]["emailAddress"].upper()
    run = ansible_playbook(RELEASE_HELD, env=scheme_env(held_emulator, "v1"), extra_vars=dict(
        release_held_sender=sender, release_held_policy=record["policyInfo"][:6].lower(), release_held_state="rejected",
        release_held_reject_reason="undesirable_content", release_held_apply=True))
    assert run.rc == 0, run
    expected = [item["id"] for item in held_emulator.data()["held"]]  # what is left
    assert record["id"] not in expected
    rejected = held_emulator.actions()
    assert record["id"] in [action["id"] for action in rejected]
    assert all(action["reasonType"] == "MESSAGE CONTAINS UNDESIRABLE CONTENT" for action in rejected)
    assert printed(run, "Print what was done")[0].startswith("REJECTED %d: " % len(rejected))


def test_release_held_refuses_to_select_everything(held_emulator, ansible_playbook):
    run = ansible_playbook(RELEASE_HELD, env=scheme_env(held_emulator, "v2"), extra_vars=dict(release_held_apply=True))
    assert run.rc != 0
    assert "Give at least one of release_held_reason_code" in run.output
    assert held_emulator.api_requests() == []


def test_release_held_says_plainly_when_nothing_matches(held_emulator, ansible_playbook):
    env = scheme_env(held_emulator, "v2")
    misspelt = ansible_playbook(RELEASE_HELD, env=env, extra_vars=dict(release_held_reason_code="spm", release_held_apply=True))
    assert misspelt.rc == 0, misspelt
    assert printed(misspelt, "Say that nothing matched") == [
        "NOTHING MATCHED: Mimecast holds no message with reason code 'spm'. Nothing was changed.",
        "Check the spelling: ansible-playbook mimecast.gateway.held_report lists what is held, by reason code."]
    spam = [record for record in held_emulator.data()["held"] if record["reasonCode"] == "spam"]
    nobody = ansible_playbook(RELEASE_HELD, env=env, extra_vars=dict(
        release_held_reason_code="spam", release_held_sender="nobody@nowhere.example", release_held_apply=True))
    assert nobody.rc == 0, nobody
    assert printed(nobody, "Say that nothing matched")[0] == (
        "NOTHING MATCHED: none of the %d held messages read has reason code 'spam' and a sender containing "
        "'nobody@nowhere.example'. Nothing was changed." % len(spam))
    for run in (misspelt, nobody):
        assert run.results()["Print what was selected"]["_status"] == "skipped"
    assert held_emulator.actions() == [] and calls_to(held_emulator, RELEASE) == []


def test_release_held_names_a_wrong_state_alone(held_emulator, ansible_playbook):
    run = ansible_playbook(RELEASE_HELD, env=scheme_env(held_emulator, "v2"), extra_vars=dict(
        release_held_reason_code="spam", release_held_state="reject"))
    assert run.rc != 0
    assert "release_held_state must be released or rejected (got reject)" in run.output
    assert "Give at least one" not in run.output
    assert held_emulator.api_requests() == []


def test_release_held_stays_under_its_guard(held_emulator, ansible_playbook):
    run = ansible_playbook(RELEASE_HELD, env=scheme_env(held_emulator, "v2"), extra_vars=dict(
        release_held_reason_code="spam", release_held_apply=True, release_held_max_messages=1))
    assert run.rc != 0
    result = run.results()["Release or reject the selected messages"]
    assert result["option"] == "max_messages"
    assert held_emulator.actions() == []
