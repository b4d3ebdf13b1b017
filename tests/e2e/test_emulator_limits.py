# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's window edges, per-second rate limit and traffic counters, spoken to straight over HTTP (no module).

- ``window_edges``: whether the hold list's and the processing queue's ``start``/``end`` include their own second
  (``inclusive``, the default) or not (``exclusive``); Mimecast does not document which.
- ``rate_limit_per_second``: N calls in each second of the clock, shared by every client, token calls not counted;
  over it, HTTP 429 with ``X-RateLimit-Reset`` the milliseconds until the next second's budget.
- ``GET /_emulator/stats``: the connections that carried a non-control request, and those requests.

The tests use an emulator of their own, reset before each test, so no other test sees their settings.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import emulator_http
from emulator_http import signed_headers
from harness import CREDENTIALS, start_emulator, stop_emulator
from tests.emulator import dataset

pytestmark = pytest.mark.e2e

HOLD = "/api/gateway/get-hold-message-list"
PROCESSING = "/api/gateway/find-processing-messages"
TOKEN = "/oauth/token"
# The window of the edge tests, and a message on every second from two before it to two after it.
START = dataset.parse_api_time("2026-03-02T10:00:00+0000")
END = START + 60
SECONDS = range(START - 2, END + 3)
DATE_FIELD = {HOLD: "dateReceived", PROCESSING: "created"}
COLLECTION = {HOLD: "held", PROCESSING: "processing"}


# -- helpers ----------------------------------------------------------------------------------------


class Connection:
    """One kept-alive HTTP connection to the emulator; answers as emulator_http.Answer."""

    def __init__(self, emulator):
        address = urllib.parse.urlsplit(emulator.base_url)
        self.http = http.client.HTTPConnection(address.hostname, address.port, timeout=10)

    def post(self, path, body, headers, form=False):
        content = urllib.parse.urlencode(body) if form else json.dumps(body)
        kind = "application/x-www-form-urlencoded" if form else "application/json"
        self.http.request("POST", path, body=content, headers=dict({"Content-Type": kind}, **headers))
        response = self.http.getresponse()
        return emulator_http.Answer(response.status, response.getheaders(), response.read())

    def token(self):
        v2 = CREDENTIALS["v2"]
        answer = self.post(TOKEN, dict(grant_type="client_credentials", client_id=v2["MIMECAST_CLIENT_ID"],
                                       client_secret=v2["MIMECAST_CLIENT_SECRET"]), {}, form=True)
        assert answer.status == 200, answer
        return answer

    def close(self):
        self.http.close()


def page_ids(connection, path, item, headers):
    """Every id a query answers, following `next`, over one connection."""
    ids, token = [], None
    while True:
        pagination = {"pageSize": 100}
        if token:
            pagination["pageToken"] = token
        answer = connection.post(path, {"meta": {"pagination": pagination}, "data": [item]}, headers)
        assert answer.status == 200, answer
        items = answer.json["data"] if path == HOLD else answer.json["data"][0]["messages"]
        ids += [record["id"] for record in items]
        token = answer.json["meta"]["pagination"].get("next")
        if not token:
            return ids


def hold_call(connection, headers):
    return connection.post(HOLD, {"data": [{"admin": True}]}, headers)


def rate_headers(answer):
    return (answer.headers["x-ratelimit-limit"], answer.headers["x-ratelimit-remaining"], int(answer.headers["x-ratelimit-reset"]))


def at_the_start_of_a_second():
    """Sleep until just after the clock's next whole second, so a short burst of calls falls in one second."""
    time.sleep(1.0 - time.time() % 1.0 + 0.01)


def burst(calls):
    """Run ``calls`` (a function returning answers) at the start of a second, retried when the burst straddled two."""
    for _attempt in range(5):
        at_the_start_of_a_second()
        started = int(time.time())
        answers = calls()
        if int(time.time()) == started:
            return answers
    pytest.fail("five bursts of a few local calls each took longer than the rest of their second")


