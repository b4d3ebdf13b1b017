# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What an error tells the user to do next: the hint for each kind of failure, and the request id to quote."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import ENDPOINTS
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastApiError, MimecastAuthenticationError
from ansible_collections.mimecast.gateway.tests.unit.client_calls import ENDPOINT_BY_PATH, v1_call, v2_call
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import V2_BASE, Answer, fail_answer, flat_fail_answer, html_answer

READ_ENDPOINTS = sorted(endpoint.path for endpoint in ENDPOINTS if not endpoint.changes_state)


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
