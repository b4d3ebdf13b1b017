# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The modules against the emulator answering as live tenants do (docs/mimecast-api.md).

Keys Mimecast's pages do not list, documented keys that are absent or "", string booleans, each endpoint's
own pagination shape, at most 100 items a page, a bad application id answered at HTTP 200, and the hold
list's search names as the live service takes them. Most tests load tests/emulator/datasets/field_shapes.json
into the session emulator and put its generated data back afterwards.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import time

import pytest

from emulator_http import bearer_headers, post, signed_headers
from harness import ROOT, scheme_env
from playbook_factory import FIELD_SHAPES as FIELD_SHAPES_PLAYBOOK, RUN_MODULE, run_task
from tests import module_registry
from tests.emulator import dataset
from tests.emulator.mimecast_emulator import ENDPOINTS

pytestmark = pytest.mark.e2e

FIELD_SHAPES = os.path.join(ROOT, "tests", "emulator", "datasets", "field_shapes.json")
HOLD = module_registry.MODULES["hold"].path
PROCESSING = module_registry.MODULES["processing"].path
TRACK = module_registry.MODULES["track"].path
# The modules that list: what the live service's answer shapes are about.
LISTING = module_registry.READ_ONLY
PATHS = dict((module.key, module.path) for module in LISTING)
ITEMS = dict((module.key, module.fact) for module in LISTING)
TASKS = dict((module.key, run_task(module.key)) for module in LISTING)
# Options that list everything in the fixture: tracking needs some criteria, processing defaults to 7 days back.
LIST_ALL = dict((module.key, module.list_all) for module in LISTING)
FIELD_STATUSES = {"archived", "delivery", "held", "accepted", "bounced", "deferred", "rejected"}
SNAKE_CASE = re.compile(r"^[a-z0-9_]+$")


# -- helpers ----------------------------------------------------------------------------------------


def control(emulator, path, payload=None):
    return emulator._call(path, payload)  # pylint: disable=protected-access


def fixture_document():
    with open(FIELD_SHAPES) as handle:
        return json.load(handle)


@pytest.fixture
def field_emulator(fresh_emulator):
    """The session emulator holding field_shapes.json; its generated data (seed 1, as started) comes back afterwards."""
    control(fresh_emulator, "/_emulator/data", fixture_document())
    yield fresh_emulator
    control(fresh_emulator, "/_emulator/reset", {"reseed": 1})


def spec(run_id, module, **args):
    """One entry of field_shapes.yml's `runs`: the module's listing options, plus `args`."""
    return dict(id=run_id, module=module, args=dict(LIST_ALL[module], **args))


def run_modules(ansible_playbook, emulator, *runs, **kwargs):
    """Run the generated field_shapes.yml; the result of each run, by its id."""
    run = ansible_playbook(FIELD_SHAPES_PLAYBOOK, env=scheme_env(emulator, kwargs.get("scheme", "v2")),
                           extra_vars=dict(runs=list(runs)))
    assert run.rc == 0, run
    assert "Traceback" not in run.output
    results = {}
    for task in TASKS.values():
        for item in run.results().get(task, {}).get("results", []):
            results[item["item"]["id"]] = item
    assert sorted(results) == sorted(entry["id"] for entry in runs), run
    return results


def by_id(records):
    return dict((record["id"], record) for record in records)


def camel_keys(value):
    """Every key, at any depth, that is not snake_case."""
    if isinstance(value, dict):
        return [key for key in value if not SNAKE_CASE.match(key)] + sum((camel_keys(v) for v in value.values()), [])
    if isinstance(value, list):
        return sum((camel_keys(v) for v in value), [])
    return []


def emulator_answer(data, entry):
    """The ids the emulator's own search gives for the query of a logged request, in order."""
    validate, search, _wrap = ENDPOINTS[entry["path"]]
    return [record["id"] for record in search(data, validate(entry["body"]["data"][0], entry["time"]))]


