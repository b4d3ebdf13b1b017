# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property-based tests of the pagination loop under faults.

Hypothesis draws a record count, a page size, a server that may clamp the page size silently, and a
schedule of faults (429 with X-RateLimit-Reset, 5xx with HTML or JSON bodies, connections dropped
before or during the answer, read timeouts, retryable ``fail`` at HTTP 200, expired tokens, and faults
of the token endpoint). ``ModelServer`` answers as Mimecast would, behind a real requests adapter, with
opaque page tokens; the client runs its real code on a fake clock, so nothing sleeps.

- A schedule the retries can absorb yields exactly the server's ids, in order, and every wait after a
  429 lasts at least what the server asked.
- Any other schedule ends in a MimecastError: never another exception, never more requests than the
  schedule can explain, never a hang.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import io
import json
from urllib.parse import urlsplit

import pytest
import requests
import urllib3
from hypothesis import HealthCheck, given, settings, strategies as st
from requests.adapters import BaseAdapter, HTTPAdapter

from ansible_collections.mimecast.gateway.plugins.module_utils.client import TOKEN_PATH
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import Endpoint
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastError
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    CLIENT_SECRET,
    SECRET_KEY,
    Answer,
    FakeClock,
    envelope,
    fail_answer,
    flat_fail_answer,
    html_answer,
    make_client,
    token_answer,
    v1_settings,
    v2_settings,
)

PATH = "/api/gateway/get-hold-message-list"
# A page request fails in one of these ways, then is tried again...
RETRYABLE = ("429", "500", "502", "503", "504", "drop", "timeout", "cut", "busy")
TOKEN_RETRYABLE = ("429", "503", "drop", "timeout")
# Those that use up retries: a 429 with a reset is a wait for one's turn, bounded by max_retry_wait alone.
COUNTED = tuple(kind for kind in RETRYABLE if kind != "429")
TOKEN_COUNTED = tuple(kind for kind in TOKEN_RETRYABLE if kind != "429")
# ...or fails for good.
FATAL = ("400", "401", "403", "418", "fail", "bad_json", "not_json", "no_data", "repeat", "empty_next")
# 500 examples, as the project requires of CI; the examples with many pages take a while to draw.
EXAMPLES = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Runaway(Exception):
    """More requests than the schedule explains: the loop would not have stopped."""


class ModelServer(BaseAdapter):
    """Mimecast behind a requests adapter: real pagination, and the next scheduled fault for each request.

    ``faults`` and ``token_faults`` are consumed in arrival order, one per request to the API or to the
    token endpoint; None (or an exhausted schedule) means a normal answer.
    """

    def __init__(self, ids, clamp, faults, token_faults=(), items_key=None, limit=None):
        super(ModelServer, self).__init__()
        self.ids = list(ids)
        self.clamp = clamp
        self.faults = list(faults)
        self.token_faults = list(token_faults)
        self.items_key = items_key
        self.limit = limit
        self.offsets = {}
        self.requests = 0
        self.retried = []  # every retryable fault answered, in order: each one is followed by one wait

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # pylint: disable=arguments-differ
        self.requests += 1
        if self.limit is not None and self.requests > self.limit:
            raise Runaway("request %d: the schedule explains at most %d" % (self.requests, self.limit))
        if urlsplit(request.url).path == TOKEN_PATH:
            fault = self.token_faults.pop(0) if self.token_faults else None
            if fault is None:
                return token_answer("BEARER-%d" % self.requests, expires_in=86400).build(request)
            if fault["kind"] in TOKEN_RETRYABLE:
                self.retried.append(fault)
            return self._fault(request, fault, Answer(401, {"error": "invalid_client"}))
        fault = self.faults.pop(0) if self.faults else None
        body = json.loads(request.body)
        token = body["meta"]["pagination"].get("pageToken")
        if fault is not None and fault["kind"] in RETRYABLE:
            self.retried.append(fault)
        if fault is None or fault["kind"] in ("repeat", "empty_next"):
            return self._page(request, body["meta"]["pagination"]["pageSize"], token, fault)
        return self._fault(request, fault, None)

    def close(self):
        pass

    def _page(self, request, page_size, token, fault):
        offset = 0 if token is None else self.offsets[token]
        size = min(page_size, self.clamp or page_size)
        items = [dict(id=value) for value in self.ids[offset:offset + size]]
        next_token = self._token(offset + size) if offset + size < len(self.ids) else None
        if fault and fault["kind"] == "empty_next":
            items, next_token = [], self._token(offset)
        elif fault and fault["kind"] == "repeat" and token is not None:
            next_token = token  # a looping server: next leads back to this very page
        return Answer(200, envelope(items, next_token, self.items_key, page_size=size)).build(request)

    def _token(self, offset):
        token = "tok-%d-%d" % (len(self.offsets), offset)
        self.offsets[token] = offset
        return token

    def _fault(self, request, fault, token_refusal):
        kind = fault["kind"]
        if kind == "drop":
            raise requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('closed without response'))")
        if kind == "timeout":
            raise requests.exceptions.ReadTimeout("Read timed out. (read timeout=30)")
        if kind == "cut":
            # Headers arrive, then the connection breaks mid-body: requests raises while reading the body.
            raw = urllib3.HTTPResponse(body=io.BytesIO(b'{"meta": {"status": 200}, "data": [{"id": "'), status=200,
                                       headers={"Content-Type": "application/json", "Content-Length": "4096"},
                                       preload_content=False, enforce_content_length=True)
            return HTTPAdapter().build_response(request, raw)
        if kind == "429":
            return Answer(429, {"fail": []}, headers={"X-RateLimit-Reset": str(fault["reset_ms"])}).build(request)
        if kind in ("500", "502", "503", "504"):
            if fault["html"]:
                return html_answer(int(kind)).build(request)
            return fail_answer("err_internal", "Injected", status=int(kind)).build(request)
        if token_refusal is not None:
            return token_refusal.build(request)
        answers = {
            "busy": fail_answer("err_server_busy", "Try again", retryable=True),
            "expired": flat_fail_answer("token_expired", "The access token has expired"),
            "400": fail_answer("err_invalid_page_token", "Not a page token", status=400),
            "401": flat_fail_answer("token_verification_failed", "Unauthorized", status=401),
            "403": fail_answer("app_forbidden", "Forbidden", status=403),
            "418": fail_answer("err_xdk_binding_expired", "Binding expired", status=418),
            "fail": fail_answer("err_validation_null", "data cannot be null"),
            "bad_json": Answer(200, text='{"meta": {"status": 200}, "data": [{"id": "', headers={"Content-Type": "application/json"}),
            "not_json": Answer(200, text="Service is operating normally.", headers={"Content-Type": "text/plain"}),
            "no_data": Answer(200, {"meta": {"status": 200}, "fail": []}),
        }
        return answers[kind].build(request)


