# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Failures inside an HTTP 200, and what an error says of the answer it came from."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastApiError, MimecastResponseError
from ansible_collections.mimecast.gateway.tests.unit.client_calls import HOLD, OK, v2_call
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import Answer, fail_answer


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