def api_post(emulator, path, body, headers):
    """(HTTP status, JSON answer) of one API request sent straight to the emulator."""
    answer = post(emulator, path, body, headers)
    return answer.status, answer.json


def page_through(emulator, path, item, page_size, headers):
    """Every meta.pagination of a query, following `next` until it is absent or ""."""
    paginations, token = [], None
    while True:
        pagination = {"pageSize": page_size}
        if token:
            pagination["pageToken"] = token
        status, answer = api_post(emulator, path, {"meta": {"pagination": pagination}, "data": [item]}, headers)
        assert status == 200, answer
        paginations.append(answer["meta"]["pagination"])
        token = answer["meta"]["pagination"].get("next")
        if not token:
            return paginations


# -- keys the pages do not list, and keys they list that are missing -----------------------------------


def test_extra_keys_come_back_snake_cased(field_emulator, ansible_playbook):
    data = field_emulator.data()
    results = run_modules(ansible_playbook, field_emulator, *[spec(module.key, module.key) for module in LISTING])
    for name, result in results.items():
        assert camel_keys(result[ITEMS[name]]) == [], name

    messages = by_id(results["processing"]["messages"])
    assert dict((key, (m["priority"], m["info"])) for key, m in messages.items()) == dict(
        (r["id"], (r["priority"], r["info"])) for r in data["processing"])

    tracked = by_id(results["track"]["tracked_emails"])
    assert dict((key, (e["info"], e["spam_score"], e["detection_level"])) for key, e in tracked.items()) == dict(
        (r["id"], (r["info"], r["spamScore"], r["detectionLevel"])) for r in data["tracked"])
    assert all(isinstance(e["spam_score"], int) for e in tracked.values())
    # The emulator's lookup keys never reach the answer.
    assert all("message_id" not in e for e in tracked.values())
    assert all("sender_ip" not in m for m in results["hold"]["held_messages"])


def test_fields_select_the_new_keys(field_emulator, ansible_playbook):
    data = field_emulator.data()
    results = run_modules(ansible_playbook, field_emulator,
                          spec("priority", "processing", fields=["id", "priority"]),
                          spec("spam-score", "track", fields=["id", "spam_score"]),
                          spec("info", "track", fields=["id", "info", "detection_level"]),
                          spec("to-header", "hold", fields=["id", "to_header"]))
    assert [sorted(m) for m in results["priority"]["messages"]] == [["id", "priority"]] * len(data["processing"])
    assert dict((e["id"], e["spam_score"]) for e in results["spam-score"]["tracked_emails"]) == dict(
        (r["id"], r["spamScore"]) for r in data["tracked"])
    assert [sorted(e) for e in results["spam-score"]["tracked_emails"]] == [["id", "spam_score"]] * len(data["tracked"])
    assert dict((e["id"], (e["info"], e["detection_level"])) for e in results["info"]["tracked_emails"]) == dict(
        (r["id"], (r["info"], r["detectionLevel"])) for r in data["tracked"])
    # to_header is selected where the record has one; the others carry only their id.
    assert dict((m["id"], sorted(m)) for m in results["to-header"]["held_messages"]) == dict(
        (r["id"], ["id", "to_header"] if "toHeader" in r else ["id"]) for r in data["held"])


