# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Faults the emulator injects into its hold-release and hold-reject endpoints, spoken to straight over HTTP.

Fault rules with ``apply: true`` apply the action and then lose the answer (a dropped connection, a 502 proxy
page), the case where a retry may act twice; a delay acts before the client's read timeout; any other fault
applies nothing, and ``apply`` is refused where it makes no sense. The endpoints' own behaviour is in
test_emulator_actions.py.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import http.client
import socket
import time

import pytest

from action_endpoints import HOLD, POLICIES, REJECT, RELEASE, applied, control, logged, not_held
# The fixtures: an emulator of this module's own, reset before each test.
from action_endpoints import actions_emulator, bearer, emulator  # noqa: F401 pylint: disable=unused-import
from emulator_http import post

pytestmark = pytest.mark.e2e


# -- faults: answers lost after the action, and faults that apply nothing ----------------------------


def test_apply_drop_acts_and_then_drops_the_connection(emulator, bearer):
    target = emulator.held_ids()[4]
    emulator.faults(dict(kind="drop", apply=True, path=RELEASE))

    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        post(emulator, RELEASE, {"data": [{"id": target}]}, bearer(RELEASE))

    assert applied(emulator) == [logged("release", target)]
    assert target not in emulator.held_ids()
    entry = emulator.requests()[-1]
    assert (entry["path"], entry["status"], entry["fault"]) == (RELEASE, None, "drop")
    # A client that retries blindly finds the message gone.
    retry = post(emulator, RELEASE, {"data": [{"id": target}]}, bearer(RELEASE))
    assert (retry.status, retry.json["data"], retry.json["fail"]) == (200, [], [not_held({"id": target})])
    assert len(emulator.actions()) == 1


def test_apply_status_502_acts_and_then_answers_a_proxy_page(emulator, bearer):
    targets = emulator.held_ids()[:2]
    emulator.faults(dict(kind="status", status=502, html=True, apply=True, path=REJECT))

    answer = post(emulator, REJECT, {"data": [{"ids": targets, "reasonType": POLICIES, "notify": False}]}, bearer(REJECT))

    assert answer.status == 502, answer
    assert answer.headers["content-type"].startswith("text/html") and b"<html>" in answer.raw
    assert applied(emulator) == [logged("reject", held_id, POLICIES, None, False) for held_id in targets]
    assert not set(targets) & set(emulator.held_ids())
    entry = emulator.requests()[-1]
    assert (entry["path"], entry["status"], entry["fault"]) == (REJECT, 502, "status")


def test_a_delay_acts_before_a_client_read_timeout(emulator, bearer):
    target = emulator.held_ids()[0]
    emulator.faults(dict(kind="delay", delay_ms=3000, path=RELEASE))
    with pytest.raises(socket.timeout):
        post(emulator, RELEASE, {"data": [{"id": target}]}, bearer(RELEASE), timeout=0.5)
    # The action is applied before the late answer; wait for the request thread, without asserting how long it takes.
    for _attempt in range(200):
        if emulator.actions():
            break
        time.sleep(0.05)
    assert applied(emulator) == [logged("release", target)]
    assert target not in emulator.held_ids()
    # The log names the fault from the start, not once the late answer is sent: a client that gave up waiting may
    # finish, and its test read the log, while the answer is still on its way.
    entry = emulator.requests()[-1]
    assert (entry["path"], entry["fault"]) == (RELEASE, "delay")


@pytest.mark.parametrize("rule", [
    dict(kind="rate_limit", reset_ms=500, retry_after=1),
    dict(kind="status", status=503),
    dict(kind="status", status=502, html=True),
    dict(kind="fail", code="err_internal", retryable=True),
    dict(kind="bad_json"),
], ids=["429", "503", "502-html", "fail-at-200", "bad-json"])
@pytest.mark.parametrize("path", [RELEASE, REJECT])
def test_a_fault_without_apply_applies_nothing(emulator, bearer, rule, path):
    target = emulator.held_ids()[0]
    body = {"data": [{"id": target}]} if path == RELEASE else {"data": [{"ids": [target]}]}
    emulator.faults(dict(rule, path=path))

    answer = post(emulator, path, body, bearer(path))

    assert answer.status == {"rate_limit": 429, "status": rule.get("status"), "fail": 200, "bad_json": 200}[rule["kind"]]
    assert emulator.actions() == []
    assert target in emulator.held_ids()
    if rule["kind"] == "rate_limit":
        assert answer.headers["x-ratelimit-remaining"] == "0" and answer.headers["retry-after"] == "1"
    # The fault is spent: the same request now acts.
    again = post(emulator, path, body, bearer(path))
    assert again.status == 200 and len(again.json["data"]) == 1, again
    assert [entry["id"] for entry in emulator.actions()] == [target]


def test_a_drop_without_apply_applies_nothing(emulator, bearer):
    target = emulator.held_ids()[0]
    emulator.faults(dict(kind="drop", path=REJECT))
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        post(emulator, REJECT, {"data": [{"ids": [target]}]}, bearer(REJECT))
    assert emulator.actions() == []
    assert target in emulator.held_ids()


def test_faults_for_every_path_reach_the_list_and_action_endpoints(emulator, bearer):
    target = emulator.held_ids()[0]
    emulator.faults(dict(kind="status", status=503, path="*", count=3))

    statuses = [post(emulator, HOLD, {"data": [{"admin": True}]}, bearer(HOLD)).status,
                post(emulator, RELEASE, {"data": [{"id": target}]}, bearer(RELEASE)).status,
                post(emulator, REJECT, {"data": [{"ids": [target]}]}, bearer(REJECT)).status]

    assert statuses == [503, 503, 503]
    assert emulator.actions() == [] and target in emulator.held_ids()
    assert post(emulator, HOLD, {"data": [{"admin": True}]}, bearer(HOLD)).status == 200
    _status, faults = control(emulator, "/_emulator/faults")
    assert [(rule["seen"], rule["fired"]) for rule in faults["faults"]] == [(3, 3)]


@pytest.mark.parametrize("rule", [
    dict(kind="rate_limit", apply=True),
    dict(kind="delay", apply=True),
    dict(kind="fail", apply=True),
    dict(kind="token_expired", apply=True),
    dict(kind="no_data", apply=True),
    dict(kind="repeat_token", apply=True),
    dict(kind="empty_page_with_next", apply=True),
    dict(kind="drop", apply="yes"),
], ids=lambda rule: "%s-%s" % (rule["kind"], rule["apply"]))
def test_apply_is_refused_where_it_makes_no_sense(emulator, rule):
    status, answer = control(emulator, "/_emulator/faults", {"faults": [dict(rule, path=RELEASE)]})
    assert status == 400 and answer["ok"] is False and "'apply'" in answer["error"], answer
    assert control(emulator, "/_emulator/faults")[1]["faults"] == []


@pytest.mark.parametrize("kind", ["drop", "status", "bad_json", "not_json"])
def test_apply_is_accepted_with_the_kinds_that_lose_an_answer(emulator, kind):
    status, answer = control(emulator, "/_emulator/faults", {"faults": [dict(kind=kind, apply=True, path=REJECT)]})
    assert status == 200 and answer["faults"][0]["apply"] is True, answer
