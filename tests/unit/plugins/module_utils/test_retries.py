# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Retries, back-off, error classes, hints and request ids."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket

import pytest
import requests
import urllib3

from ansible_collections.mimecast.gateway.plugins.module_utils._backoff import Backoff
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import ENDPOINTS
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import (
    MimecastApiError,
    MimecastAuthenticationError,
    MimecastResponseError,
    MimecastTransportError,
)
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    V2_BASE,
    Answer,
    FakeClock,
    FakeTransport,
    fail_answer,
    flat_fail_answer,
    html_answer,
    make_client,
    page,
    token_answer,
    v1_settings,
    v2_settings,
)

HOLD = "/api/gateway/get-hold-message-list"
ENDPOINT_BY_PATH = dict((endpoint.path, endpoint) for endpoint in ENDPOINTS)
READ_ENDPOINTS = sorted(endpoint.path for endpoint in ENDPOINTS if not endpoint.changes_state)
OK = page([dict(id="a")])


def v2_call(answers, clock=None, rand=None, path=HOLD, **settings):
    """POST once through an API 2.0 client; return (transport, clock, response or error)."""
    transport = FakeTransport(answers, [token_answer()])
    clock = clock or FakeClock()
    client = make_client(v2_settings(**settings), transport, clock=clock, rand=rand)
    try:
        outcome = client.post(ENDPOINT_BY_PATH[path], {"data": [{}]})
    except Exception as exc:  # pylint: disable=broad-except
        outcome = exc
    return transport, clock, outcome


def v1_call(answers, clock=None, path=HOLD, **settings):
    transport = FakeTransport(answers)
    clock = clock or FakeClock()
    client = make_client(v1_settings(**settings), transport, clock=clock)
    try:
        outcome = client.post(ENDPOINT_BY_PATH[path], {"data": [{}]})
    except Exception as exc:  # pylint: disable=broad-except
        outcome = exc
    return transport, clock, outcome


# -- back-off policy --------------------------------------------------------------------------


@pytest.mark.parametrize("retries_done, expected", [(0, 0.375), (1, 0.75), (2, 1.5), (3, 3.0), (6, 22.5), (10, 22.5)])
def test_backoff_grows_exponentially_to_a_cap(retries_done, expected):
    assert Backoff(20, 1000, rand=lambda: 0.5).delay(retries_done, 0) == pytest.approx(expected)


@pytest.mark.parametrize("rand, expected", [(0.0, 0.5), (1.0, 1.0)])
def test_backoff_jitter_stays_within_half_to_full_step(rand, expected):
    assert Backoff(5, 1000, rand=lambda: rand).delay(1, 0) == pytest.approx(expected)


def test_backoff_stops_when_retries_are_used_up():
    backoff = Backoff(2, 1000, rand=lambda: 0.5)
    assert backoff.delay(1, 0) == pytest.approx(0.75)
    assert backoff.delay(2, 0) is None


def test_backoff_stops_when_the_total_wait_would_pass_the_cap():
    backoff = Backoff(5, 1.0, rand=lambda: 0.5)
    assert backoff.delay(0, 0.625) == pytest.approx(0.375)
    assert backoff.delay(0, 0.7) is None


@pytest.mark.parametrize("floor, rand, expected", [(1.5, 0.0, 1.5), (1.5, 0.5, 1.6), (2.0, 1.0, 2.25), (20.0, 1.0, 21.0)])
def test_backoff_never_waits_less_than_the_server_asked(floor, rand, expected):
    assert Backoff(5, 1000, rand=lambda: rand).delay(0, 0, floor) == pytest.approx(expected)


# -- rate limits -------------------------------------------------------------------------------


@pytest.mark.parametrize("rand, expected", [(lambda: 0.0, 1.5), (lambda: 0.5, 1.6)])
def test_429_waits_for_x_ratelimit_reset_in_milliseconds(rand, expected):
    transport, clock, outcome = v2_call([Answer(429, {"fail": []}, headers={"X-RateLimit-Reset": "1500"}), OK], rand=rand)
    assert outcome.status == 200
    assert len(transport.api_requests) == 2
    assert len(clock.sleeps) == 1
    assert clock.sleeps[0] >= 1.5
    assert clock.sleeps[0] == pytest.approx(expected)


def test_429_waits_for_retry_after_in_seconds():
    transport, clock, outcome = v2_call([Answer(429, text="slow down", headers={"Retry-After": "2"}), OK])
    assert outcome.status == 200
    assert len(transport.api_requests) == 2
    assert clock.sleeps[0] >= 2.0
    assert clock.sleeps[0] == pytest.approx(2.125)


