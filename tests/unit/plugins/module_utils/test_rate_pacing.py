# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rate limits: RatePacer, which holds back every call of one task, and Backoff.delay_until, a 429's wait.

Every wait is on a fake clock, and what is checked is the decision (who waits, until when, in what order)
and what the server saw (how many calls, how many 429s), never how long anything took.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math
import threading

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.mimecast.gateway.plugins.module_utils import results
from ansible_collections.mimecast.gateway.plugins.module_utils._backoff import Backoff, RatePacer
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastApiError
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    FIXED_NOW,
    Answer,
    FakeClock,
    FakeTransport,
    RecordServer,
    html_answer,
    make_client,
    mimecast_time,
    page,
    v1_settings,
)

OK = page([dict(id="a")])


def rate_limited(reset_ms, **headers):
    headers["X-RateLimit-Reset"] = str(reset_ms)
    return Answer(429, {"fail": []}, headers=headers)


def pacer_at_one_instant(workers=4, max_wait=300.0):
    """A pacer whose callers all arrive at the same instant: their sleeps are recorded, and the clock stands still."""
    clock, waits = FakeClock(), []
    return RatePacer(clock.monotonic, waits.append, max_wait, workers=workers), clock, waits


def call(answers, clock=None, **options):
    """POST once through an API 1.0 client; return (transport, clock, response or MimecastApiError)."""
    transport, clock = FakeTransport(answers), clock or FakeClock()
    client = make_client(v1_settings(**options), transport, clock=clock, rand=lambda: 0.0)
    try:
        return transport, clock, client.post(HOLD_LIST, {"data": [{}]})
    except MimecastApiError as error:
        return transport, clock, error


# -- RatePacer ------------------------------------------------------------------------------------


@pytest.mark.parametrize("remaining", [4, 5, 1000])
def test_no_wait_while_as_many_calls_remain_as_there_are_workers(clock, remaining):
    pacer = RatePacer(clock.monotonic, clock.sleep, 300.0, workers=4)
    pacer.observe(remaining, 2.0)
    assert [pacer.wait_turn() for _caller in range(6)] == [0.0] * 6
    assert clock.sleeps == []


@pytest.mark.parametrize("remaining, reset", [(None, None), (None, 2.0), (0, None), (0, 0.0)])
def test_no_wait_when_the_answer_says_nothing_usable(clock, remaining, reset):
    pacer = RatePacer(clock.monotonic, clock.sleep, 300.0, workers=4)
    pacer.observe(remaining, reset)
    assert pacer.wait_turn() == 0.0
    assert clock.sleeps == []


@pytest.mark.parametrize("remaining", [0, 1, 3])
def test_fewer_calls_remaining_than_workers_waits_until_the_reset(clock, remaining):
    pacer = RatePacer(clock.monotonic, clock.sleep, 300.0, workers=4)
    pacer.observe(remaining, 2.5)
    assert pacer.wait_turn() == pytest.approx(2.5)
    assert clock.now == pytest.approx(1002.5)
    assert clock.sleeps == [pytest.approx(2.5)]


def test_a_later_answer_never_shortens_a_pause(clock):
    pacer = RatePacer(clock.monotonic, clock.sleep, 300.0, workers=2)
    pacer.observe(0, 5.0)
    pacer.observe(1, 1.0)
    pacer.observe(None, 0.5, rate_limited=True)
    assert pacer.wait_turn() == pytest.approx(5.0)


@pytest.mark.parametrize("remaining", [None, 50])
def test_after_a_429_every_caller_waits_for_the_reset(remaining):
    pacer, _clock, waits = pacer_at_one_instant(workers=1)
    pacer.observe(remaining, 1.5, rate_limited=True)
    delays = [pacer.wait_turn() for _caller in range(5)]
    assert delays == waits
    assert all(delay >= 1.5 for delay in delays)


