# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property-based tests of time windows: one query with a start, fetched in windows at once, merged.

Hypothesis draws dated records (spread evenly, in clusters, in a spike of one second or one minute, on the
edges of the range and on the points where windows are cut), a server that counts its edges inclusive or
not, caps its pages, answers ``totalCount`` or not, and meets a schedule of faults; and a client with 2 to 8
workers. ``WindowServer`` answers as Mimecast would, behind a real requests adapter; the workers are real
threads, and every wait is on a fake clock, so nothing sleeps.

- Faults the retries absorb: the merged items are exactly the server's answer to the whole range, each once,
  sorted by time then id in the order asked for.
- A query without start, with max_results, or with one worker is the serial query, request for request.
- A query whose first page is its only page takes one request.
- A fault no retry absorbs ends in a MimecastError, and the other windows stop after their current page.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import random
import threading

import pytest
import requests
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from ansible_collections.mimecast.gateway.plugins.module_utils import results
from ansible_collections.mimecast.gateway.plugins.module_utils._paging import Pages
from ansible_collections.mimecast.gateway.plugins.module_utils._windows import OVERLAP, WindowedPages
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST, PROCESSING_QUEUE
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastError
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    FIXED_NOW,
    Answer,
    FakeClock,
    RecordServer,
    epoch_of,
    fail_answer,
    html_answer,
    make_client,
    mimecast_time,
    v1_settings,
    v2_settings,
)

NOW = calendar.timegm(FIXED_NOW.utctimetuple())  # the client's now
ORDER_FIELD = "date_received"  # dateReceived, shaped
# Faults another attempt gets past, each using up one of the retries; a 429 with a reset uses up none.
COUNTED = ("500", "503", "drop", "timeout", "busy")
SHAPES = ("uniform", "clusters", "second", "minute", "edges")
# How long a gated request waits, at most, for the other windows to be told to stop: only reached when they never are.
GATE_TIMEOUT = 2.0
WINDOW_EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fault_answer(fault):
    """The Answer to one faulty attempt; a connection dropped or timed out raises what requests would raise."""
    kind = fault["kind"]
    if kind in ("drop", "timeout"):
        failure = requests.exceptions.ConnectionError if kind == "drop" else requests.exceptions.ReadTimeout
        raise failure("injected: the connection %s" % ("closed without an answer" if kind == "drop" else "timed out"))
    if kind == "429":
        return Answer(429, {"fail": []}, headers={"X-RateLimit-Reset": str(fault["reset_ms"])})
    answers = {
        "busy": fail_answer("err_server_busy", "Try again", retryable=True),
        "400": fail_answer("err_validation_blank", "start is not valid", status=400),
        "not_json": Answer(200, text="Service is operating normally.", headers={"Content-Type": "text/plain"}),
    }
    return answers.get(kind) or html_answer(int(kind))


class WindowServer(RecordServer):
    """RecordServer with a schedule of faults, safe whatever order the windows' requests arrive in.

    The n-th distinct request to arrive (its query and page token) meets the n-th run of ``runs``, one fault an
    attempt, then its page. A fault marked ``fatal`` is the one no retry absorbs: every request that arrives
    after it is answered only once ``stopped`` (the windows' stop signal) is set, and ``after_failure`` counts
    the pages first asked for meanwhile.
    """

    def __init__(self, records, now, runs=(), **options):
        super(WindowServer, self).__init__(records, now, **options)
        self.runs = [list(run) for run in runs]
        self.faults = {}
        self.failed = threading.Event()
        self.stopped = threading.Event()
        self.after_failure = 0
        self.gate_timed_out = False

    def answer(self, body):
        key = repr((body["data"], body["meta"]["pagination"].get("pageToken")))
        with self.lock:
            new = key not in self.faults
            if new:
                self.faults[key] = self.runs.pop(0) if self.runs else []
            fault = self.faults[key].pop(0) if self.faults[key] else None
            gated = self.failed.is_set()
            self.after_failure += gated and new
        if gated and not self.stopped.wait(GATE_TIMEOUT):
            self.gate_timed_out = True
        if fault is None:
            return self.page(body)
        if fault.get("fatal"):
            self.failed.set()
        return fault_answer(fault)


# -- strategies ---------------------------------------------------------------------------------


def moment(rng, shape, low, high, spike, last):
    """One record's second: ``low``..``high`` is the range the client cuts, ``last`` where Mimecast ends it."""
    if shape == "uniform":
        return rng.randint(low - 5, max(low, last) + 5)
    if shape == "clusters":
        return rng.choice((low, spike, high)) + int(rng.gauss(0, 90))
    if shape == "second":
        return spike
    if shape == "minute":
        return spike - spike % 60 + rng.randint(0, 59)
    # Where the windows are cut: at parts of the range, and one OVERLAP before and after.
    parts = rng.randint(2, 64)
    cut = low + (high - low) * rng.randint(1, parts - 1) // parts
    return rng.choice((low, high, last, cut)) + rng.choice((-OVERLAP, 0, OVERLAP))