def test_429_takes_the_longer_of_both_headers():
    transport, clock, outcome = v2_call(
        [Answer(429, text="", headers={"Retry-After": "3", "X-RateLimit-Reset": "500"}), OK], rand=lambda: 0.0)
    assert outcome.status == 200
    assert clock.sleeps == [pytest.approx(3.0)]
    assert len(transport.api_requests) == 2


@pytest.mark.parametrize("headers", [{"X-Mimecast-RateLimit-Reset": "1500"}, {"x-mimecast-ratelimit-reset": "1500"},
                                     {"X-Mimecast-RateLimit-Reset": "1500", "X-RateLimit-Reset": "200"}])
def test_429_waits_for_the_vendor_prefixed_reset_header_in_milliseconds(headers):
    # Some deployments name the header X-Mimecast-RateLimit-Reset; the longer of the two resets wins.
    transport, clock, outcome = v2_call([Answer(429, {"fail": []}, headers=headers), OK], rand=lambda: 0.0)
    assert outcome.status == 200
    assert clock.sleeps == [pytest.approx(1.5)]
    assert len(transport.api_requests) == 2


@pytest.mark.parametrize("headers", [{}, {"X-RateLimit-Reset": "soon"}, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, {"X-RateLimit-Reset": "-5"}])
def test_429_without_usable_headers_uses_the_normal_backoff(headers):
    transport, clock, outcome = v2_call([Answer(429, text="", headers=headers), OK])
    assert outcome.status == 200
    assert clock.sleeps == [pytest.approx(0.375)]
    assert len(transport.api_requests) == 2


def test_max_retry_wait_cap_stops_before_a_long_rate_limit_wait():
    transport, clock, outcome = v2_call([Answer(429, text="", headers={"X-RateLimit-Reset": "1500"}), OK], max_retry_wait=1.0)
    assert isinstance(outcome, MimecastApiError)
    assert outcome.status == 429
    assert outcome.attempts == 1
    assert clock.sleeps == []
    assert len(transport.api_requests) == 1
    assert "waiting stopped because the next wait (for a rate limit's reset) would pass max_retry_wait (1 s)" in str(outcome)


def test_max_retry_wait_caps_the_total_of_the_waits():
    transport, clock, outcome = v2_call([html_answer(503)] * 5, max_retry_wait=1.0)
    assert isinstance(outcome, MimecastApiError)
    assert clock.sleeps == [pytest.approx(0.375)]
    assert outcome.attempts == 2
    assert len(transport.api_requests) == 2
    assert str(outcome).startswith("Gave up after 2 attempts")
    assert "max_retry_wait (1 s)" in str(outcome)


def test_retries_used_up_do_not_blame_max_retry_wait():
    transport, clock, outcome = v2_call([html_answer(503)] * 3, retries=2)
    assert outcome.attempts == 3
    assert "max_retry_wait" not in str(outcome)


def test_an_error_not_retried_still_reports_one_attempt():
    transport, clock, outcome = v2_call([fail_answer("err_validation_blank", status=400)])
    assert outcome.to_fail_json()["attempts"] == 1
    assert "attempt" not in str(outcome)


# -- server errors and transport failures -----------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_with_html_bodies_are_retried(status):
    transport, clock, outcome = v2_call([html_answer(status), html_answer(status), OK])
    assert outcome.status == 200
    assert outcome.json["data"] == [dict(id="a")]
    assert len(transport.api_requests) == 3
    assert clock.sleeps == [pytest.approx(0.375), pytest.approx(0.75)]


def test_retries_exhausted():
    transport, clock, outcome = v2_call([html_answer(503, "<html><body><h1>503 Service Unavailable</h1></body></html>")] * 4, retries=3)
    assert isinstance(outcome, MimecastApiError)
    assert outcome.attempts == 4
    assert outcome.status == 503
    assert len(transport.api_requests) == 4
    assert clock.sleeps == [pytest.approx(0.375), pytest.approx(0.75), pytest.approx(1.5)]
    assert str(outcome) == "Gave up after 4 attempts over 2.6 s: Mimecast answered HTTP 503 for %s: 503 Service Unavailable" % HOLD
    assert outcome.to_fail_json()["attempts"] == 4