# -- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limits_emulator():
    running = start_emulator("--held", "5", "--processing", "0", "--tracked", "0")
    yield running
    stop_emulator(running)


@pytest.fixture
def emulator(limits_emulator):
    """This module's emulator with its generated data back and its config, logs and counters reset."""
    limits_emulator._call("/_emulator/reset", {"reseed": 1})  # pylint: disable=protected-access
    return limits_emulator


@pytest.fixture
def connection(emulator):
    opened = Connection(emulator)
    yield opened
    opened.close()


@pytest.fixture
def bearer(connection):
    return {"Authorization": "Bearer " + connection.token().json["access_token"]}


# -- window edges -----------------------------------------------------------------------------------


def edge_data(path):
    """Three messages on every second of SECONDS, ids naming their second."""
    records = [{"id": "m%d-%d" % (second, copy), DATE_FIELD[path]: dataset.format_time(second), "subject": "edge"}
               for second in SECONDS for copy in range(3)]
    return {COLLECTION[path]: records}


def expected(first, last):
    """The ids of the seconds first..last, newest first, as the service sorts them."""
    return ["m%d-%d" % (second, copy) for second in range(last, first - 1, -1) for copy in range(3)]


@pytest.mark.parametrize("path", [HOLD, PROCESSING], ids=["hold", "processing"])
@pytest.mark.parametrize("edges, first, last", [
    ("inclusive", START, END),
    ("exclusive", START + 1, END - 1),
])
def test_start_and_end_include_their_own_second_or_not(emulator, connection, bearer, path, edges, first, last):
    emulator._call("/_emulator/data", edge_data(path))  # pylint: disable=protected-access
    if edges != "inclusive":
        assert emulator.configure(window_edges=edges)["config"]["window_edges"] == edges
    item = {"start": dataset.format_time(START), "end": dataset.format_time(END)}
    if path == HOLD:
        item["admin"] = True
    assert page_ids(connection, path, item, bearer) == expected(first, last)


@pytest.mark.parametrize("edges, first", [("inclusive", START), ("exclusive", START + 1)])
def test_a_start_alone_is_an_edge_too(emulator, connection, bearer, edges, first):
    emulator._call("/_emulator/data", edge_data(HOLD))  # pylint: disable=protected-access
    emulator.configure(window_edges=edges)
    assert page_ids(connection, HOLD, {"admin": True, "start": dataset.format_time(START)}, bearer) == expected(first, SECONDS[-1])


def test_changing_the_edges_changes_the_answer_to_a_query_asked_before(emulator, connection, bearer):
    """Matches are cached per query: the edges are part of what the cache is keyed by."""
    emulator._call("/_emulator/data", edge_data(HOLD))  # pylint: disable=protected-access
    item = {"admin": True, "start": dataset.format_time(START), "end": dataset.format_time(END)}
    assert len(page_ids(connection, HOLD, item, bearer)) == 3 * 61
    emulator.configure(window_edges="exclusive")
    assert len(page_ids(connection, HOLD, item, bearer)) == 3 * 59
    emulator.reset()
    assert emulator.configure()["config"]["window_edges"] == "inclusive", "a reset restores the start value"


