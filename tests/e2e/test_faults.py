# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fault matrix: every fault the emulator injects, through real ansible-playbook runs.

Each scenario ends in one of two outcomes and nothing else: the complete result, whose ids equal, in
order, what the emulator's own search returns for the query the module sent; or a clear failure (a
MimecastError type, the facts that explain it, no traceback, no partial result).

Every scenario runs once per session, at -vvvv, with the credentials as module options read from a vars
file, as vault variables would be (so the ``invocation`` echo carries them, and the command line does not):
test_secrets.py greps the very same runs for secrets.

A hold list or processing queue query with a ``start`` is cut into time windows fetched at once (issue 11,
plugins/module_utils/_windows.py): the request numbered 1 is the whole range's first page, every later one a
window's. The ``-windows`` scenarios put their faults there. Their complete result is the same ids, none twice, in
the documented merged order (time, then id, newest first); every attempt that failed is asked again, the same
window and page. Their clear error names the window request that failed: its HTTP status and request id.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import collections
import json
import os
import re
import socket
import tempfile

import pytest

from harness import CREDENTIALS, start_emulator, stop_emulator
from playbook_factory import RUN_MODULE_FROM_FILE, run_task
from tests import module_registry
from tests.emulator.mimecast_emulator import ENDPOINTS

# One worker for the whole matrix: test_secrets.py sweeps the very runs it made (tests/e2e/conftest.py).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("test_faults")]

HOLD = module_registry.MODULES["hold"].path
PROCESSING = module_registry.MODULES["processing"].path
TRACK = module_registry.MODULES["track"].path
TOKEN = "/oauth/token"

# 230 held messages: enough for the silent clamp (500 asked, 100 served) to take three pages.
HELD = 230
# Time windows: a start before every generated message (the hold list's go back 7 days, the processing queue's
# 6.5), and the collection and date field the merged items are ordered by.
WINDOWS = dict(start="-8d", page_size=25)
DATES = {HOLD: ("held", "dateReceived"), PROCESSING: ("processing", "created")}
ATTEMPTS_OVER = re.compile(r"(\d+) attempts over (\d+\.\d) s")


def credentials(scheme, **overrides):
    """The emulator's credentials as module options (so -vvvv echoes them in ``invocation``)."""
    options = dict((name[len("MIMECAST_"):].lower(), value) for name, value in CREDENTIALS[scheme].items())
    options.update(overrides)
    return options


def at(path, *numbered):
    """Fault rules firing on exactly the given requests to ``path``: ``at(path, (2, rule), (5, rule))``.

    The emulator tries rules in order, and a rule only counts the requests no earlier rule answered, so
    the k-th rule (1-based), meant for the path's request number n, skips n - k of them.
    """
    rules = []
    for k, (number, rule) in enumerate(sorted(numbered, key=lambda pair: pair[0]), start=1):
        rules.append(dict(rule, path=path, count=1, after=number - k))
    return rules


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Scenario:
    """One row of the matrix: the emulator's faults and config, the module and its options, the check."""

    def __init__(self, name, check, faults=(), module="hold", args=None, scheme="v2", creds=None, config=None):
        self.name = name
        self.check = check
        self.faults = list(faults)
        self.module = module
        # A dict, or a function of the emulator's data (the ids of held messages to act on, say).
        self.args = args if callable(args) else dict(args or {})
        self.scheme = scheme
        self.creds = dict(creds or {})
        self.config = dict(config or {})

    def options(self, data):
        return self.args(data) if callable(self.args) else self.args

    @property
    def windowed(self):
        """A listing with a start, neither serial nor capped: the module fetches time windows (concurrency 4 by default)."""
        args = {} if callable(self.args) else self.args
        return (self.module in ("hold", "processing") and "start" in args and args.get("concurrency", 4) > 1
                and "max_results" not in args)

    def module_args(self, emulator, data):
        args = credentials(self.scheme, **self.creds)
        args.update(base_url=emulator.base_url)
        if module_registry.MODULES[self.module].read_only:  # only the modules that list take fields
            args.update(fields=["id"])
        args.update(self.options(data))
        if args["base_url"] == "closed-port":
            args["base_url"] = "http://127.0.0.1:%d" % unused_port()
        return args

    def __repr__(self):
        return self.name