def test_retries_zero_means_one_attempt():
    transport, clock, outcome = v2_call([html_answer(500)], retries=0)
    assert isinstance(outcome, MimecastApiError)
    assert outcome.attempts == 1
    assert str(outcome).startswith("Mimecast answered HTTP 500 for %s" % HOLD)
    assert "attempt" not in str(outcome)
    assert not str(outcome).startswith("Gave up")
    assert clock.sleeps == []
    assert len(transport.api_requests) == 1


def name_resolution_failure(errno, text):
    """What requests raises when getaddrinfo fails: its ConnectionError wrapping urllib3's, wrapping the socket's."""
    cause = socket.gaierror(errno, text)
    failure = urllib3.exceptions.NameResolutionError("no-such-host.invalid", None, cause)
    failure.__cause__ = cause
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/x", failure))


def test_a_host_name_that_does_not_exist_fails_at_once_with_the_hint():
    transport, clock, outcome = v2_call([name_resolution_failure(socket.EAI_NONAME, "Name or service not known")] + [OK] * 5)
    assert isinstance(outcome, MimecastTransportError)
    assert "does not exist" in str(outcome) and "check base_url/region" in str(outcome)
    assert outcome.attempts == 1 and clock.sleeps == []
    assert len(transport.api_requests) == 1


def test_a_resolver_that_could_not_answer_is_retried():
    transport, clock, outcome = v2_call([name_resolution_failure(socket.EAI_AGAIN, "Temporary failure in name resolution"), OK])
    assert outcome.status == 200
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("failure", [
    requests.exceptions.ConnectionError("Connection refused"),
    requests.exceptions.ReadTimeout("Read timed out. (read timeout=30)"),
    requests.exceptions.ConnectTimeout("Connect timed out"),
])
def test_transport_failures_are_retried(failure):
    transport, clock, outcome = v2_call([failure, OK])
    assert outcome.status == 200
    assert len(transport.api_requests) == 2
    assert clock.sleeps == [pytest.approx(0.375)]


def test_transport_failures_exhausted():
    transport, clock, outcome = v2_call([requests.exceptions.ReadTimeout("Read timed out.")] * 3, retries=2)
    assert isinstance(outcome, MimecastTransportError)
    assert outcome.attempts == 3
    assert len(transport.api_requests) == 3
    assert str(outcome).startswith("Gave up after 3 attempts over 1.1 s: No answer from %s%s: Read timed out." % (V2_BASE, HOLD))
    assert "3 attempts" in str(outcome)
    assert outcome.hint == "check base_url/region, proxy settings and network access to Mimecast"


def test_tls_failure_is_not_retried():
    transport, clock, outcome = v2_call([requests.exceptions.SSLError("certificate verify failed")])
    assert isinstance(outcome, MimecastTransportError)
    assert len(transport.api_requests) == 1
    assert clock.sleeps == []
    assert "ca_path" in outcome.hint
    assert "TLS verification of %s%s failed: certificate verify failed" % (V2_BASE, HOLD) in str(outcome)


def test_other_request_failures_are_not_retried():
    transport, clock, outcome = v2_call([requests.exceptions.TooManyRedirects("Exceeded 30 redirects.")])
    assert isinstance(outcome, MimecastTransportError)
    assert len(transport.api_requests) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("status, cls", [
    (400, MimecastApiError),
    (401, MimecastAuthenticationError),
    (403, MimecastAuthenticationError),
    (404, MimecastApiError),
    (405, MimecastApiError),
    (409, MimecastApiError),
    (418, MimecastAuthenticationError),
])
def test_client_errors_are_not_retried(status, cls):
    transport, clock, outcome = v2_call([Answer(status, text="nope"), OK])
    assert type(outcome) is cls  # pylint: disable=unidiomatic-typecheck
    assert outcome.status == status
    assert len(transport.api_requests) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 418])
def test_client_error_with_a_retryable_fail_is_still_not_retried(status):
    transport, clock, outcome = v2_call([fail_answer("err_x", retryable=True, status=status), OK])
    assert isinstance(outcome, (MimecastApiError, MimecastAuthenticationError))
    assert outcome.status == status
    assert len(transport.api_requests) == 1
    assert clock.sleeps == []


def test_other_http_error_with_a_retryable_fail_is_retried():
    transport, clock, outcome = v2_call([fail_answer("err_x", retryable=True, status=422), OK])
    assert outcome.status == 200
    assert len(transport.api_requests) == 2


# -- failures inside an HTTP 200 --------------------------------------------------------------