def test_the_edges_are_a_command_line_option_and_a_checked_setting():
    running = start_emulator("--window-edges", "exclusive", "--rate-limit-per-second", "7")
    try:
        config = running._call("/_emulator/config")["config"]  # pylint: disable=protected-access
        assert (config["window_edges"], config["rate_limit_per_second"]) == ("exclusive", 7)
        for bad in ({"window_edges": "half-open"}, {"rate_limit_per_second": -1}, {"rate_limit_per_second": "4"}):
            request = urllib.request.Request(running.base_url + "/_emulator/config", data=json.dumps(bad).encode(), method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 400
            refused.value.close()
    finally:
        stop_emulator(running)


# -- the per-second rate limit ----------------------------------------------------------------------


def test_off_by_default_with_the_hourly_headers(emulator, connection, bearer):
    assert emulator.configure()["config"]["rate_limit_per_second"] is None
    answers = [hold_call(connection, bearer) for _index in range(12)]
    assert [answer.status for answer in answers] == [200] * 12
    assert {answer.headers["x-ratelimit-limit"] for answer in answers} == {"10000"}


def test_a_call_over_the_budget_gets_429_with_the_milliseconds_to_the_next_second(emulator, connection, bearer):
    emulator.configure(rate_limit_per_second=3)
    answers = burst(lambda: [hold_call(connection, bearer) for _index in range(5)])
    assert [answer.status for answer in answers] == [200, 200, 200, 429, 429]
    # Within the budget: the calls left in this second, counting down, and the reset in milliseconds.
    assert [rate_headers(answer)[:2] for answer in answers] == [("3", "2"), ("3", "1"), ("3", "0"), ("3", "0"), ("3", "0")]
    assert all(0 < rate_headers(answer)[2] <= 1000 for answer in answers)
    refused = answers[3]
    assert refused.json["fail"][0]["errors"][0]["code"] == "err_rate_limit_exceeded"
    assert refused.json["fail"][0]["errors"][0]["retryable"] is True
    assert refused.headers["x-request-id"]
    # Waiting the reset is enough: the next second has its own budget.
    time.sleep(rate_headers(answers[-1])[2] / 1000.0)
    again = hold_call(connection, bearer)
    assert again.status == 200 and rate_headers(again)[:2] == ("3", "2"), again
    log = [(entry["status"], entry["fault"]) for entry in emulator.api_requests()]
    assert log == [(200, None)] * 3 + [(429, "per_second_limit")] * 2 + [(200, None)]
    assert emulator.stats()["rate_limited"] == 2


def test_every_client_shares_one_budget_and_token_calls_are_not_counted(emulator, connection, bearer):
    emulator.configure(rate_limit_per_second=2)
    other = Connection(emulator)
    try:
        def calls():
            return [connection.token(),                                   # not counted
                    hold_call(connection, bearer),                        # API 2.0, this connection
                    hold_call(other, signed_headers(HOLD)),               # API 1.0, another connection
                    other.token(),                                        # never refused
                    hold_call(connection, bearer)]                        # over the shared budget
        answers = burst(calls)
    finally:
        other.close()
    assert [answer.status for answer in answers] == [200, 200, 200, 200, 429]
    assert "x-ratelimit-limit" not in answers[0].headers and "x-ratelimit-limit" not in answers[3].headers
    assert [rate_headers(answer)[1] for answer in (answers[1], answers[2], answers[4])] == ["1", "0", "0"]


# -- GET /_emulator/stats ---------------------------------------------------------------------------


def test_stats_count_connections_and_requests_and_a_kept_alive_connection_once(emulator, connection, bearer):
    assert emulator.stats() == {"ok": True, "connections": 1, "requests": 1, "rate_limited": 0}  # the token call
    for _index in range(3):
        assert hold_call(connection, bearer).status == 200
    assert emulator.stats() == {"ok": True, "connections": 1, "requests": 4, "rate_limited": 0}
    # Control requests, each on a connection of its own here, are not counted.
    emulator.configure()
    emulator.requests()
    other = Connection(emulator)
    try:
        assert hold_call(other, bearer).status == 200
        assert hold_call(other, bearer).status == 200
    finally:
        other.close()
    assert emulator.stats() == {"ok": True, "connections": 2, "requests": 6, "rate_limited": 0}


def test_clearing_the_stats_counts_a_connection_kept_alive_across_it_again(emulator, connection, bearer):
    assert hold_call(connection, bearer).status == 200
    assert emulator.stats(clear=True) == {
        "ok": True, "connections": 0, "requests": 0, "rate_limited": 0}
    assert hold_call(connection, bearer).status == 200
    assert emulator.stats()["connections"] == 1
    emulator.reset()
    assert emulator.stats() == {"ok": True, "connections": 0, "requests": 0, "rate_limited": 0}