@pytest.mark.parametrize("workers, reset", [(2, 0.1), (4, 2.0), (8, 1.0), (8, 60.0)])
def test_callers_released_after_a_pause_go_a_gap_apart(workers, reset):
    pacer, clock, waits = pacer_at_one_instant(workers=workers)
    pacer.observe(0, reset)
    for _caller in range(workers):
        pacer.wait_turn()
    gaps = [later - earlier for earlier, later in zip(waits, waits[1:])]
    assert waits[0] == pytest.approx(reset)
    # One by one, never all at the same instant: each a same small gap after the one before.
    assert all(gap == pytest.approx(gaps[0]) for gap in gaps)
    assert 0 < gaps[0] <= 0.25
    # Once the last has gone, a caller goes at once.
    clock.advance(waits[-1] + gaps[0])
    assert pacer.wait_turn() == 0.0


def test_callers_on_threads_are_released_one_by_one():
    clock, waits = FakeClock(), []
    pacer = RatePacer(clock.monotonic, waits.append, 300.0, workers=8)
    pacer.observe(None, 2.0, rate_limited=True)
    ready = threading.Barrier(8, timeout=30)

    def caller():
        ready.wait()
        pacer.wait_turn()

    callers = [threading.Thread(target=caller) for _index in range(8)]
    for thread in callers:
        thread.start()
    for thread in callers:
        thread.join(30)
    releases = sorted(clock.now + wait for wait in waits)
    assert len(releases) == len(set(releases)) == 8
    assert releases[0] >= clock.now + 2.0


@pytest.mark.parametrize("reset, paced", [(10.0, True), (10.5, False), (3600.0, False)])
def test_a_reset_longer_than_max_retry_wait_is_not_paced(clock, reset, paced):
    pacer = RatePacer(clock.monotonic, clock.sleep, 10.0, workers=4)
    pacer.observe(0, reset, rate_limited=True)
    assert (pacer.wait_turn() > 0) is paced


# -- Backoff.delay_until --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.floats(0.001, 120), st.integers(0, 40), st.floats(0, 1), st.integers(0, 10))
def test_delay_until_is_never_shorter_than_the_server_asked(floor, in_a_row, rand, retries):
    wait = Backoff(retries, 1e6, rand=lambda: rand).delay_until(0, floor, in_a_row)
    assert floor <= wait <= max(floor, 30.0) + 1.0


def test_delay_until_grows_with_429s_in_a_row_to_a_bound():
    backoff = Backoff(0, 1000, rand=lambda: 0.5)
    waits = [backoff.delay_until(0, 0.001, in_a_row) for in_a_row in range(12)]
    assert all(earlier < later for earlier, later in zip(waits[:7], waits[1:7]))
    assert all(earlier <= later for earlier, later in zip(waits, waits[1:]))
    assert waits[-1] < 5.0


@pytest.mark.parametrize("waited, floor, allowed", [(0, 1.5, True), (8.5, 1.5, True), (8.6, 1.5, False), (0, 10.5, False)])
def test_delay_until_stops_past_max_total_wait(waited, floor, allowed):
    wait = Backoff(0, 10.0, rand=lambda: 0.0).delay_until(waited, floor, 0)
    assert (wait is not None) is allowed
    if allowed:
        assert wait == pytest.approx(floor)


# -- through the client ---------------------------------------------------------------------------


def test_429s_with_a_reset_do_not_use_up_retries():
    transport, clock, outcome = call([rate_limited(500)] * 6 + [OK], retries=0)
    assert outcome.status == 200
    assert len(transport.api_requests) == 7
    assert len(clock.sleeps) == 6
    assert all(wait >= 0.5 for wait in clock.sleeps)


def test_a_server_that_asks_for_no_wait_again_and_again_is_asked_less_and_less_often():
    transport, clock, outcome = call([rate_limited(1)] * 6 + [OK], retries=0)
    assert outcome.status == 200
    assert all(earlier < later for earlier, later in zip(clock.sleeps, clock.sleeps[1:]))


