# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""No secret reaches an error message, whatever the server (or the network stack) echoes back."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest
import requests

from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import (
    REDACTED,
    MimecastApiError,
    MimecastAuthenticationError,
    MimecastError,
    MimecastResponseError,
    MimecastTransportError,
)
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    ACCESS_KEY,
    APP_KEY,
    BEARER,
    CLIENT_SECRET,
    SECRET_KEY,
    Answer,
    FakeTransport,
    fail_answer,
    flat_fail_answer,
    make_client,
    page,
    token_answer,
    v1_settings,
    v2_settings,
)

HOLD = "/api/gateway/get-hold-message-list"
V2_SECRETS = (CLIENT_SECRET, BEARER)
V1_SECRETS = (SECRET_KEY, APP_KEY, ACCESS_KEY)
V2_ECHO = "echo %s %s" % V2_SECRETS
V1_ECHO = "echo %s %s %s" % V1_SECRETS


def html(text):
    return "<html><body><p>%s</p></body></html>" % text


# (id, scheme, API answers, token answers, error class, whether the echo reaches the message and must show as redacted)
SCENARIOS = [
    ("token-401-json-echo", "2.0", [], [Answer(401, {"error": "invalid_client", "error_description": V2_ECHO, "echo": V2_ECHO})],
     MimecastAuthenticationError, False),
    ("token-401-error-is-the-secret", "2.0", [], [Answer(401, {"error": CLIENT_SECRET})], MimecastAuthenticationError, True),
    ("token-400-html-echo", "2.0", [], [Answer(400, text=html(V2_ECHO))], MimecastAuthenticationError, False),
    ("token-503-exhausted", "2.0", [], [Answer(503, {"error": CLIENT_SECRET, "echo": V2_ECHO})] * 2, MimecastApiError, True),
    ("api-401-verification-failed", "2.0", [flat_fail_answer("token_verification_failed", V2_ECHO, status=401)], [token_answer()],
     MimecastAuthenticationError, True),
    ("api-502-html-exhausted", "2.0", [Answer(502, text=html(V2_ECHO))] * 2, [token_answer()], MimecastApiError, True),
    ("api-200-fail-not-retryable", "2.0", [fail_answer("err_validation_blank", V2_ECHO)], [token_answer()], MimecastApiError, True),
    ("api-200-fail-code-is-the-token", "2.0", [fail_answer(BEARER, "m")], [token_answer()], MimecastApiError, True),
    ("api-token-expired-twice", "2.0", [flat_fail_answer("token_expired", V2_ECHO)] * 2, [token_answer(), token_answer()],
     MimecastAuthenticationError, True),
    ("api-200-not-json", "2.0", [Answer(200, text=V2_ECHO)], [token_answer()], MimecastResponseError, True),
    ("api-connection-error", "2.0", [requests.exceptions.ConnectionError(V2_ECHO)] * 2, [token_answer()], MimecastTransportError, True),
    ("api-429-exhausted", "2.0", [Answer(429, text=html(V2_ECHO))] * 2, [token_answer()], MimecastApiError, True),
    ("v1-401-invalid-signature", "1.0", [fail_answer("err_xdk_invalid_signature", V1_ECHO, status=401)], [],
     MimecastAuthenticationError, True),
    ("v1-500-html-exhausted", "1.0", [Answer(500, text=html(V1_ECHO))] * 2, [], MimecastApiError, True),
    ("v1-403-forbidden-text", "1.0", [Answer(403, text=V1_ECHO)], [], MimecastAuthenticationError, True),
    ("v1-418-binding-expired", "1.0", [fail_answer("err_xdk_binding_expired", V1_ECHO, status=418)], [], MimecastAuthenticationError, True),
    ("v1-200-fail-retryable-exhausted", "1.0", [fail_answer("err_busy", V1_ECHO, retryable=True)] * 2, [], MimecastApiError, True),
    ("v1-read-timeout", "1.0", [requests.exceptions.ReadTimeout(V1_ECHO)] * 2, [], MimecastTransportError, True),
]


@pytest.mark.parametrize("scheme, answers, token_answers, cls, echoed", [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_no_secret_in_error_messages(scheme, answers, token_answers, cls, echoed):
    transport = FakeTransport(list(answers), list(token_answers))
    settings = v2_settings(retries=1) if scheme == "2.0" else v1_settings(retries=1)
    client = make_client(settings, transport)
    with pytest.raises(MimecastError) as caught:
        client.post(HOLD_LIST, {"data": [{}]})
    err = caught.value
    assert type(err) is cls  # pylint: disable=unidiomatic-typecheck

    text = str(err)
    fail_json = json.dumps(err.to_fail_json())
    for secret in V2_SECRETS if scheme == "2.0" else V1_SECRETS:
        assert secret not in text
        assert secret not in fail_json
        assert secret not in repr(err.to_fail_json())
    # The scenario really put secrets in reach of the message: they were replaced, not absent by luck.
    assert (REDACTED in text or REDACTED in fail_json) is echoed


def test_the_bearer_token_in_use_is_redacted_after_a_refresh():
    transport = FakeTransport(
        [flat_fail_answer("token_expired", "expired"), fail_answer("err_validation_blank", "token NEW-TOKEN-42 rejected")],
        [token_answer("OLD-TOKEN-41"), token_answer("NEW-TOKEN-42")])
    with pytest.raises(MimecastApiError) as caught:
        make_client(v2_settings(), transport).post(HOLD_LIST, {"data": [{}]})
    assert "NEW-TOKEN-42" not in str(caught.value)
    assert "NEW-TOKEN-42" not in json.dumps(caught.value.to_fail_json())


def test_a_successful_call_is_unaffected_by_redaction():
    transport = FakeTransport([page([dict(id=CLIENT_SECRET)])], [token_answer()])
    response = make_client(v2_settings(), transport).post(HOLD_LIST, {"data": [{}]})
    assert response.json["data"] == [dict(id=CLIENT_SECRET)]