def test_retryable_fail_at_200_is_retried():
    transport, clock, outcome = v2_call([fail_answer("err_busy", "busy", retryable=True), OK])
    assert outcome.status == 200
    assert len(transport.api_requests) == 2
    assert clock.sleeps == [pytest.approx(0.375)]


def test_not_retryable_fail_at_200_fails_at_once():
    transport, clock, outcome = v2_call([fail_answer("err_validation_blank", "Field must not be blank", retryable=False), OK])
    assert type(outcome) is MimecastApiError  # pylint: disable=unidiomatic-typecheck
    assert len(transport.api_requests) == 1
    assert clock.sleeps == []
    assert outcome.to_fail_json()["mimecast_errors"] == [dict(code="err_validation_blank", message="Field must not be blank", retryable=False)]
    assert outcome.to_fail_json()["http_status"] == 200
    assert str(outcome) == "Mimecast reported a failure for %s (HTTP 200; err_validation_blank: Field must not be blank)" % HOLD


def test_partly_retryable_fail_is_not_retried():
    body = {"fail": [{"key": {}, "errors": [dict(code="err_a", message="a", retryable=True), dict(code="err_b", message="b", retryable=False)]}],
            "data": []}
    transport, clock, outcome = v2_call([Answer(200, body), OK])
    assert isinstance(outcome, MimecastApiError)
    assert outcome.codes == ["err_a", "err_b"]
    assert len(transport.api_requests) == 1


def test_fail_exhausting_retries_reports_attempts():
    transport, clock, outcome = v2_call([fail_answer("err_busy", "busy", retryable=True)] * 3, retries=2)
    assert isinstance(outcome, MimecastApiError)
    assert outcome.attempts == 3
    assert "3 attempts" in str(outcome)
    assert outcome.to_fail_json()["mimecast_errors"] == [dict(code="err_busy", message="busy", retryable=True)]


def test_flat_fail_entries_and_odd_entries_are_reported():
    body = {"data": [], "fail": [{"code": "err_flat", "message": "flat"}, "a plain string"]}
    transport, clock, outcome = v2_call([Answer(200, body)])
    assert isinstance(outcome, MimecastApiError)
    assert outcome.to_fail_json()["mimecast_errors"] == [
        dict(code="err_flat", message="flat", retryable=False), dict(code="", message="a plain string", retryable=False)]


@pytest.mark.parametrize("answer, detail", [
    (Answer(200, text="<html>maintenance</html>"), "is not valid JSON"),
    (Answer(200), "empty body"),
])
def test_unreadable_200_is_a_response_error(answer, detail):
    transport, clock, outcome = v2_call([answer, OK])
    assert type(outcome) is MimecastResponseError  # pylint: disable=unidiomatic-typecheck
    assert detail in str(outcome)
    assert len(transport.api_requests) == 1


def test_http_error_with_fail_reports_the_codes_not_the_body():
    transport, clock, outcome = v2_call([fail_answer("err_validation_null", "data is null", status=400)])
    assert str(outcome) == "Mimecast answered HTTP 400 for %s (err_validation_null: data is null)" % HOLD


def test_http_error_with_html_reports_a_tag_free_snippet():
    transport, clock, outcome = v2_call([Answer(405, text="<html><head><title>405</title></head><body><p>Method   Not\nAllowed</p></body></html>")])
    assert outcome.message == "Mimecast answered HTTP 405 for %s: 405 Method Not Allowed" % HOLD


def test_long_html_snippet_is_cut():
    transport, clock, outcome = v2_call([Answer(400, text="<p>%s</p>" % ("x" * 500))])
    assert outcome.message == "Mimecast answered HTTP 400 for %s: %s..." % (HOLD, "x" * 160)


# -- hints -------------------------------------------------------------------------------------


def test_invalid_signature_hint_mentions_the_clock():
    transport, clock, outcome = v1_call([fail_answer("err_xdk_invalid_signature", "0004 Invalid Signature", status=401)])
    assert isinstance(outcome, MimecastAuthenticationError)
    assert "clock" in outcome.hint
    assert "Hint: Mimecast rejected the request signature" in str(outcome)
    assert len(transport.requests) == 1


@pytest.mark.parametrize("answer", [Answer(418, text=""), fail_answer("err_xdk_binding_expired", "binding expired", status=418),
                                    fail_answer("err_xdk_binding_expired", "binding expired", status=200)])