class Record:
    """What one run left behind: the playbook run, the task result, the emulator's log and tokens."""

    def __init__(self, scenario, run, log, tokens, data, actions=()):
        module = module_registry.MODULES[scenario.module]
        # The path it pages through (or acts with first), and the key of the items in its result.
        self.path, self.items_key = module.path, module.fact
        self.scenario = scenario
        self.run = run
        self.result = run.results().get(run_task(module.key), {})
        self.log = log
        self.tokens = tokens
        self.data = data
        self.actions = list(actions)  # the releases and rejects the emulator applied

    @property
    def api(self):
        return [entry for entry in self.log if entry["path"] == self.path]

    @property
    def token_requests(self):
        return [entry for entry in self.log if entry["path"] == TOKEN]

    def statuses(self, entries=None):
        return [entry["status"] for entry in (self.api if entries is None else entries)]

    @property
    def windows(self):
        """The distinct queries (data[0]) the module asked, the whole range's first."""
        seen = []
        for entry in self.api:
            if entry["body"]["data"] not in seen:
                seen.append(entry["body"]["data"])
        return seen

    def merged(self, ids):
        """``ids`` in the windows' merged order: by the date field, then by id, newest first."""
        collection, field = DATES[self.path]
        times = dict((record["id"], record[field]) for record in self.data[collection])
        return sorted(ids, key=lambda identifier: (times[identifier], identifier), reverse=True)

    def asked_again(self, entry):
        """The later requests that asked what ``entry`` asked: the same query and page."""
        later = self.api[self.api.index(entry) + 1:]
        return [other for other in later if other["body"] == entry["body"]]

    def expected_ids(self):
        """The emulator's own answer to the query the module sent (data[0] of its first request), in order."""
        first = self.api[0]
        validate, search, _wrap = ENDPOINTS[self.path]
        return [record["id"] for record in search(self.data, validate(first["body"]["data"][0], first["time"]))]


def run_scenario(emulator, ansible_playbook, scenario):
    emulator.reset()
    try:
        if scenario.config:
            emulator.configure(**scenario.config)
        if scenario.faults:
            emulator.faults(*scenario.faults)
        data = emulator.data()
        run = run_with_args_file(ansible_playbook, scenario.module, scenario.module_args(emulator, data), verbosity=4)
        tokens = emulator._call("/_emulator/tokens")["tokens"]  # pylint: disable=protected-access
        return Record(scenario, run, emulator.requests(), tokens, data, emulator.actions())
    finally:
        # A module that changes state changed the data: the next scenario starts from the same records as the first.
        emulator._call("/_emulator/reset", {} if module_registry.MODULES[scenario.module].read_only else {"reseed": 1})  # pylint: disable=protected-access


