# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's hold-release and hold-reject endpoints, spoken to straight over HTTP (no module).

They change state: a message acted on leaves the hold list, an id that is not held fails per id at
HTTP 200, and the action log (GET /_emulator/actions) counts what was really applied. Fault rules with
``apply: true`` apply the action and then lose the answer, the case where a retry may act twice.
The tests use an emulator of their own, reseeded before each test, so no other test sees the change.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import http.client
import json
import socket
import time
import urllib.error
import urllib.request

import pytest

import emulator_http
from emulator_http import post, signed_headers
from harness import CREDENTIALS, start_emulator, stop_emulator
from tests.emulator.actions import MAX_REJECT_IDS, REASON_TYPES

pytestmark = pytest.mark.e2e

HOLD = "/api/gateway/get-hold-message-list"
RELEASE = "/api/gateway/hold-release"
REJECT = "/api/gateway/hold-reject"
NOT_HELD = "err_held_message_not_found"
POLICIES = "MESSAGE GOES AGAINST EMAIL POLICIES"
HELD = 30  # fits on one hold-list page (the emulator serves at most 100 items a page)


# -- helpers ----------------------------------------------------------------------------------------


def control(emulator, path, payload=None, method=None):
    """(HTTP status, JSON) of a control request, 4xx included."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(emulator.base_url + path, data=data, method=method or ("POST" if data else "GET"),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read().decode())


def bearer_headers(emulator):
    """A function giving API 2.0 headers for a path: one token, fetched once."""
    headers = emulator_http.bearer_headers(emulator)
    return lambda path: headers


def hold_list_ids(emulator, auth):
    """The ids the hold list answers with (admin: every held message, all on one page)."""
    answer = post(emulator, HOLD, {"meta": {"pagination": {"pageSize": 100}}, "data": [{"admin": True}]}, auth(HOLD))
    assert answer.status == 200, answer
    assert answer.json["meta"]["pagination"]["next"] == ""
    return [record["id"] for record in answer.json["data"]]


def applied(emulator):
    """The action log without its timestamps."""
    return [dict((key, value) for key, value in entry.items() if key != "time") for entry in emulator.actions()]


def logged(action, held_id, reason_type=None, message=None, notify=None):
    return {"action": action, "id": held_id, "reasonType": reason_type, "message": message, "notify": notify}


class AnyText:
    """Equal to any non-empty string: the error text is the emulator's own wording."""

    def __eq__(self, other):
        return isinstance(other, str) and bool(other)

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return "<any text>"


def not_held(key):
    """The per-id fail entry of an id that is not held; `key` is the request item (release) or the bare id (reject)."""
    return {"key": key, "errors": [{"code": NOT_HELD, "message": AnyText(), "retryable": False}]}


# -- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def actions_emulator():
    running = start_emulator("--held", str(HELD))
    yield running
    stop_emulator(running)


@pytest.fixture
def emulator(actions_emulator):
    """This module's emulator with its generated data back (seed 1) and empty logs, faults and config."""
    control(actions_emulator, "/_emulator/reset", {"reseed": 1})
    return actions_emulator


@pytest.fixture
def bearer(emulator):
    return bearer_headers(emulator)


@pytest.fixture(params=["v2", "v1"])
def auth(request, emulator):
    """Headers of either scheme for a path: both reach the action endpoints."""
    return bearer_headers(emulator) if request.param == "v2" else signed_headers


# -- releasing and rejecting change the hold list ---------------------------------------------------


def test_release_takes_the_message_off_the_hold_list(emulator, auth):
    before = hold_list_ids(emulator, auth)  # also fills the emulator's search cache, which must not go stale
    target = before[3]

    answer = post(emulator, RELEASE, {"data": [{"id": target}]}, auth(RELEASE))

    assert answer.status == 200, answer
    assert answer.json == {"meta": {"status": 200}, "data": [{"id": target, "release": True}], "fail": []}
    assert target not in emulator.held_ids()
    assert hold_list_ids(emulator, auth) == [held_id for held_id in before if held_id != target]
    assert applied(emulator) == [logged("release", target)]


