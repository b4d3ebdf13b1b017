# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's hold-release and hold-reject endpoints, spoken to straight over HTTP (no module).

They change state: a message acted on leaves the hold list, an id that is not held fails per id at
HTTP 200, and the action log (GET /_emulator/actions) counts what was really applied. Invalid requests
get 400 and apply nothing; answers carry the request id and rate limit headers. The faults the emulator
injects into these endpoints are in test_emulator_action_faults.py; the paths, fixtures and helpers in
action_endpoints.py.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import urllib.error
import urllib.request

import pytest

from action_endpoints import HOLD, POLICIES, REJECT, RELEASE, applied, bearer_headers, control, logged, not_held
# The fixtures: an emulator of this module's own, reset before each test.
from action_endpoints import actions_emulator, auth, bearer, emulator  # noqa: F401 pylint: disable=unused-import
from emulator_http import post, signed_headers
from harness import CREDENTIALS
from tests.emulator.actions import MAX_REJECT_IDS, REASON_TYPES

pytestmark = pytest.mark.e2e


def hold_list_ids(emulator, auth):
    """The ids the hold list answers with (admin: every held message, all on one page)."""
    answer = post(emulator, HOLD, {"meta": {"pagination": {"pageSize": 100}}, "data": [{"admin": True}]}, auth(HOLD))
    assert answer.status == 200, answer
    assert answer.json["meta"]["pagination"]["next"] == ""
    return [record["id"] for record in answer.json["data"]]


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