def test_records_missing_optional_keys_come_through(field_emulator, ansible_playbook):
    data = field_emulator.data()
    results = run_modules(ansible_playbook, field_emulator, spec("hold", "hold"), spec("processing", "processing"),
                          spec("track", "track"))
    for name, collection in (("hold", "held"), ("processing", "processing"), ("track", "tracked")):
        assert results[name]["count"] == len(data[collection]) == len(results[name][ITEMS[name]]), name
        assert sorted(r["id"] for r in results[name][ITEMS[name]]) == sorted(r["id"] for r in data[collection])

    processing = by_id(results["processing"]["messages"])
    for record in data["processing"]:
        assert (processing[record["id"]].get("locked_until") is None) == ("lockedUntil" not in record)

    tracked = by_id(results["track"]["tracked_emails"])
    for record in data["tracked"]:
        assert (tracked[record["id"]].get("attachments") is None) == ("attachments" not in record)
        assert tracked[record["id"]]["from_hdr"]["email_address"] == record["fromHdr"]["emailAddress"]
    assert [e["from_hdr"]["email_address"] for e in tracked.values()].count("") == 2
    assert set(e["status"] for e in tracked.values()) <= FIELD_STATUSES

    held = by_id(results["hold"]["held_messages"])
    for record in data["held"]:
        assert (held[record["id"]].get("to_header") is None) == ("toHeader" not in record)
        # "true"/"false" strings and real booleans alike come back as booleans.
        assert held[record["id"]]["has_attachments"] is (record["hasAttachments"] in (True, "true"))
    expected_reasons = {"default_inbound_attachment_protect_definition": 1, "spam": 2, "impersonation": 2, "policy": 1}
    assert results["hold"]["summary"]["by_reason_code"] == expected_reasons


def test_generated_records_follow_the_field():
    data = dataset.generate(7, 300, 200, 300, time.time())
    tracked, processing, held = data["tracked"], data["processing"], data["held"]
    statuses = [record["status"] for record in tracked]
    assert set(statuses) == FIELD_STATUSES
    assert max(set(statuses), key=statuses.count) == "archived"
    assert all(set(r) >= {"info", "spamScore", "detectionLevel"} for r in tracked)
    assert all(isinstance(r["spamScore"], int) for r in tracked)
    assert "" in set(r["detectionLevel"] for r in tracked)
    assert any("attachments" not in r for r in tracked) and any("attachments" in r for r in tracked)
    assert any(r["fromHdr"]["emailAddress"] == "" for r in tracked)
    assert all(r["priority"] == "normal" and len(r["info"]) > 40 for r in processing)
    assert any("lockedUntil" not in r for r in processing) and any("lockedUntil" in r for r in processing)
    assert any("toHeader" not in r for r in held) and any("toHeader" in r for r in held)
    assert all(r["senderIP"] for r in held)


def test_searches_cope_with_absent_keys(field_emulator):
    headers = bearer_headers(field_emulator)
    data = field_emulator.data()
    for field_name in ("all", "subject", "sender", "recipient", "reasonCode"):
        status, answer = api_post(field_emulator, HOLD, {"data": [{"admin": True, "searchBy": {
            "fieldName": field_name, "value": "contoso"}}]}, headers)
        assert status == 200, answer
    status, answer = api_post(field_emulator, HOLD, {"data": [{"admin": True, "searchBy": {
        "fieldName": "recipient", "value": "farah.haddad"}}]}, headers)
    assert [r["id"] for r in answer["data"]] == ["field-held-4"]
    status, answer = api_post(field_emulator, TRACK, {"data": [{"advancedTrackAndTraceOptions": {"from": "oscar.dubois"}}]},
                              headers)
    assert status == 200 and [r["id"] for r in answer["data"][0]["trackedEmails"]] == ["field-tracked-2"]
    status, answer = api_post(field_emulator, PROCESSING, {"data": [{"start": "2020-01-01T00:00:00+0000", "searchBy": {
        "fieldName": "ALL", "value": "retried"}}]}, headers)
    assert status == 200
    assert sorted(r["id"] for r in answer["data"][0]["messages"]) == sorted(
        r["id"] for r in data["processing"] if "retried" in r["info"])