def test_reject_takes_the_messages_off_the_hold_list(emulator, auth):
    before = hold_list_ids(emulator, auth)
    targets = [before[0], before[5]]
    item = {"ids": targets, "message": "Not accepted here, please call us.", "reasonType": POLICIES, "notify": True}

    answer = post(emulator, REJECT, {"data": [item]}, auth(REJECT))

    assert answer.status == 200, answer
    assert answer.json == {"meta": {"status": 200}, "data": [{"id": targets[0], "reject": True}, {"id": targets[1], "reject": True}],
                           "fail": []}
    assert not set(targets) & set(emulator.held_ids())
    assert hold_list_ids(emulator, auth) == [held_id for held_id in before if held_id not in targets]
    assert applied(emulator) == [logged("reject", held_id, POLICIES, "Not accepted here, please call us.", True) for held_id in targets]


def test_the_action_log_records_what_each_request_sent(emulator, bearer):
    ids = emulator.held_ids()
    answers = [
        post(emulator, REJECT, {"data": [{"ids": [ids[0]]}]}, bearer(REJECT)),
        post(emulator, REJECT, {"data": [{"ids": [ids[1]], "reasonType": REASON_TYPES[1], "notify": False, "message": ""}]},
             bearer(REJECT)),
        post(emulator, RELEASE, {"data": [{"id": ids[2]}]}, bearer(RELEASE)),
    ]
    assert [answer.status for answer in answers] == [200, 200, 200]
    assert applied(emulator) == [logged("reject", ids[0]), logged("reject", ids[1], REASON_TYPES[1], "", False),
                                 logged("release", ids[2])]
    times = [entry["time"] for entry in emulator.actions()]
    assert times == sorted(times)


def test_every_documented_reason_type_is_accepted(emulator, bearer):
    ids = emulator.held_ids()[:len(REASON_TYPES)]
    for held_id, reason_type in zip(ids, REASON_TYPES):
        answer = post(emulator, REJECT, {"data": [{"ids": [held_id], "reasonType": reason_type}]}, bearer(REJECT))
        assert answer.status == 200 and answer.json["data"] == [{"id": held_id, "reject": True}], answer
    assert [entry["reasonType"] for entry in emulator.actions()] == list(REASON_TYPES)


def test_a_release_of_several_items_handles_each_on_its_own(emulator, bearer):
    ids = emulator.held_ids()
    answer = post(emulator, RELEASE, {"data": [{"id": ids[0]}, {"id": "no-such-id"}, {"id": ids[1]}]}, bearer(RELEASE))
    assert answer.status == 200, answer
    assert answer.json["data"] == [{"id": ids[0], "release": True}, {"id": ids[1], "release": True}]
    assert answer.json["fail"] == [not_held({"id": "no-such-id"})]
    assert emulator.held_ids() == ids[2:]


# -- ids that are not held ---------------------------------------------------------------------------


def test_ids_not_held_fail_per_id_in_both_key_forms(emulator, bearer):
    target = emulator.held_ids()[2]

    release = post(emulator, RELEASE, {"data": [{"id": "never-held"}]}, bearer(RELEASE))
    reject = post(emulator, REJECT, {"data": [{"ids": ["never-held"]}]}, bearer(REJECT))
    assert (release.status, reject.status) == (200, 200)
    # Release echoes the request item as `key`, reject the bare id.
    assert release.json == {"meta": {"status": 200}, "data": [], "fail": [not_held({"id": "never-held"})]}
    assert reject.json == {"meta": {"status": 200}, "data": [], "fail": [not_held("never-held")]}

    # Acting again on a message already acted on fails the same way, whichever action comes second.
    assert post(emulator, RELEASE, {"data": [{"id": target}]}, bearer(RELEASE)).json["fail"] == []
    again = post(emulator, RELEASE, {"data": [{"id": target}]}, bearer(RELEASE))
    after = post(emulator, REJECT, {"data": [{"ids": [target], "reasonType": POLICIES}]}, bearer(REJECT))
    assert (again.status, again.json["data"], again.json["fail"]) == (200, [], [not_held({"id": target})])
    assert (after.status, after.json["data"], after.json["fail"]) == (200, [], [not_held(target)])
    assert applied(emulator) == [logged("release", target)]