def run_with_args_file(ansible_playbook, module, module_args, **kwargs):
    """Run one module with its options in a vars file, as vault variables would be, never on the command line."""
    handle, path = tempfile.mkstemp(prefix="module-args-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as args_file:
            json.dump(dict(module=module, module_args=module_args), args_file)
        return ansible_playbook(RUN_MODULE_FROM_FILE, extra_vars=dict(args_file=path), **kwargs)
    finally:
        os.unlink(path)


_RECORDS = {}


def matrix_record(request, scenario):
    """The run of one scenario, made on first use and shared with test_secrets.py."""
    if scenario.name not in _RECORDS:
        _RECORDS[scenario.name] = run_scenario(
            request.getfixturevalue("fault_emulator"), request.getfixturevalue("ansible_playbook"), scenario)
    return _RECORDS[scenario.name]


@pytest.fixture(scope="session")
def fault_emulator():
    running = start_emulator("--held", str(HELD))
    yield running
    stop_emulator(running)


# -- what the outcomes must look like -------------------------------------------------------------


def complete(record):
    """The whole result, exact and in order; each page asked with the same query, or each failed attempt of a
    window asked again, the same window and page."""
    assert record.run.rc == 0, record.run
    ids = [item["id"] for item in record.result[record.items_key]]
    expected = record.expected_ids()
    assert len(expected) > 1 and len([s for s in record.statuses() if s == 200]) > 1, "the query must span pages"
    assert record.result["count"] == len(expected)
    assert record.result["truncated"] is False
    if not record.scenario.windowed:
        assert ids == expected
        assert len(record.windows) == 1, "every page and every retry asks the same query"
        return
    assert len(record.windows) > 2, "the query was cut into windows"
    # The emulator's answer to the whole query (no id twice in it), in the merged order: none lost, none repeated.
    assert ids == record.merged(expected)
    for entry in record.api:
        if entry["status"] != 200 or entry["fault"] == "fail":
            last = (record.asked_again(entry) or [entry])[-1]
            assert (last["status"], last["fault"]) == (200, None), "a failed attempt asked again until answered"


def clear_error(record, error_type, *words):
    """A failure: the error type, the words that explain it, no partial result, no traceback."""
    result = record.result
    assert record.run.rc != 0, record.run
    assert result["_status"] == "failed"
    assert result["error_type"] == error_type, result
    for word in words:
        assert word in result["msg"], result["msg"]
    assert record.items_key not in result
    assert "Traceback" not in record.run.output
    return result


def window_error(record, error_type, status, *words):
    """A clear error about one window's request: its HTTP status and request id, the request not sent again."""
    result = clear_error(record, error_type, *words)
    assert record.scenario.windowed and len(record.windows) >= 2, "the query was cut into windows"
    assert result["http_status"] == status
    assert result["request_id"] and result["request_id"] in result["msg"]
    [faulted] = [entry for entry in record.api if entry["fault"]]
    assert faulted["body"]["data"] != record.api[0]["body"]["data"], "the fault landed in a window"
    if record.scenario.scheme == "v1":  # the x-mc-req-id the client signed with: the very request that failed
        assert result["request_id"] == faulted["headers"]["x-mc-req-id"]
    return result, faulted


def waits_after(record, status, entries=None):
    """(gap to the next request, the answer's entry) for every answer with ``status``."""
    entries = record.api if entries is None else entries
    return [(entries[i + 1]["time"] - entry["time"], entry) for i, entry in enumerate(entries[:-1]) if entry["status"] == status]


def pagination(entry):
    return entry["body"]["meta"]["pagination"]


# -- complete results -----------------------------------------------------------------------------


def check_rate_limit_storm(reset_ms):
    def check(record):
        complete(record)
        statuses = record.statuses()
        assert statuses == [200] + [429, 200] * ((len(statuses) - 1) // 2), "a 429 on every other request"
        gaps = waits_after(record, 429)
        assert len(gaps) >= 3
        for gap, _entry in gaps:
            # The request log's timestamps prove the client waited X-RateLimit-Reset before asking again.
            assert gap >= reset_ms / 1000.0, "came back %.3f s after a 429 that said %d ms" % (gap, reset_ms)
        if record.scenario.scheme == "v1":
            request_ids = [entry["headers"]["x-mc-req-id"] for entry in record.api]
            assert len(set(request_ids)) == len(request_ids), "each attempt signed afresh"
    return check


def check_server_errors(record):
    complete(record)
    assert record.statuses()[:8] == [200, 500, 200, 502, 503, 200, 504, 200]
    assert set(record.statuses()[8:]) == {200}


def check_drops(record):
    complete(record)
    # None: the emulator closed the connection without answering.
    assert record.statuses()[:7] == [200, None, 200, 200, None, None, 200]
    assert set(record.statuses()[7:]) == {200}


def check_read_timeout(record):
    complete(record)
    late = [i for i, entry in enumerate(record.api) if entry["fault"] == "delay"]
    assert len(late) == 1
    retry = record.api[late[0] + 1]
    assert pagination(retry).get("pageToken") == pagination(record.api[late[0]]).get("pageToken"), "the same page, asked again"


def check_retryable_fail(record):
    complete(record)
    assert [entry["fault"] for entry in record.api[:5]] == [None, "fail", "fail", None, None]


def check_windows_rate_limited(reset_ms):
    def check(record):
        complete(record)
        limited = [entry for entry in record.api if entry["status"] == 429]
        assert len(limited) >= 3
        for entry in limited:
            # The same window's page, asked again no sooner than the reset said: every window waits its turn.
            again = record.asked_again(entry)[0]
            assert again["time"] - entry["time"] >= reset_ms / 1000.0, "came back %.3f s after a 429 that said %d ms" % (
                again["time"] - entry["time"], reset_ms)
    return check


def check_windows_faults(*kinds, **expected):
    """Complete, with the faults of ``kinds`` in windows' requests; the windows share one token (``tokens``: 2, one
    refresh), or sign each attempt afresh."""
    def check(record):
        complete(record)
        faulted = [entry for entry in record.api if entry["fault"]]
        assert sorted(entry["fault"] for entry in faulted) == sorted(kinds)
        assert all(entry["body"]["data"] != record.api[0]["body"]["data"] for entry in faulted), "faults in windows"
        if record.scenario.scheme == "v1":
            request_ids = [entry["headers"]["x-mc-req-id"] for entry in record.api]
            assert len(set(request_ids)) == len(request_ids), "each attempt of each window signed afresh"
        else:
            assert record.statuses(record.token_requests) == [200] * expected.get("tokens", 1), "one token for all windows"
    return check


def check_windows_read_timeout(record):
    check_windows_faults("delay")(record)
    [late] = [entry for entry in record.api if entry["fault"] == "delay"]
    assert record.asked_again(late), "the page that came too late, asked again"


def check_token_refresh(record):
    complete(record)
    assert len(record.token_requests) == 2, "one refresh"
    assert len(record.tokens) == 2


def check_clamp(record):
    complete(record)
    if record.scenario.windowed:
        assert any(pagination(entry).get("pageToken") for entry in record.api[1:]), "a window's short page, then its next"
    else:
        assert len(record.api) == 3, "230 records, 100 a page"
    assert set(pagination(entry)["pageSize"] for entry in record.api) == {500}


def check_token_endpoint_faults(record):
    complete(record)
    assert record.statuses(record.token_requests) == [503, None, 200]


def check_token_rate_limit(record):
    complete(record)
    assert record.statuses(record.token_requests) == [429, 200]
    [(gap, _entry)] = waits_after(record, 429, record.token_requests)
    assert gap >= 0.6, "came back %.3f s after a 429 that said 600 ms" % gap


def check_mixed(record):
    complete(record)
    assert None in record.statuses() and 429 in record.statuses()


# -- clear errors ---------------------------------------------------------------------------------


def check_fail_not_retryable(record):
    result = clear_error(record, "MimecastApiError", "err_validation_null")
    assert result["http_status"] == 200
    assert result.get("attempts", 1) == 1
    assert [e["code"] for e in result["mimecast_errors"]] == ["err_validation_null"]
    assert len(record.api) == 3, "stopped at the failing page, no retry"


def check_token_expired_twice(record):
    result = clear_error(record, "MimecastAuthenticationError", "token_expired", "clock")
    assert len(record.token_requests) == 2, "one refresh, then a clear error, never a loop"
    assert len(record.api) == 2
    assert result["http_status"] == 401


def check_repeated_token(record):
    clear_error(record, "MimecastResponseError", "repeated a page token")
    assert len(record.api) == 2


def check_rejected_token(record):
    result = clear_error(record, "MimecastApiError", "err_invalid_page_token")
    assert result["http_status"] == 400
    assert len(record.api) == 2, "a refused page token is not retried"


def check_empty_page(record):
    clear_error(record, "MimecastResponseError", "empty page")
    assert len(record.api) == 2


def check_bad_body(*words):
    def check(record):
        result = clear_error(record, "MimecastResponseError", *words)
        assert result["http_status"] == 200
        assert len(record.api) == 2
    return check


def reported_time(result, attempts):
    match = ATTEMPTS_OVER.search(result["msg"])
    assert match, result["msg"]
    assert int(match.group(1)) == attempts
    return float(match.group(2))


def check_exhausted(record):
    result = clear_error(record, "MimecastApiError", "HTTP 503")
    assert result["attempts"] == 3 == len(record.api)
    spent = reported_time(result, 3)
    # The client's own clock spans at least what the emulator saw between the first and the last attempt.
    assert spent >= record.api[-1]["time"] - record.api[0]["time"] - 0.05


def check_max_retry_wait(record):
    result = clear_error(record, "MimecastApiError", "HTTP 429")
    # Each wait is at least the 0.3 s reset, and all of them fit in max_retry_wait (1 s): three at most, so four
    # attempts at most, far below retries: 10 (waiting out a rate limit's reset does not use up retries).
    assert 2 <= result["attempts"] <= 4
    assert result["attempts"] == len(record.api)
    reported_time(result, result["attempts"])
    for gap, _entry in waits_after(record, 429):
        assert gap >= 0.3


def check_refused(error_type, code, *words):
    def check(record):
        result = clear_error(record, error_type, *words)
        assert result.get("attempts", 1) == 1, "no retry storm"
        assert [e["code"] for e in result.get("mimecast_errors", [])] == ([code] if code else [])
        assert len(record.api) == (0 if record.scenario.scheme == "v2" else 1)
        if record.scenario.scheme == "v2":
            assert len(record.token_requests) == 1
    return check


def check_window_refused(error_type, status, *words, **expected):
    """A window's answer the client cannot use: one clear error, the failed request not sent again."""
    def check(record):
        result, faulted = window_error(record, error_type, status, *words)
        assert not record.asked_again(faulted), "not retried"
        assert result.get("attempts", 1) == 1
        if "code" in expected:
            assert [e["code"] for e in result["mimecast_errors"]] == [expected["code"]]
    return check


def check_empty_first_page(record):
    result = clear_error(record, "MimecastResponseError", "empty page")
    assert result["http_status"] == 200 and result["request_id"]
    assert len(record.api) == 1, "no window fetched after the whole range's first page came empty with a next token"


def check_windows_exhausted(record):
    result = clear_error(record, "MimecastApiError", "HTTP 503")
    assert result["http_status"] == 503 and result["request_id"]
    assert result["attempts"] == 3
    reported_time(result, 3)
    # Every window's first page failed three times; none was asked a fourth time.
    first_pages = [entry for entry in record.api[1:] if not pagination(entry).get("pageToken")]
    tries = collections.Counter(repr(entry["body"]) for entry in first_pages)
    assert len(tries) > 2 and set(tries.values()) <= {1, 2, 3} and 3 in tries.values()


def check_windows_max_retry_wait(record):
    result = clear_error(record, "MimecastApiError", "HTTP 429", "max_retry_wait")
    assert result["http_status"] == 429 and result["request_id"]
    assert result["attempts"] >= 2
    reported_time(result, result["attempts"])
    for entry in record.api[1:]:
        again = record.asked_again(entry)
        assert not again or again[0]["time"] - entry["time"] >= 0.3, "every window waited the reset"


def check_windows_token_expired(record):
    result = clear_error(record, "MimecastAuthenticationError", "token_expired", "clock")
    assert result["http_status"] == 401
    assert len(record.windows) > 2
    # Each window refreshes the token it was refused at most once, and only if no other window already has.
    assert 2 <= len(record.token_requests) <= len(record.windows)


def check_unreachable(record):
    result = clear_error(record, "MimecastTransportError", "No answer from", "proxy")
    assert result["attempts"] == 2
    assert record.log == []


# -- releasing and rejecting held messages: each exactly once, whatever happens to the answers ---------------------------


def held_ids(count, reason="spam", **extra):
    """Options releasing the first ``count`` messages held for ``reason``, with ``extra`` options."""
    def options(data):
        ids = [record["id"] for record in data["held"] if record["reasonCode"] == reason][:count]
        return dict(extra, ids=ids, state="released")
    return options


def rejecting(count):
    def options(data):
        return dict(held_ids(count)(data), state="rejected", reject_reason="against_email_policies",
                    reject_message="Rejected by policy", notify_sender=True)
    return options


def exactly_once(record):
    """Every given id acted on once and reported once, the task unfailed, nothing left held."""
    assert record.run.rc == 0, record.run
    options = record.scenario.options(record.data)
    wanted, state = options["ids"], options["state"]
    assert len(wanted) >= 3
    assert record.result[state] == wanted
    assert (record.result["failures"], record.result["not_held"], record.result["changed"]) == ([], [], True)
    acted = [action["id"] for action in record.actions]
    assert sorted(acted) == sorted(wanted) and len(acted) == len(set(acted)), "each message acted on exactly once"
    assert "Traceback" not in record.run.output
    return options


def check_lost_release_answers(record):
    exactly_once(record)
    releases = [entry for entry in record.log if entry["path"] == RELEASE]
    # The answers lost after the action was applied are never followed by a second release of the same id.
    sent = [entry["body"]["data"][0]["id"] for entry in releases]
    lost_before = [entry["body"]["data"][0]["id"] for entry in releases if entry["fault"] == "drop" and entry["status"] is None]
    assert len(sent) == len(set(sent)) + 1, "one release sent again: the one whose call was dropped before it applied"
    assert sent.count(lost_before[-1]) == 2


def check_lost_reject_answer(record):
    options = exactly_once(record)
    rejects = [entry["body"]["data"][0] for entry in record.log if entry["path"] == REJECT]
    assert len(rejects) == 1, "the lost answer hid an applied reject: it is not sent again"
    assert rejects[0] == dict(ids=options["ids"], reasonType="MESSAGE GOES AGAINST EMAIL POLICIES",
                              message="Rejected by policy", notify=True)
    assert [action["notify"] for action in record.actions] == [True] * len(options["ids"])


def check_rate_limited_release(record):
    exactly_once(record)
    reads = [entry for entry in record.log if entry["path"] == HOLD and "pageToken" not in pagination(entry)]
    assert len(reads) == 1, "a 429 applied nothing: it is retried without reading the hold list again"
    [(gap, _entry)] = waits_after(record, 429, [entry for entry in record.log if entry["path"] == RELEASE])
    assert gap >= 0.4


def rate_limit(reset_ms):
    return dict(kind="rate_limit", reset_ms=reset_ms)


def status(code, html=True):
    return dict(kind="status", status=code, html=html)


DROP = dict(kind="drop")
APPLIED_THEN_DROPPED = dict(kind="drop", apply=True)
RELEASE = module_registry.MODULES["held"].paths[0]
REJECT = module_registry.MODULES["held"].paths[1]
RETRYABLE_FAIL = dict(kind="fail", code="err_internal_busy", message="try again", retryable=True)
WRONG_SECRET_KEY = base64.b64encode(b"not-the-emulator-secret-key").decode("ascii")

SCENARIOS = [
    # 429 on every other request, X-RateLimit-Reset in milliseconds.
    Scenario("rate-limit-storm", check_rate_limit_storm(300), args=dict(page_size=60),
             faults=[dict(kind="rate_limit", path=HOLD, reset_ms=300, count=0, every=2)]),
    Scenario("rate-limit-storm-api-1.0", check_rate_limit_storm(150), scheme="v1", args=dict(page_size=60),
             faults=[dict(kind="rate_limit", path=HOLD, reset_ms=150, count=0, every=2)]),
    # 500/502/503/504 bursts, HTML pages from a proxy among them.
    Scenario("server-error-bursts", check_server_errors, args=dict(page_size=25),
             faults=at(HOLD, (2, status(500, html=False)), (4, status(502)), (5, status(503)), (7, status(504)))),
    Scenario("dropped-connections", check_drops, scheme="v1", args=dict(page_size=25),
             faults=at(HOLD, (2, DROP), (5, DROP), (6, DROP))),
    Scenario("read-timeout", check_read_timeout, args=dict(page_size=25, timeout=0.5),
             faults=at(HOLD, (3, dict(kind="delay", delay_ms=1000)))),
    Scenario("retryable-fail-at-200", check_retryable_fail, args=dict(page_size=25),
             faults=at(HOLD, (2, RETRYABLE_FAIL), (3, RETRYABLE_FAIL))),
    # The token's lifetime (2 s) runs out while page 3 is slow (2.1 s): one refresh, wherever it happens.
    Scenario("token-expires-mid-pagination", check_token_refresh, args=dict(page_size=25),
             config=dict(token_lifetime=2), faults=at(HOLD, (3, dict(kind="delay", delay_ms=2100)))),
    Scenario("page-size-clamped", check_clamp, args=dict(page_size=500), config=dict(max_page_size=100)),
    Scenario("token-endpoint-faults", check_token_endpoint_faults, args=dict(page_size=100),
             faults=at(TOKEN, (1, status(503)), (2, DROP))),
    # 600 ms: longer than the first back-off step (at most 0.5 s), so only honouring the header passes.
    Scenario("token-endpoint-rate-limited", check_token_rate_limit, args=dict(page_size=100),
             faults=at(TOKEN, (1, rate_limit(600)))),
    Scenario("processing-mixed-faults", check_mixed, module="processing", args=dict(page_size=4, start="-30d"),
             faults=at(PROCESSING, (2, rate_limit(100)), (4, DROP), (5, status(503)), (7, RETRYABLE_FAIL))),
    Scenario("tracking-mixed-faults", check_mixed, module="track", scheme="v1",
             args=dict(page_size=7, route=["inbound", "outbound", "internal"]),
             faults=at(TRACK, (2, DROP), (3, status(502)), (5, rate_limit(100)))),
    # Clear errors.
    Scenario("fail-not-retryable", check_fail_not_retryable, args=dict(page_size=25),
             faults=at(HOLD, (3, dict(kind="fail", code="err_validation_null", message="data cannot be null")))),
    Scenario("token-expired-twice", check_token_expired_twice, faults=[dict(kind="token_expired", path=HOLD, count=0)]),
    Scenario("repeated-page-token", check_repeated_token, args=dict(page_size=25),
             faults=[dict(kind="repeat_token", path=HOLD, after=1, count=0)]),
    Scenario("rejected-page-token", check_rejected_token, args=dict(page_size=25),
             faults=at(HOLD, (2, dict(kind="status", status=400, code="err_invalid_page_token",
                                      message="Field 'meta.pagination.pageToken' is not valid for this request")))),
    Scenario("empty-page-with-next", check_empty_page, args=dict(page_size=25),
             faults=at(HOLD, (2, dict(kind="empty_page_with_next")))),
    Scenario("truncated-json", check_bad_body("not valid JSON"), args=dict(page_size=25),
             faults=at(HOLD, (2, dict(kind="bad_json")))),
    Scenario("not-json", check_bad_body("not valid JSON", "Service is operating normally"), args=dict(page_size=25),
             faults=at(HOLD, (2, dict(kind="not_json")))),
    Scenario("no-data", check_bad_body("no data list"), args=dict(page_size=25), faults=at(HOLD, (2, dict(kind="no_data")))),
    Scenario("retries-exhausted", check_exhausted, args=dict(retries=2),
             faults=[dict(kind="status", path=HOLD, status=503, html=True, count=0)]),
    Scenario("max-retry-wait-caps-the-total", check_max_retry_wait, args=dict(retries=10, max_retry_wait=1),
             faults=[dict(kind="rate_limit", path=HOLD, reset_ms=300, count=0)]),
    Scenario("wrong-client-secret", check_refused("MimecastAuthenticationError", "invalid_client", "client_secret"),
             creds=dict(client_secret="wrong-client-secret-Vt63")),
    Scenario("bad-signature", check_refused("MimecastAuthenticationError", "err_xdk_invalid_signature", "clock"),
             scheme="v1", creds=dict(secret_key=WRONG_SECRET_KEY)),
    Scenario("unknown-access-key", check_refused("MimecastAuthenticationError", "err_developer_key", "app_key"),
             scheme="v1", creds=dict(access_key="wrong-access-key-Ke40")),
    Scenario("server-unreachable", check_unreachable, args=dict(base_url="closed-port", retries=1)),
    # Time windows fetched at once (concurrency 4 by default), the faults in the windows' requests.
    Scenario("rate-limit-storm-windows", check_windows_rate_limited(300), args=WINDOWS,
             faults=[dict(kind="rate_limit", path=HOLD, reset_ms=300, count=0, every=2)]),
    Scenario("server-errors-windows", check_windows_faults("status", "status", "status", "status"), args=WINDOWS,
             faults=at(HOLD, (2, status(500, html=False)), (4, status(502)), (5, status(503)), (7, status(504)))),
    Scenario("dropped-connections-windows-api-1.0", check_windows_faults("drop", "drop", "drop"), scheme="v1",
             args=dict(WINDOWS, concurrency=8), faults=at(HOLD, (2, DROP), (5, DROP), (6, DROP))),
    Scenario("read-timeout-windows", check_windows_read_timeout, args=dict(WINDOWS, timeout=0.5),
             faults=at(HOLD, (4, dict(kind="delay", delay_ms=1000)))),
    Scenario("token-expires-in-a-window", check_windows_faults("token_expired", tokens=2), args=WINDOWS,
             faults=at(HOLD, (3, dict(kind="token_expired")))),
    Scenario("page-size-clamped-windows", check_clamp, args=dict(WINDOWS, page_size=500), config=dict(max_page_size=100)),
    Scenario("fail-not-retryable-windows-api-1.0",
             check_window_refused("MimecastApiError", 200, "err_validation_null", code="err_validation_null"),
             scheme="v1", args=WINDOWS,
             faults=at(HOLD, (3, dict(kind="fail", code="err_validation_null", message="data cannot be null")))),
    Scenario("rejected-page-token-windows", check_window_refused("MimecastApiError", 400, "err_invalid_page_token"),
             args=WINDOWS, faults=at(HOLD, (4, dict(kind="status", status=400, code="err_invalid_page_token",
                                                    message="Field 'meta.pagination.pageToken' is not valid")))),
    # Two workers: requests 2 and 3 are the first pages of the first two windows, whichever comes first.
    Scenario("empty-page-with-next-windows", check_window_refused("MimecastResponseError", 200, "empty page"),
             args=dict(WINDOWS, concurrency=2), faults=at(HOLD, (2, dict(kind="empty_page_with_next")))),
    Scenario("empty-first-page-before-windows", check_empty_first_page, args=WINDOWS,
             faults=at(HOLD, (1, dict(kind="empty_page_with_next")))),
    Scenario("truncated-json-windows-api-1.0", check_window_refused("MimecastResponseError", 200, "not valid JSON"),
             scheme="v1", args=WINDOWS, faults=at(HOLD, (3, dict(kind="bad_json")))),
    Scenario("processing-no-data-windows", check_window_refused("MimecastResponseError", 200, "no data list"),
             module="processing", args=dict(page_size=4, start="-30d"), faults=at(PROCESSING, (3, dict(kind="no_data")))),
    Scenario("retries-exhausted-windows", check_windows_exhausted, args=dict(WINDOWS, retries=2),
             faults=[dict(kind="status", path=HOLD, status=503, html=True, count=0, after=1)]),
    Scenario("max-retry-wait-windows", check_windows_max_retry_wait, args=dict(WINDOWS, retries=10, max_retry_wait=1),
             faults=[dict(kind="rate_limit", path=HOLD, reset_ms=300, count=0, after=1)]),
    Scenario("token-expired-twice-windows", check_windows_token_expired, args=WINDOWS,
             faults=[dict(kind="token_expired", path=HOLD, count=0, after=1)]),
    # Releasing and rejecting: answers lost after the action was applied, or before, and rate limits.
    Scenario("held-release-answers-lost", check_lost_release_answers, module="held", args=held_ids(6),
             faults=at(RELEASE, (1, APPLIED_THEN_DROPPED), (3, dict(status(502), apply=True)), (4, DROP),
                       (6, dict(kind="bad_json", apply=True)))),
    Scenario("held-reject-answer-lost-api-1.0", check_lost_reject_answer, module="held", scheme="v1", args=rejecting(4),
             faults=at(REJECT, (1, APPLIED_THEN_DROPPED))),
    Scenario("held-release-rate-limited", check_rate_limited_release, module="held", args=held_ids(3),
             faults=at(RELEASE, (2, rate_limit(400)))),
    # The emulator applies the release, then answers after the client's read timeout.
    Scenario("held-release-times-out-after-applying", exactly_once, module="held", args=held_ids(3, timeout=0.5),
             faults=at(RELEASE, (2, dict(kind="delay", delay_ms=1500)))),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=repr)
def test_fault_matrix(request, scenario):
    scenario.check(matrix_record(request, scenario))