# -- pagination ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["field", "documented"])
def test_last_page_ends_paging_without_an_extra_request(field_emulator, ansible_playbook, shape):
    field_emulator.configure(pagination_shape=shape)
    data = field_emulator.data()
    # 6 held by 3 and 4 processing by 2 end on a full page; 5 tracked by 2 on a short one.
    page_sizes = {"hold": 3, "processing": 2, "track": 2}
    # Serial paging (one chain of pages) is what this counts; the processing listing has a start, so it would
    # otherwise be fetched in time windows (test_window_edges.py covers those).
    serial = {"hold": {}, "processing": {"concurrency": 1}, "track": {}}
    results = run_modules(ansible_playbook, field_emulator,
                          *[spec(name, name, page_size=size, **serial[name]) for name, size in page_sizes.items()])
    log = field_emulator.api_requests()
    for name, size in page_sizes.items():
        calls = [entry for entry in log if entry["path"] == PATHS[name]]
        expected = emulator_answer(data, calls[0])
        assert [item["id"] for item in results[name][ITEMS[name]]] == expected, name
        assert len(calls) == -(-len(expected) // size), "%s: one request a page, none after the last" % name
        assert [entry["status"] for entry in calls] == [200] * len(calls)
        assert "pageToken" not in calls[0]["body"]["meta"]["pagination"]
        assert all(entry["body"]["meta"]["pagination"]["pageToken"] for entry in calls[1:])


def test_pagination_shapes_per_endpoint(field_emulator):
    headers = bearer_headers(field_emulator)
    hold, processing, track = ({"admin": True}, {"start": "2020-01-01T00:00:00+0000"},
                               {"advancedTrackAndTraceOptions": {}})

    pages = page_through(field_emulator, HOLD, hold, 4, headers)
    assert [sorted(p) for p in pages] == [["next", "pageSize", "previous", "totalCount"]] * 2
    assert (pages[0]["previous"], pages[1]["next"]) == ("", "")
    assert pages[1]["previous"] and pages[0]["next"]
    assert [(p["pageSize"], p["totalCount"]) for p in pages] == [(4, 6), (4, 6)]

    pages = page_through(field_emulator, PROCESSING, processing, 3, headers)
    assert [sorted(p) for p in pages] == [["next"], ["next"]] and pages[1]["next"] == ""

    pages = page_through(field_emulator, TRACK, track, 2, headers)
    assert [sorted(p) for p in pages] == [["next", "pageSize"], ["next", "pageSize"], ["pageSize"]]
    assert set(p["pageSize"] for p in pages) == {0}

    field_emulator.configure(pagination_shape="documented")
    for path, item, size, count in ((HOLD, hold, 4, 6), (PROCESSING, processing, 3, 4), (TRACK, track, 2, 5)):
        pages = page_through(field_emulator, path, item, size, headers)
        assert [p["pageSize"] for p in pages] == [size] * len(pages)
        assert set(p["totalCount"] for p in pages) == {count}
        assert "next" not in pages[-1] and "previous" not in pages[0]


def held_records(count):
    """Held messages with only some of their keys, as few as a record can carry."""
    return [dict(id="cap-held-%03d" % number, dateReceived="-%dm" % (number + 1), reasonCode="spam", route="INBOUND",
                 hasAttachments="false", to={"emailAddress": "user%d@contoso.com" % number})
            for number in range(count)]


@pytest.mark.parametrize("max_page_size, requests", [("default", 3), (None, 1)], ids=["capped-at-100", "no-cap"])
def test_page_cap_still_returns_every_message(fresh_emulator, ansible_playbook, max_page_size, requests):
    records = held_records(250)
    control(fresh_emulator, "/_emulator/data", {"held": records})
    try:
        if max_page_size != "default":
            fresh_emulator.configure(max_page_size=max_page_size)
        assert control(fresh_emulator, "/_emulator/config")["config"]["max_page_size"] == (
            100 if max_page_size == "default" else None)
        results = run_modules(ansible_playbook, fresh_emulator, spec("hold", "hold", page_size=500))
        calls = fresh_emulator.api_requests()
    finally:
        control(fresh_emulator, "/_emulator/reset", {"reseed": 1})
    assert results["hold"]["count"] == 250
    assert [m["id"] for m in results["hold"]["held_messages"]] == [r["id"] for r in records]
    assert len(calls) == requests
    assert [entry["body"]["meta"]["pagination"]["pageSize"] for entry in calls] == [500] * requests


# -- errors ---------------------------------------------------------------------------------------------


def test_bad_application_id_fails_at_http_200(fresh_emulator, ansible_playbook):
    env = scheme_env(fresh_emulator, "v1")
    env["MIMECAST_APP_ID"] = "not-the-app-id-4c9d"
    run = ansible_playbook(RUN_MODULE, env=env, extra_vars=dict(module="hold", module_args={}))
    result = run.results()["Run mimecast_hold_info"]
    assert run.rc != 0, run
    calls = fresh_emulator.api_requests()
    assert len(calls) == 1, "refused credentials are not retried"
    assert calls[0]["status"] == 200
    assert result["http_status"] == 200
    assert [e["code"] for e in result["mimecast_errors"]] == ["err_developer_key"]
    assert result["request_id"] == calls[0]["headers"]["x-mc-req-id"]
    for words in ("err_developer_key", "HTTP 200", calls[0]["headers"]["x-mc-req-id"], "app_id"):
        assert words in result["msg"], result["msg"]
    assert "held_messages" not in result
    assert "Traceback" not in run.output


def test_api_1_0_refusals_as_the_field_answers(fresh_emulator):
    body = {"data": [{"admin": True}]}
    status, answer = api_post(fresh_emulator, HOLD, body, signed_headers(HOLD, MIMECAST_APP_ID="not-the-app-id-4c9d"))
    assert (status, answer["meta"]["status"]) == (200, 200)
    assert answer["fail"] == [{"errors": [{"code": "err_developer_key", "message": answer["fail"][0]["errors"][0]["message"],
                                           "retryable": False}]}]
    status, answer = api_post(fresh_emulator, HOLD, body, signed_headers(HOLD, MIMECAST_ACCESS_KEY="not-the-access-key"))
    assert (status, answer["fail"][0]["errors"][0]["code"]) == (401, "err_developer_key")
    status, answer = api_post(fresh_emulator, HOLD, body, signed_headers(HOLD, MIMECAST_APP_KEY="not-the-app-key"))
    assert (status, answer["meta"]["status"]) == (401, 401)
    assert answer["fail"][0]["errors"][0]["code"] == "err_xdk_invalid_signature"
    status, answer = api_post(fresh_emulator, HOLD, body, signed_headers(HOLD))
    assert status == 200 and answer["fail"] == []


# -- hold-list search names ----------------------------------------------------------------------------


@pytest.mark.parametrize("field_name, value, wire_name, expected", [
    ("reason_code", "impersonation", "reasonCode", ["field-held-4", "field-held-3"]),
    ("sender_ip", "192.0.2.77", "senderIP", ["field-held-3"]),
])
def test_hold_search_names_as_the_service_takes_them(field_emulator, ansible_playbook, field_name, value, wire_name, expected):
    results = run_modules(ansible_playbook, field_emulator,
                          spec("search", "hold", search_by=dict(field_name=field_name, value=value)))
    assert [m["id"] for m in results["search"]["held_messages"]] == expected
    [call] = field_emulator.api_requests()
    assert call["body"]["data"][0]["searchBy"] == {"fieldName": wire_name, "value": value}


def test_documented_reason_code_is_refused_on_the_wire(field_emulator):
    headers = bearer_headers(field_emulator)

    def search(field_name, value):
        return api_post(field_emulator, HOLD, {"data": [{"admin": True, "searchBy": {"fieldName": field_name, "value": value}}]},
                        headers)

    status, answer = search("reason_code", "spam")
    assert status == 400 and answer["meta"]["status"] == 400
    assert [e["code"] for e in answer["fail"][0]["errors"]] == ["err_validation_invalid_value"]
    assert "reasonCode" in answer["fail"][0]["errors"][0]["message"]
    status, answer = search("reasonCode", "spam")
    assert status == 200 and sorted(r["id"] for r in answer["data"]) == ["field-held-2", "field-held-6"]
    status, answer = search("senderIP", "198.51.100.40")
    assert status == 200 and [r["id"] for r in answer["data"]] == ["field-held-2"]
    assert all("senderIP" not in r for r in answer["data"])