def test_binding_expired_hint(answer):
    transport, clock, outcome = v1_call([answer])
    assert isinstance(outcome, MimecastAuthenticationError)
    assert outcome.hint.startswith("the API 1.0 access key's binding has expired")
    assert len(transport.requests) == 1


def test_developer_key_hint():
    transport, clock, outcome = v1_call([fail_answer("err_developer_key", "bad key", status=401)])
    assert isinstance(outcome, MimecastAuthenticationError)
    assert outcome.hint.startswith("Mimecast does not recognise the application or access key")


@pytest.mark.parametrize("path", READ_ENDPOINTS)
@pytest.mark.parametrize("answer", [Answer(403, text="Forbidden"), flat_fail_answer("app_forbidden", "forbidden", status=403),
                                    fail_answer("app_forbidden", "forbidden", status=200)])
def test_forbidden_hint_names_the_permission_of_the_endpoint(path, answer):
    transport, clock, outcome = v2_call([answer], path=path)
    assert isinstance(outcome, MimecastAuthenticationError)
    permission = ENDPOINT_BY_PATH[path].permission
    assert outcome.hint == "the API application or its user lacks a role or product; %s needs the %s permission" % (path, permission)
    assert permission in str(outcome)


def test_permissions_per_endpoint():
    assert dict((endpoint.path, endpoint.permission) for endpoint in ENDPOINTS) == {
        "/api/gateway/find-processing-messages": "Monitoring | Processing | Read",
        "/api/message-finder/search": "Gateway | Tracking | Read",
        "/api/gateway/get-hold-message-list": "Account | Dashboard | Read",
        "/api/gateway/hold-release": "Account | Monitoring | Held | Edit",
        "/api/gateway/hold-reject": "Account | Monitoring | Held | Edit",
    }


def test_not_found_hint_names_the_base_url():
    transport, clock, outcome = v2_call([Answer(404, text="Not Found")])
    assert type(outcome) is MimecastApiError  # pylint: disable=unidiomatic-typecheck
    assert outcome.hint == "no such endpoint at %s: check base_url/region" % V2_BASE


def test_v2_unauthorized_hint():
    transport, clock, outcome = v2_call([flat_fail_answer("token_verification_failed", "bad token", status=401)])
    assert isinstance(outcome, MimecastAuthenticationError)
    assert outcome.hint == "check client_id and client_secret, and that the API 2.0 application is enabled"
    assert len(transport.api_requests) == 1
    assert len(transport.token_requests) == 1


def test_track_start_date_hint():
    transport, clock, outcome = v2_call([fail_answer("err_track_and_trace_invalid_start_date", "too old")], path="/api/message-finder/search")
    assert type(outcome) is MimecastApiError  # pylint: disable=unidiomatic-typecheck
    assert outcome.hint == "message tracking searches about 30 days back at most: move start later"


# -- request ids -------------------------------------------------------------------------------


def test_request_id_received_is_reported():
    transport, clock, outcome = v2_call([Answer(400, text="bad", headers={"x-request-id": "rid-v2-77"})])
    assert outcome.request_id == "rid-v2-77"
    assert "request id rid-v2-77" in str(outcome)
    assert outcome.to_fail_json()["request_id"] == "rid-v2-77"


def test_v1_without_received_id_reports_the_sent_x_mc_req_id():
    transport, clock, outcome = v1_call([fail_answer("err_validation_blank", "blank", status=400)])
    sent = transport.requests[0].headers["x-mc-req-id"]
    assert outcome.request_id == sent
    assert "request id %s" % sent in str(outcome)
    assert outcome.to_fail_json()["request_id"] == sent


def test_v1_reports_the_signed_request_id_even_when_an_x_request_id_comes_back():
    # API 1.0: the x-mc-req-id the request was signed with is the id Mimecast logs.
    transport, clock, outcome = v1_call([fail_answer("err_validation_blank", "blank", status=400, headers={"x-request-id": "rid-from-server"})])
    assert outcome.request_id == transport.requests[0].headers["x-mc-req-id"]


def test_v1_request_id_of_the_last_attempt_is_reported():
    transport, clock, outcome = v1_call([html_answer(502)] * 2, retries=1)
    assert outcome.request_id == transport.requests[1].headers["x-mc-req-id"]
    assert outcome.request_id != transport.requests[0].headers["x-mc-req-id"]


def test_v2_without_any_request_id_reports_none():
    transport, clock, outcome = v2_call([Answer(400, text="bad")])
    assert outcome.request_id is None
    assert "request_id" not in outcome.to_fail_json()
