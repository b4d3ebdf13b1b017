# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waits: a 429's wait from its headers, and max_retry_wait, the cap on all the waits of one call."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastApiError
from ansible_collections.mimecast.gateway.tests.unit.client_calls import OK, v2_call
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import Answer, fail_answer, html_answer


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
