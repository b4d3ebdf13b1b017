# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""mimecast_held_message end to end through main(): options, check and diff mode, results and failures."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.plugins.modules import mimecast_held_message as module
from ansible_collections.mimecast.gateway.tests.unit.hold_server import NOT_HELD, HoldServer
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    CLIENT_SECRET,
    V1_CREDENTIALS,
    V2_CREDENTIALS,
    ExitJson,
    FailJson,
    call_main,
)


def run(monkeypatch, server, check_mode=False, diff=False, **options):
    args = dict(V2_CREDENTIALS, **options)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    return call_main(monkeypatch, module, args, transport=server)


# -- options ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("options, option, words", [
    (dict(ids=[], state="released"), "ids", "ids is empty"),
    (dict(ids=["a", " "], state="released"), "ids", "ids[1] is blank"),
    (dict(ids=["a", ""], state="rejected"), "ids", "ids[1] is blank"),
    (dict(ids=["a"], state="released", reject_reason="undesirable_content"), "reject_reason", "state=rejected only"),
    (dict(ids=["a"], state="released", reject_message="no"), "reject_message", "state=rejected only"),
    (dict(ids=["a"], state="released", notify_sender=False), "notify_sender", "state=rejected only"),
    (dict(ids=["a"], state="rejected", reject_message="x" * 1001), "reject_message", "at most 1000"),
    (dict(ids=["a"], state="rejected", reject_message="  "), "reject_message", "must not be empty"),
    (dict(ids=["a"], state="released", max_messages=0), "max_messages", "1 or more"),
])
def test_bad_options_fail_before_any_request_naming_the_option(monkeypatch, options, option, words):
    server = HoldServer(["a"])
    outcome = run(monkeypatch, server, **options)
    assert isinstance(outcome, FailJson)
    assert outcome.result["option"] == option
    assert words in outcome.result["msg"]
    assert server.requests == 0


@pytest.mark.parametrize("options, words", [
    (dict(ids=["a"], state="deleted"), "state"),
    (dict(ids=["a"], state="rejected", reject_reason="spam"), "reject_reason"),
    (dict(state="released"), "ids"),
])
def test_the_argument_spec_refuses_unknown_choices_and_missing_options(monkeypatch, options, words):
    server = HoldServer(["a"])
    outcome = run(monkeypatch, server, **options)
    assert isinstance(outcome, FailJson) and words in outcome.result["msg"]
    assert server.requests == 0


def test_results_options_of_the_list_modules_are_not_options_here(monkeypatch):
    outcome = run(monkeypatch, HoldServer(["a"]), ids=["a"], state="released", summary_only=True)
    assert isinstance(outcome, FailJson) and "summary_only" in outcome.result["msg"]


# -- results ---------------------------------------------------------------------------------------


def test_release_returns_what_it_did_and_what_was_not_held(monkeypatch):
    server = HoldServer(["a", "b"])
    outcome = run(monkeypatch, server, ids=["b", "a", "b", " gone "], state="released")
    assert isinstance(outcome, ExitJson)
    assert outcome.result == dict(changed=True, released=["b", "a"], not_held=["gone"], failures=[], count=2)
    assert server.applied == [("release", "b"), ("release", "a")]


def test_a_second_run_is_unchanged(monkeypatch):
    server = HoldServer(["a"])
    run(monkeypatch, server, ids=["a"], state="rejected")
    outcome = run(monkeypatch, server, ids=["a"], state="rejected")
    assert outcome.result == dict(changed=False, rejected=[], not_held=["a"], failures=[], count=0)
    assert len(server.action_calls) == 1


def test_check_mode_and_diff_show_what_would_change_without_acting(monkeypatch):
    server = HoldServer(["a", "b"])
    outcome = run(monkeypatch, server, check_mode=True, diff=True, ids=["b", "a", "c"], state="rejected",
                  reject_reason="reviewer_disapproves")
    assert isinstance(outcome, ExitJson)
    assert outcome.result["changed"] is True
    assert (outcome.result["rejected"], outcome.result["not_held"], outcome.result["count"]) == (["b", "a"], ["c"], 2)
    assert outcome.result["diff"] == dict(
        before='a: held (from sender-a@example.com, subject "Subject a", reason spam)\n'
               'b: held (from sender-b@example.com, subject "Subject b", reason spam)\n',
        after='a: rejected (from sender-a@example.com, subject "Subject a", reason spam)\n'
              'b: rejected (from sender-b@example.com, subject "Subject b", reason spam)\n')
    assert server.action_calls == [] and server.held == ["a", "b"]


def test_diff_after_acting(monkeypatch):
    outcome = run(monkeypatch, HoldServer(["a"]), diff=True, ids=["a"], state="released")
    assert outcome.result["diff"] == dict(before='a: held (from sender-a@example.com, subject "Subject a", reason spam)\n',
                                          after='a: released (from sender-a@example.com, subject "Subject a", reason spam)\n')


def test_the_guard_fails_naming_the_option_and_the_number(monkeypatch):
    server = HoldServer(["a", "b", "c"])
    outcome = run(monkeypatch, server, ids=["a", "b", "c"], state="released", max_messages=2)
    assert isinstance(outcome, FailJson)
    assert outcome.result["option"] == "max_messages"
    assert "3 of the given messages are held" in outcome.result["msg"]
    assert server.action_calls == []


def test_a_partial_failure_acts_on_the_rest_then_fails_with_the_lists(monkeypatch):
    server = HoldServer(["a", "b", "c"])
    real_apply = server._apply  # pylint: disable=protected-access

    def apply_after_a_race(path, item):
        if "b" in server.held:
            server.held.remove("b")  # released by someone else after the read
        return real_apply(path, item)

    server._apply = apply_after_a_race  # pylint: disable=protected-access
    outcome = run(monkeypatch, server, ids=["a", "b", "c"], state="rejected")
    assert isinstance(outcome, FailJson)
    result = outcome.result
    assert result["msg"] == "1 of 3 held messages could not be rejected (%s); 2 were rejected" % NOT_HELD
    assert (result["rejected"], result["count"], result["changed"]) == (["a", "c"], 2, True)
    assert result["failures"] == [dict(id="b", code=NOT_HELD, message="The message is not held")]


def test_a_stopped_run_still_returns_what_it_did(monkeypatch):
    server = HoldServer(["a", "b"], faults=[None, "refused", "refused", "refused"])
    outcome = run(monkeypatch, server, ids=["a", "b"], state="released", retries=2)
    assert isinstance(outcome, FailJson)
    result = outcome.result
    assert "Connection refused" in result["msg"] and result["error_type"] == "MimecastTransportError"
    assert result["released"] == ["a"]
    assert [(failure["id"], failure["message"][:13]) for failure in result["failures"]] == [("b", "not released:")]
    assert CLIENT_SECRET not in repr(result)


def test_api_1_0_keys_work_too(monkeypatch):
    server = HoldServer(["a"])
    outcome = call_main(monkeypatch, module, dict(V1_CREDENTIALS, region="eu", ids=["a"], state="released"), transport=server)
    assert isinstance(outcome, ExitJson) and outcome.result["released"] == ["a"]
