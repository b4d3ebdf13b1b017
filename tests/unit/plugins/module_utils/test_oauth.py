# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 2.0 bearer tokens: fetched once, refreshed before expiry, refreshed once on token_expired."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import (
    MimecastApiError,
    MimecastAuthenticationError,
    MimecastResponseError,
)
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    CLIENT_SECRET,
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


def bearer_of(request):
    return request.headers["Authorization"]


def run_query(client):
    return [item for chunk in client.paginate(HOLD_LIST, dict(admin=True)) for item in chunk]


def test_token_fetched_once_for_several_pages():
    transport = FakeTransport([page([dict(id="a")], "t2"), page([dict(id="b")], "t3"), page([dict(id="c")])], [token_answer("tok-1")])
    assert run_query(make_client(v2_settings(), transport)) == [dict(id="a"), dict(id="b"), dict(id="c")]
    assert len(transport.token_requests) == 1
    assert [bearer_of(r) for r in transport.api_requests] == ["Bearer tok-1"] * 3


def test_token_fetched_once_for_several_queries_of_one_client():
    transport = FakeTransport([page([]), page([])], [token_answer("tok-1")])
    client = make_client(v2_settings(), transport)
    run_query(client)
    run_query(client)
    assert len(transport.token_requests) == 1


@pytest.mark.parametrize("expires_in, still_valid, refreshed", [
    (1799, 1738.9, 1739.0),   # margin 60 s
    (100, 89.9, 90.0),        # margin capped at a tenth of the lifetime
    (None, 1738.9, 1739.0),   # no expires_in: 1799 s assumed
    ("600", 539.9, 540.0),    # a string lifetime is read as a number
])
def test_token_refreshed_when_the_clock_passes_expiry_minus_margin(expires_in, still_valid, refreshed):
    first = token_answer("tok-1", expires_in)
    if expires_in is None:
        first = Answer(200, dict(access_token="tok-1", token_type="Bearer"))
    transport = FakeTransport([page([]), page([]), page([])], [first, token_answer("tok-2")])
    clock = FakeClock(start=1000.0)
    client = make_client(v2_settings(), transport, clock=clock)

    run_query(client)
    clock.now = 1000.0 + still_valid
    run_query(client)
    assert len(transport.token_requests) == 1
    clock.now = 1000.0 + refreshed
    run_query(client)
    assert len(transport.token_requests) == 2
    assert [bearer_of(r) for r in transport.api_requests] == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


@pytest.mark.parametrize("expired", [
    flat_fail_answer("token_expired", "Token has expired", status=401),
    flat_fail_answer("token_expired", "Token has expired", status=200),
    fail_answer("token_expired", "Token has expired", status=401),
])
def test_token_expired_refreshes_once_and_retries(expired):
    transport = FakeTransport([expired, page([dict(id="a")])], [token_answer("tok-1"), token_answer("tok-2")])
    clock = FakeClock()
    assert run_query(make_client(v2_settings(), transport, clock=clock)) == [dict(id="a")]
    assert len(transport.token_requests) == 2
    assert [bearer_of(r) for r in transport.api_requests] == ["Bearer tok-1", "Bearer tok-2"]
    assert clock.sleeps == []


def test_token_expired_twice_fails():
    expired = flat_fail_answer("token_expired", "Token has expired", status=401)
    transport = FakeTransport([expired, expired, page([])], [token_answer("tok-1"), token_answer("tok-2"), token_answer("tok-3")])
    with pytest.raises(MimecastAuthenticationError) as caught:
        run_query(make_client(v2_settings(), transport))
    err = caught.value
    assert len(transport.token_requests) == 2
    assert len(transport.api_requests) == 2
    assert err.attempts == 2
    assert err.codes == ["token_expired"]
    assert err.hint.startswith("Mimecast rejected a freshly fetched token as expired")
    assert str(err).startswith("Gave up after 2 attempts over 0.0 s: Mimecast answered token_expired for %s (HTTP 401; token_expired: Token has expired)"
                               % HOLD)


def test_token_expired_on_api_1_is_not_a_token_refresh():
    transport = FakeTransport([flat_fail_answer("token_expired", "expired", status=401), page([])])
    with pytest.raises(MimecastAuthenticationError):
        run_query(make_client(v1_settings(), transport))
    assert transport.token_requests == []
    assert len(transport.requests) == 1