def test_a_reject_of_three_ids_with_one_not_held(emulator, bearer):
    ids = emulator.held_ids()
    item = {"ids": [ids[0], "gone-already", ids[1]], "reasonType": POLICIES, "notify": False}

    answer = post(emulator, REJECT, {"data": [item]}, bearer(REJECT))

    assert answer.status == 200, answer
    assert answer.json["data"] == [{"id": ids[0], "reject": True}, {"id": ids[1], "reject": True}]
    assert answer.json["fail"] == [not_held("gone-already")]
    assert emulator.held_ids() == ids[2:]
    assert [entry["id"] for entry in emulator.actions()] == ids[:2]


def test_an_id_named_twice_in_one_reject_is_acted_on_once(emulator, bearer):
    target = emulator.held_ids()[0]
    answer = post(emulator, REJECT, {"data": [{"ids": [target, target]}]}, bearer(REJECT))
    assert answer.json["data"] == [{"id": target, "reject": True}]
    assert answer.json["fail"] == [not_held(target)]
    assert applied(emulator) == [logged("reject", target)]


# -- validation: 400 and nothing applied -------------------------------------------------------------


def too_many_ids(first):
    return [first] + ["other-%d" % number for number in range(MAX_REJECT_IDS)]


# (id, path, body built from the first held id, expected error code)
INVALID = [
    ("unknown-reason-type", REJECT, lambda held: {"data": [{"ids": [held], "reasonType": "SPAM"}]}, "err_validation_invalid_value"),
    ("reason-type-lower-case", REJECT, lambda held: {"data": [{"ids": [held], "reasonType": POLICIES.lower()}]},
     "err_validation_invalid_value"),
    ("notify-as-the-sample-spells-it", REJECT, lambda held: {"data": [{"ids": [held], "notify": "false"}]},
     "err_validation_invalid_value"),
    ("notify-null", REJECT, lambda held: {"data": [{"ids": [held], "notify": None}]}, "err_validation_null"),
    ("message-not-a-string", REJECT, lambda held: {"data": [{"ids": [held], "message": 7}]}, "err_validation_invalid_value"),
    ("101-ids", REJECT, lambda held: {"data": [{"ids": too_many_ids(held)}]}, "err_validation_invalid_value"),
    ("empty-ids", REJECT, lambda held: {"data": [{"ids": []}]}, "err_validation_blank"),
    ("no-ids", REJECT, lambda held: {"data": [{"reasonType": POLICIES}]}, "err_validation_blank"),
    ("ids-not-a-list", REJECT, lambda held: {"data": [{"ids": held}]}, "err_validation_invalid_value"),
    ("an-empty-id", REJECT, lambda held: {"data": [{"ids": [held, ""]}]}, "err_validation_invalid_value"),
    ("reject-unknown-key", REJECT, lambda held: {"data": [{"ids": [held], "reason": "spam"}]}, "err_validation_invalid_value"),
    ("reject-id-instead-of-ids", REJECT, lambda held: {"data": [{"id": held}]}, "err_validation_invalid_value"),
    ("release-unknown-key", RELEASE, lambda held: {"data": [{"id": held, "notify": False}]}, "err_validation_invalid_value"),
    ("release-ids-instead-of-id", RELEASE, lambda held: {"data": [{"ids": [held]}]}, "err_validation_invalid_value"),
    ("release-empty-id", RELEASE, lambda held: {"data": [{"id": ""}]}, "err_validation_blank"),
    ("release-id-not-a-string", RELEASE, lambda held: {"data": [{"id": [held]}]}, "err_validation_invalid_value"),
    ("release-empty-data", RELEASE, lambda held: {"data": []}, "err_validation_blank"),
    ("release-no-data", RELEASE, lambda held: {"id": held}, "err_validation_blank"),
    # Every item is checked before any is applied.
    ("release-second-item-bad", RELEASE, lambda held: {"data": [{"id": held}, {"id": held, "reason": "x"}]},
     "err_validation_invalid_value"),
    ("reject-second-item-bad", REJECT, lambda held: {"data": [{"ids": [held]}, {"ids": [held], "notify": "true"}]},
     "err_validation_invalid_value"),
]


