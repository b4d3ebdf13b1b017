# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What is retried and how often: the back-off policy, server errors, transport failures and client errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket

import pytest
import requests
import urllib3

from ansible_collections.mimecast.gateway.plugins.module_utils._backoff import Backoff
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastApiError, MimecastAuthenticationError, MimecastTransportError
from ansible_collections.mimecast.gateway.tests.unit.client_calls import HOLD, OK, v2_call
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import V2_BASE, Answer, fail_answer, html_answer


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