# -- strategies ---------------------------------------------------------------------------------


def fault(kinds):
    return st.builds(dict, kind=st.sampled_from(kinds), reset_ms=st.integers(0, 5000), html=st.booleans())


@st.composite
def query(draw):
    """A server (records, clamp) and a client (scheme, page size, max_results, retries)."""
    count = draw(st.integers(0, 80))
    return dict(
        # Distinct and not in sorted order, so a client that reorders would show.
        ids=["msg-%04d" % (n * 7919 % 10007) for n in range(count)],
        clamp=draw(st.one_of(st.none(), st.integers(1, 60))),
        page_size=draw(st.one_of(st.integers(1, 12), st.integers(1, 500))),
        max_results=draw(st.one_of(st.none(), st.integers(1, 100))),
        scheme=draw(st.sampled_from(["v1", "v2"])),
        retries=draw(st.integers(0, 4)),
        items_key=draw(st.sampled_from([None, "messages", "trackedEmails"])),
    )


def pages_needed(case):
    """How many pages the client asks for: it asks min(page_size, max_results), the server may send fewer."""
    total = len(case["ids"]) if case["max_results"] is None else min(len(case["ids"]), case["max_results"])
    asked = case["page_size"] if case["max_results"] is None else min(case["page_size"], case["max_results"])
    size = min(asked, case["clamp"] or asked)
    return max(1, -(-total // size))


@st.composite
def absorbable_run(draw, case, kinds):
    """Faults met by one request, few enough for the retries (plus one token refresh on API 2.0)."""
    run = draw(st.lists(fault(kinds), max_size=case["retries"]))
    if kinds is RETRYABLE and case["scheme"] == "v2" and draw(st.booleans()):
        run.insert(draw(st.integers(0, len(run))), dict(kind="expired"))
    return run


def absorbable_runs(case, kinds, count):
    """Up to ``count`` runs, one per request from the first: the requests after them meet no fault."""
    return st.lists(absorbable_run(case, kinds), max_size=count)


def schedule(runs):
    """Runs of faults, each ended by a normal answer."""
    faults = []
    for run in runs:
        faults.extend(run)
        faults.append(None)
    return faults


def client_for(case, server, clock, **overrides):
    options = dict(retries=case["retries"], max_retry_wait=overrides.pop("max_retry_wait", 1e6), page_size=case["page_size"],
                   max_results=case["max_results"])
    settings_for = v2_settings if case["scheme"] == "v2" else v1_settings
    client = make_client(settings_for(**options), server, clock=clock, rand=overrides.pop("rand", lambda: 0.5))
    # No proxy variables to look up for every request of thousands: a fifth of the run time otherwise.
    client.session.trust_env = False
    return client


def collect(client, case):
    pages = client.paginate(Endpoint(PATH, "Account | Dashboard | Read", items_key=case["items_key"]), dict(admin=True))
    return [item["id"] for chunk in pages for item in chunk], pages


# -- properties -----------------------------------------------------------------------------------


@EXAMPLES
@given(st.data(), query(), st.floats(0, 1))
def test_faults_the_retries_absorb_never_change_the_result(data, case, jitter):
    pages = pages_needed(case)
    runs = data.draw(absorbable_runs(case, RETRYABLE, pages), label="faults per page")
    # One token fetch per page at most (the first, and one per refresh): each may meet its own faults.
    token_runs = data.draw(absorbable_runs(case, TOKEN_RETRYABLE, pages + 1), label="token endpoint faults")
    server = ModelServer(case["ids"], case["clamp"], schedule(runs), schedule(token_runs), case["items_key"])
    clock = FakeClock()

    ids, result = collect(client_for(case, server, clock, rand=lambda: jitter), case)

    expected = case["ids"] if case["max_results"] is None else case["ids"][:case["max_results"]]
    assert ids == expected
    assert result.truncated == (case["max_results"] is not None and len(case["ids"]) > case["max_results"])
    # Every retryable fault was followed by exactly one wait, never shorter than what a 429 asked for.
    assert len(clock.sleeps) == len(server.retried)
    for waited, answered in zip(clock.sleeps, server.retried):
        if answered["kind"] == "429":
            assert waited >= answered["reset_ms"] / 1000.0


@st.composite
def unrecoverable(draw):
    """A query, and a schedule that breaks it on some page the client does ask for."""
    case = draw(query())
    pages = pages_needed(case)
    broken = draw(st.integers(0, pages - 1), label="broken page")
    runs = draw(st.lists(absorbable_run(case, RETRYABLE), min_size=broken, max_size=broken))
    ways = ["fatal", "retries"] + (["expired twice", "token refused", "token retries"] if case["scheme"] == "v2" else [])
    how = draw(st.sampled_from(ways))
    token_faults = []
    if how == "fatal":
        # A looping token needs a page token to loop on (from the second page), and a page after it: on the
        # page that reaches max_results the client rightly stops without following next.
        loops = broken > 0 and (case["max_results"] is None or broken < pages - 1)
        kinds = FATAL if loops else tuple(kind for kind in FATAL if kind != "repeat")
        last = draw(st.lists(fault(RETRYABLE), max_size=case["retries"])) + [draw(fault(kinds))]
    elif how == "retries":
        last = draw(st.lists(fault(COUNTED), min_size=case["retries"] + 1, max_size=case["retries"] + 1))
    else:
        if how == "expired twice":
            last = [dict(kind="expired"), dict(kind="expired")]
        else:
            # The first token fetch fails, before the first page is asked for.
            runs = []
            count = 1 if how == "token refused" else case["retries"] + 1
            token_faults = [dict(kind="401")] if count == 1 else draw(st.lists(fault(TOKEN_COUNTED), min_size=count, max_size=count))
            last = []
    faults = schedule(runs) + last
    # Every scheduled answer is asked for, and not one more. API 2.0 fetches a token first, then once after
    # each expired token but the second of a pair, which ends the query.
    if token_faults:
        requests_expected = len(token_faults)
    else:
        refreshes = sum(1 for f in faults if f and f["kind"] == "expired") - (how == "expired twice")
        requests_expected = len(faults) + (1 + refreshes if case["scheme"] == "v2" else 0)
    return case, faults, token_faults, requests_expected


@EXAMPLES
@given(unrecoverable())
def test_faults_the_retries_cannot_absorb_end_in_a_mimecast_error(drawn):
    case, faults, token_faults, requests_expected = drawn
    # The limit turns a loop into a Runaway exception, which fails the test, instead of a hang.
    server = ModelServer(case["ids"], case["clamp"], faults, token_faults, case["items_key"], limit=requests_expected + 5)
    with pytest.raises(MimecastError) as failure:
        collect(client_for(case, server, FakeClock()), case)
    assert server.requests == requests_expected
    message = str(failure.value)
    assert message
    for secret in (CLIENT_SECRET, SECRET_KEY):
        assert secret not in message


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 8), st.floats(0, 30), st.lists(fault(RETRYABLE), min_size=40, max_size=40), st.floats(0, 1))
def test_max_retry_wait_caps_the_total_of_the_waits(retries, max_retry_wait, faults, jitter):
    clock = FakeClock()
    server = ModelServer(["only"], None, faults)
    client = make_client(v1_settings(retries=retries, max_retry_wait=max_retry_wait), server, clock=clock, rand=lambda: jitter)
    client.session.trust_env = False
    with pytest.raises(MimecastError) as failure:
        collect(client, dict(items_key=None))
    assert sum(clock.sleeps) <= max_retry_wait
    assert failure.value.attempts == len(clock.sleeps) + 1 == server.requests
    # Waits a 429 asked for do not use up retries; every other retried failure does.
    answered = server.retried[:len(clock.sleeps)]
    assert sum(1 for fault in answered if not (fault["kind"] == "429" and fault["reset_ms"] > 0)) <= retries