@st.composite
def scenarios(draw, one_page=False, many_pages=False):
    """A server (records, edges, page cap, totalCount) and a query with a start, for a client of 2 to 8 workers."""
    spans = [st.integers(900, 3 * 86400)] if many_pages else [st.integers(0, 12), st.integers(12, 900), st.integers(900, 3 * 86400)]
    span = draw(st.one_of(spans), label="span")
    open_end = draw(st.booleans(), label="no end")
    start = NOW - span - (0 if open_end else draw(st.integers(0, 86400)))
    end = start + span
    # Without an end, Mimecast's now closes the range: a little after the client's, or before.
    server_now = NOW + draw(st.integers(-30, 30)) if open_end else NOW
    # Small pages often: many pages make many windows, and windows cut again.
    page_size = draw(st.one_of(st.integers(1, 12), st.integers(1, 500)), label="page size")
    cap = draw(st.one_of(st.integers(1, 20), st.integers(1, 100)), label="server's page cap")
    size = min(page_size, cap)
    if one_page:
        count = draw(st.integers(0, size))
    elif many_pages:
        size = cap = page_size = draw(st.integers(1, 12))
        count = draw(st.integers(25 * size, min(600, 60 * size)))
    else:
        count = draw(st.integers(0, min(600, 40 * size)), label="records")
    # Many pages: records within the range, not around its edges.
    kinds = ("uniform", "second", "minute") if many_pages else SHAPES
    shapes = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=3), label="distribution")
    spike = draw(st.integers(start, end), label="spike")
    rng = random.Random(draw(st.integers(0, 2 ** 32 - 1), label="seed"))
    last = server_now if open_end else end
    records = dict(("msg-%05d" % (number * 7919 % 100003), moment(rng, shapes[number % len(shapes)], start, end, spike, last))
                   for number in range(count))
    if open_end:  # Mimecast holds nothing dated at its now or later: what comes in that second is not there yet
        records = dict((record_id, at) for record_id, at in records.items() if at < server_now)
    query = dict(admin=True, start=mimecast_time(start))
    if not open_end:
        query["end"] = mimecast_time(end)
    if draw(st.booleans(), label="searched"):
        query["searchBy"] = dict(fieldName="subject", value="invoice")
    return dict(
        records=records, now=server_now, query=query, page_size=page_size, cap=cap,
        totals=draw(st.booleans(), label="totalCount"),
        inclusive=(draw(st.booleans(), label="start inclusive"), draw(st.booleans(), label="end inclusive")),
        endpoint=draw(st.sampled_from([HOLD_LIST, PROCESSING_QUEUE])),
        concurrency=draw(st.integers(2, 8), label="concurrency"),
        descending=draw(st.booleans(), label="newest first"),
        retries=draw(st.integers(0, 3), label="retries"),
        scheme=draw(st.sampled_from(["v1", "v2"])),
    )


def absorbable(retries):
    """The faults one request meets, all of which the retries get past: 429s with a reset, and ``retries`` others."""
    counted = st.lists(st.builds(dict, kind=st.sampled_from(COUNTED)), max_size=retries)
    waits = st.lists(st.builds(dict, kind=st.just("429"), reset_ms=st.integers(1, 3000)), max_size=2)
    return st.tuples(counted, waits).flatmap(lambda both: st.permutations(both[0] + both[1]))


def serve(case, runs=(), limit=None):
    return WindowServer(case["records"], case["now"], runs, cap=case["cap"], totals=case["totals"],
                        items_key=case["endpoint"].items_key, inclusive=case["inclusive"], limit=limit)


def client_for(case, server, clock=None, **options):
    options = dict(dict(retries=case["retries"], max_retry_wait=1e6, page_size=case["page_size"]), **options)
    settings_for = v2_settings if case["scheme"] == "v2" else v1_settings
    client = make_client(settings_for(**options), server, clock=clock or FakeClock())
    client.session.trust_env = False  # no proxy variables to look up for every request
    return client


def read(client, case, query=None, concurrency=None, max_results=None):
    pages = client.paginate(case["endpoint"], dict(query or case["query"]), max_results=max_results,
                            concurrency=concurrency or case["concurrency"], order=(ORDER_FIELD, case["descending"]))
    items, facts = results.collect(pages, {}, results.Summary({}))
    return pages, items, facts


def in_range(case, body):
    """Whether a request asks for the query, within its range: the same search, start and end inside it."""
    query, sent = case["query"], dict(body["data"][0])
    start, end = epoch_of(sent.pop("start")), sent.pop("end", None)
    if dict((key, value) for key, value in query.items() if key not in ("start", "end")) != sent:
        return False
    if end is None:
        return "end" not in query and start >= epoch_of(query["start"])
    last = epoch_of(query["end"]) if "end" in query else NOW
    return epoch_of(query["start"]) <= start <= epoch_of(end) <= last