@pytest.mark.parametrize("path, build, code", [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_requests_get_400_and_apply_nothing(emulator, bearer, path, build, code):
    before = emulator.held_ids()
    answer = post(emulator, path, build(before[0]), bearer(path))
    assert answer.status == 400, answer
    assert answer.json["meta"] == {"status": 400} and answer.json["data"] == []
    assert [error["code"] for error in answer.json["fail"][0]["errors"]] == [code]
    assert answer.json["fail"][0]["errors"][0]["retryable"] is False
    assert emulator.actions() == []
    assert emulator.held_ids() == before


def test_the_action_endpoints_take_post_only_and_authentication(emulator):
    target = emulator.held_ids()[0]
    body = json.dumps({"data": [{"id": target}]}).encode()
    request = urllib.request.Request(emulator.base_url + RELEASE, data=body, method="PUT", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # pylint: disable=consider-using-with
    refused.value.close()
    assert refused.value.code == 405
    assert post(emulator, RELEASE, {"data": [{"id": target}]}, {}).status == 401
    assert post(emulator, REJECT, {"data": [{"ids": [target]}]}, {"Authorization": "Bearer not-a-token"}).status == 401
    bad_signature = dict(signed_headers(RELEASE), Authorization="MC %s:bm9wZQ==" % CREDENTIALS["v1"]["MIMECAST_ACCESS_KEY"])
    assert post(emulator, RELEASE, {"data": [{"id": target}]}, bad_signature).status == 401
    assert emulator.actions() == []
    assert target in emulator.held_ids()


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


# -- headers, logs, reset ---------------------------------------------------------------------------


def test_answers_carry_the_request_id_and_rate_limit_headers(emulator, auth):
    target = emulator.held_ids()[0]
    answers = [post(emulator, RELEASE, {"data": [{"id": target}]}, auth(RELEASE)),
               post(emulator, REJECT, {"data": [{"ids": [target]}]}, auth(REJECT)),  # a per-id fail
               post(emulator, REJECT, {"data": [{"ids": []}]}, auth(REJECT))]         # a 400
    assert [answer.status for answer in answers] == [200, 200, 400]
    for answer in answers:
        assert answer.headers["x-request-id"]
        assert answer.headers["x-ratelimit-limit"] == "10000"
        assert int(answer.headers["x-ratelimit-remaining"]) < 10000
        assert int(answer.headers["x-ratelimit-reset"]) > 0


def test_the_request_log_shows_action_requests_without_secrets(emulator, auth):
    target = emulator.held_ids()[0]
    body = {"data": [{"ids": [target], "message": "Rejected, see policy 7", "reasonType": POLICIES, "notify": False}]}
    assert post(emulator, REJECT, body, auth(REJECT)).status == 200
    entry = emulator.requests()[-1]
    assert (entry["method"], entry["path"], entry["status"], entry["fault"]) == ("POST", REJECT, 200, None)
    assert entry["body"] == body
    assert entry["headers"]["authorization"] == "<redacted>"
    secrets = list(CREDENTIALS["v1"].values()) + list(CREDENTIALS["v2"].values())
    assert not [secret for secret in secrets if secret in json.dumps(emulator.actions())]


def test_reset_clears_the_action_log_and_keeps_the_data(emulator, bearer):
    ids = emulator.held_ids()
    assert post(emulator, RELEASE, {"data": [{"id": ids[0]}]}, bearer(RELEASE)).status == 200
    assert len(emulator.actions()) == 1

    assert control(emulator, "/_emulator/reset", {}) == (200, {"ok": True})
    assert emulator.actions() == []
    assert emulator.held_ids() == ids[1:], "a reset without reseed keeps the data"

    new_bearer = bearer_headers(emulator)  # the reset forgot the tokens
    assert post(emulator, REJECT, {"data": [{"ids": [ids[1]]}]}, new_bearer(REJECT)).status == 200
    assert emulator.clear_actions() == {"ok": True}
    assert emulator.actions() == []

    control(emulator, "/_emulator/reset", {"reseed": 1})
    assert emulator.held_ids() == ids