@pytest.mark.parametrize("last, ok", [(html_answer(503), False), (OK, True)])
def test_server_errors_use_up_retries_between_429s(last, ok):
    answers = [rate_limited(300), html_answer(503), rate_limited(300), html_answer(502), rate_limited(300), last]
    transport, clock, outcome = call(answers, retries=2)
    assert len(transport.api_requests) == 6
    if ok:
        assert outcome.status == 200
    else:
        assert isinstance(outcome, MimecastApiError)
        assert outcome.status == 503
        assert outcome.attempts == 6
        assert "max_retry_wait" not in str(outcome)


@pytest.mark.parametrize("answer, budget", [(rate_limited(2000), "a rate limit's reset"), (html_answer(503), "retries")])
def test_when_max_retry_wait_stops_waiting_the_message_says_how_long_and_why(answer, budget):
    transport, clock, outcome = call([answer] * 8, retries=8, max_retry_wait=5)
    assert isinstance(outcome, MimecastApiError)
    waited = sum(clock.sleeps)
    assert 0 < waited <= 5
    assert outcome.attempts == len(transport.api_requests) == len(clock.sleeps) + 1
    message = str(outcome)
    assert message.startswith("Gave up after %d attempts over %.1f s: " % (outcome.attempts, waited))
    assert ("waiting stopped because the next wait (for %s) would pass max_retry_wait (5 s)" % budget) in message


class RateLimitedServer(RecordServer):
    """Allows ``allowed`` calls each ``period`` seconds of the fake clock, says how many remain and when more are
    allowed (in every answer), and answers 429 past the limit."""

    def __init__(self, records, clock, allowed, period):
        super(RateLimitedServer, self).__init__(records, math.floor(FIXED_NOW.timestamp()), cap=10)
        self.clock = clock
        self.allowed = allowed
        self.period = period
        self.used = 0
        self.ends = 0.0
        self.rate_limited = 0

    def answer(self, body):
        with self.lock:
            now = self.clock.monotonic()
            if now >= self.ends:
                self.ends, self.used = (now // self.period + 1) * self.period, 0
            reset_ms = str(int(math.ceil((self.ends - now) * 1000)))
            if self.used >= self.allowed:
                self.rate_limited += 1
                return rate_limited(reset_ms, **{"X-RateLimit-Remaining": "0"})
            self.used += 1
            remaining = str(self.allowed - self.used)
        return self.page(body, headers={"X-RateLimit-Remaining": remaining, "X-RateLimit-Reset": reset_ms})


@pytest.mark.parametrize("concurrency", [2, 4, 8])
def test_windows_that_see_the_calls_run_low_wait_instead_of_meeting_429s(concurrency):
    start = math.floor(FIXED_NOW.timestamp()) - 6 * 3600
    records = dict(("msg-%04d" % number, start + number * 31) for number in range(600))
    query = dict(admin=True, start=mimecast_time(start))
    seen = {}
    for paced in (True, False):
        clock = FakeClock()
        server = RateLimitedServer(records, clock, allowed=12, period=1.0)
        client = make_client(v1_settings(), server, clock=clock)
        client.session.trust_env = False
        if not paced:
            client.pacer.wait_turn = lambda: 0.0
        pages = client.paginate(HOLD_LIST, query, concurrency=concurrency, order=("date_received", True))
        assert client.pacer.workers == concurrency  # the pacer holds calls back when fewer remain than this
        items, _facts = results.collect(pages, {}, results.Summary({}))
        assert sorted(item["id"] for item in items) == sorted(records)
        seen[paced] = server.rate_limited
    # Each worker waits once it sees fewer calls left than there are workers: no call is spent on a 429.
    assert seen[True] == 0
    # The same query unpaced does meet the limit: the count above is the pacer's doing.
    assert seen[False] >= 3