def test_token_endpoint_401_never_reports_the_echoed_secret():
    echo = {"error": "invalid_client", "error_description": "client_secret=%s is wrong" % CLIENT_SECRET, "client_secret": CLIENT_SECRET}
    transport = FakeTransport([page([])], [Answer(401, echo, headers={"x-request-id": "rid-tok"})])
    with pytest.raises(MimecastAuthenticationError) as caught:
        run_query(make_client(v2_settings(), transport))
    err = caught.value
    assert transport.api_requests == []
    assert CLIENT_SECRET not in str(err)
    assert CLIENT_SECRET not in json.dumps(err.to_fail_json())
    assert "error_description" not in str(err)
    assert str(err).startswith("Mimecast refused the API 2.0 credentials (HTTP 401; invalid_client; request id rid-tok)")
    assert err.to_fail_json()["mimecast_errors"] == [dict(code="invalid_client", message="", retryable=False)]
    assert err.hint.startswith("check client_id and client_secret")


@pytest.mark.parametrize("status", [400, 401, 200])
def test_token_failure_in_mimecast_flat_shape_names_the_code_never_the_message(status):
    # API 2.0 token failures may come in Mimecast's own shape; its message may repeat what was sent.
    echo = "client_id %s client_secret %s not recognised" % ("test-client-id-0a1b", CLIENT_SECRET)
    body = {"meta": {"status": status}, "fail": [{"code": "InvalidClientIdentifier", "message": echo}]}
    transport = FakeTransport([page([])], [Answer(status, body, headers={"x-request-id": "rid-flat"})])
    with pytest.raises(MimecastAuthenticationError) as caught:
        run_query(make_client(v2_settings(), transport))
    err = caught.value
    failed = err.to_fail_json()
    assert str(err).startswith("Mimecast refused the API 2.0 credentials (HTTP %d; InvalidClientIdentifier; request id rid-flat)" % status)
    assert failed["mimecast_errors"] == [dict(code="InvalidClientIdentifier", message="", retryable=False)]
    assert "client_id" in err.hint
    for leaked in (CLIENT_SECRET, "test-client-id-0a1b", "not recognised"):
        assert leaked not in json.dumps(failed)
    assert transport.api_requests == []
    assert len(transport.token_requests) == 1


def test_token_failure_with_both_shapes_names_both_codes():
    body = {"error": "invalid_client", "fail": [{"code": "InvalidClientIdentifier"}, {"code": {"nested": "x"}}, "text"]}
    transport = FakeTransport([], [Answer(401, body)])
    with pytest.raises(MimecastAuthenticationError) as caught:
        run_query(make_client(v2_settings(), transport))
    assert [error["code"] for error in caught.value.to_fail_json()["mimecast_errors"]] == ["invalid_client", "InvalidClientIdentifier"]


def test_token_endpoint_404_names_the_url_not_the_credentials():
    transport = FakeTransport([], [Answer(404, text="<h1>Not Found</h1>")])
    with pytest.raises(MimecastApiError) as caught:
        run_query(make_client(v2_settings(), transport))
    assert not isinstance(caught.value, MimecastAuthenticationError)
    assert str(caught.value).startswith("No OAuth token endpoint answered at %s/oauth/token (HTTP 404" % V2_BASE)
    assert caught.value.hint == "check base_url/region: API 2.0 needs an API 2.0 host"
    assert "Not Found" not in str(caught.value)


@pytest.mark.parametrize("failure", [html_answer(503), Answer(429, {"error": "slow_down"}), html_answer(500)])
def test_token_endpoint_server_errors_are_retried(failure):
    transport = FakeTransport([page([dict(id="a")])], [failure, token_answer("tok-2")])
    clock = FakeClock()
    assert run_query(make_client(v2_settings(), transport, clock=clock)) == [dict(id="a")]
    assert len(transport.token_requests) == 2
    assert clock.sleeps == [pytest.approx(0.375)]
    assert bearer_of(transport.api_requests[0]) == "Bearer tok-2"


def test_token_endpoint_server_errors_exhausted():
    transport = FakeTransport([], [html_answer(502)] * 3)
    with pytest.raises(MimecastApiError) as caught:
        run_query(make_client(v2_settings(retries=2), transport))
    assert caught.value.attempts == 3
    assert caught.value.status == 502
    assert len(transport.token_requests) == 3
    assert transport.api_requests == []


@pytest.mark.parametrize("answer", [Answer(200, {"token_type": "Bearer"}), Answer(200, text="<html>login</html>"), Answer(200, {"access_token": ""}),
                                    Answer(200, {"access_token": {"value": "x"}}), Answer(200, ["access_token"]),
                                    Answer(200, text="[" * 100000)])
def test_token_answer_without_a_token_is_a_response_error(answer):
    transport = FakeTransport([], [answer])
    with pytest.raises(MimecastResponseError) as caught:
        run_query(make_client(v2_settings(), transport))
    assert caught.value.message == "The Mimecast token endpoint's answer holds no access_token"
    assert len(transport.token_requests) == 1


def test_token_is_not_fetched_before_the_first_call():
    transport = FakeTransport([], [token_answer()])
    make_client(v2_settings(), transport)
    assert transport.requests == []
