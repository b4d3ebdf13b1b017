# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fault matrix scenarios of the listing modules (test_faults.py): complete results and clear errors, serial and in
time windows."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections

from fault_matrix import (
    ATTEMPTS_OVER, DROP, HOLD, PROCESSING, RETRYABLE_FAIL, TOKEN, TRACK, WINDOWS, WRONG_SECRET_KEY, Scenario, at,
    clear_error, complete, pagination, rate_limit, status, waits_after, window_error,
)


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
]