# -- properties -----------------------------------------------------------------------------------


@WINDOW_EXAMPLES
@given(scenarios(), st.data())
def test_windows_merge_to_exactly_the_whole_range_answer(case, data):
    runs = data.draw(st.lists(absorbable(case["retries"]), max_size=8), label="faults of the first requests")
    server = serve(case, runs)

    pages, items, facts = read(client_for(case, server), case)

    expected = server.matching(case["query"])
    ids = [item["id"] for item in items]
    assert isinstance(pages, WindowedPages)
    assert len(ids) == len(set(ids)) == len(expected) == facts["count"]
    assert set(ids) == set(record_id for record_id, _moment in expected)
    # Sorted by time, then id: both newest (and highest) first, or both oldest first.
    assert [(item[ORDER_FIELD], item["id"]) for item in items] == sorted(
        ((mimecast_time(at), record_id) for record_id, at in expected), reverse=case["descending"])
    assert facts["truncated"] is False
    assert all(in_range(case, body) for body in server.bodies)
    if len(expected) <= min(case["page_size"], case["cap"]) and not any(runs):
        assert len(server.bodies) == 1


@settings(max_examples=100, deadline=None)
@given(scenarios(one_page=True))
def test_a_query_whose_first_page_is_its_only_page_takes_one_request(case):
    server = serve(case)
    pages, items, _facts = read(client_for(case, server), case)
    assert isinstance(pages, WindowedPages)
    assert len(server.bodies) == 1
    assert sorted(item["id"] for item in items) == sorted(record_id for record_id, _at in server.matching(case["query"]))


@settings(max_examples=100, deadline=None)
@given(scenarios(), st.sampled_from(["no start", "max_results", "max_results setting", "one worker"]), st.integers(1, 700))
def test_a_query_that_cannot_be_cut_is_the_serial_query(case, why, max_results):
    query = dict(case["query"])
    options, limit = {}, None
    if why == "no start":
        del query["start"]
    elif why == "max_results":
        limit = max_results
    elif why == "max_results setting":
        options["max_results"] = max_results
    workers = 1 if why == "one worker" else case["concurrency"]
    serial, windowed = serve(case), serve(case)

    _pages, expected, _facts = read(client_for(case, serial, **options), case, query, 1, limit)
    pages, items, _facts = read(client_for(case, windowed, **options), case, query, workers, limit)

    assert type(pages) is Pages  # pylint: disable=unidiomatic-typecheck
    assert windowed.bodies == serial.bodies
    assert items == expected


@st.composite
def failures(draw):
    """A query of many pages, and a fault no retry absorbs, met by the k-th distinct request (after the first)."""
    case = draw(scenarios(many_pages=True))
    retries = case["retries"]
    how = draw(st.sampled_from(["400", "not_json", "retries used up", "429 past max_retry_wait"]))
    if how == "retries used up":
        last = [dict(kind=kind) for kind in draw(st.lists(st.sampled_from(COUNTED), min_size=retries + 1, max_size=retries + 1))]
    elif how == "429 past max_retry_wait":
        last = [dict(kind="429", reset_ms=draw(st.integers(101000, 900000)))]
    else:
        last = draw(absorbable(retries)) + [dict(kind=how)]
    last[-1]["fatal"] = True
    runs = draw(st.lists(absorbable(retries), min_size=1, max_size=6)) + [last]
    return case, runs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(failures())
def test_a_fault_no_retry_absorbs_ends_in_a_mimecast_error_and_the_other_windows_stop(drawn):
    case, runs = drawn
    server = serve(case)
    pages_needed = len(server.matching(case["query"])) // case["cap"]
    assume(pages_needed > 2 * case["concurrency"] + len(runs))  # a spike on an edge the server excludes has too few
    # A bound no correct run reaches: a loop raises RequestLimit in the adapter, which is no MimecastError.
    server = serve(case, runs, limit=4 * (pages_needed + 16 * case["concurrency"]) + sum(len(run) for run in runs))
    client = client_for(case, server, max_retry_wait=100)
    pages = client.paginate(case["endpoint"], dict(case["query"]), concurrency=case["concurrency"], order=(ORDER_FIELD, True))
    server.stopped = pages._stop  # pylint: disable=protected-access

    with pytest.raises(MimecastError) as failure:
        results.collect(pages, {}, results.Summary({}))

    assert server.failed.is_set()
    assert case["endpoint"].path in str(failure.value)
    # After the failure each other worker finishes the page it was on, and starts no other window.
    assert not server.gate_timed_out
    assert server.after_failure <= 2 * case["concurrency"]
