# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 1.0 request signing, against the known-answer vector of docs/mimecast-api.md."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re
import uuid

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils import _auth as auth_module
from ansible_collections.mimecast.gateway.plugins.module_utils._auth import ApiV1Signer, mc_date, sign_v1
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST, Endpoint
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    ACCESS_KEY,
    APP_ID,
    APP_KEY,
    SECRET_KEY_BYTES,
    UTC,
    FakeClock,
    FakeTransport,
    html_answer,
    make_client,
    page,
    v1_params,
    v1_settings,
)

# The vector: date, request id, path, application key, access key, and the base64 secret of b"SecretKey".
VECTOR_DATE = "Sun, 21 Aug 2022 13:49:40 UTC"
VECTOR_MOMENT = datetime.datetime(2022, 8, 21, 13, 49, 40, tzinfo=UTC)
VECTOR_REQ_ID = "3d796b76-4180-40e5-8f7c-6e0fd643b1a9"
VECTOR_PATH = "/api/test/some-url"
VECTOR_ENDPOINT = Endpoint(VECTOR_PATH, "Test | Read")
VECTOR_SIGNATURE = "WOywLsnZlsE+D6bp/ug6uch5kxc="
VECTOR_AUTHORIZATION = "MC AccessKey:" + VECTOR_SIGNATURE


@pytest.fixture
def fixed_uuid(monkeypatch):
    monkeypatch.setattr(auth_module.uuid, "uuid4", lambda: uuid.UUID(VECTOR_REQ_ID))


def test_sign_v1_known_answer():
    assert sign_v1(b"SecretKey", "ApplicationKey", VECTOR_DATE, VECTOR_REQ_ID, VECTOR_PATH) == VECTOR_SIGNATURE


@pytest.mark.parametrize("change", [
    dict(secret=b"SecretKey2"),
    dict(app_key="ApplicationKey2"),
    dict(date="Sun, 21 Aug 2022 13:49:41 UTC"),
    dict(request_id="3d796b76-4180-40e5-8f7c-6e0fd643b1aa"),
    dict(path="https://eu-api.mimecast.com/api/test/some-url"),
    dict(path="/api/test/some-url?x=1"),
])
def test_every_signed_part_changes_the_signature(change):
    args = dict(secret=b"SecretKey", app_key="ApplicationKey", date=VECTOR_DATE, request_id=VECTOR_REQ_ID, path=VECTOR_PATH)
    args.update(change)
    assert sign_v1(args["secret"], args["app_key"], args["date"], args["request_id"], args["path"]) != VECTOR_SIGNATURE


def test_signer_headers_known_answer(fixed_uuid):
    credentials = dict(access_key="AccessKey", app_id="my-app-id", app_key="ApplicationKey", secret_key_bytes=b"SecretKey")
    signer = ApiV1Signer(credentials, lambda: VECTOR_MOMENT)
    assert signer.headers(VECTOR_PATH) == {
        "Authorization": VECTOR_AUTHORIZATION,
        "x-mc-date": VECTOR_DATE,
        "x-mc-req-id": VECTOR_REQ_ID,
        "x-mc-app-id": "my-app-id",
    }


def test_settings_decode_the_vector_secret_key():
    settings = ConnectionSettings.from_params(v1_params(access_key="AccessKey", secret_key="U2VjcmV0S2V5", app_key="ApplicationKey"))
    assert settings.credentials["secret_key_bytes"] == b"SecretKey"


def test_client_sends_the_vector_headers_for_the_vector_path(fixed_uuid):
    settings = ConnectionSettings.from_params(v1_params(
        access_key="AccessKey", secret_key="U2VjcmV0S2V5", app_key="ApplicationKey", app_id="my-app-id",
        base_url="http://127.0.0.1:8080", region=None))
    transport = FakeTransport([page([])])
    client = make_client(settings, transport, utcnow=lambda: VECTOR_MOMENT)
    client.post(VECTOR_ENDPOINT, {"data": []})
    sent = transport.requests[0]
    assert sent.url == "http://127.0.0.1:8080/api/test/some-url"
    assert sent.headers["Authorization"] == VECTOR_AUTHORIZATION
    assert sent.headers["x-mc-date"] == VECTOR_DATE
    assert sent.headers["x-mc-req-id"] == VECTOR_REQ_ID
    assert sent.headers["x-mc-app-id"] == "my-app-id"
    assert transport.token_requests == []


@pytest.mark.parametrize("moment, expected", [
    (datetime.datetime(2015, 11, 24, 12, 50, 11, tzinfo=UTC), "Tue, 24 Nov 2015 12:50:11 UTC"),
    (datetime.datetime(2026, 3, 1, 0, 0, 0, tzinfo=UTC), "Sun, 01 Mar 2026 00:00:00 UTC"),
    (datetime.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), "Thu, 31 Dec 2026 23:59:59 UTC"),
    # Local times are converted to UTC, never sent as they are.
    (datetime.datetime(2015, 11, 24, 14, 50, 11, tzinfo=datetime.timezone(datetime.timedelta(hours=2))), "Tue, 24 Nov 2015 12:50:11 UTC"),
    (datetime.datetime(2026, 1, 1, 1, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5))), "Wed, 31 Dec 2025 20:00:00 UTC"),
])
def test_mc_date(moment, expected):
    assert mc_date(moment) == expected


def test_each_attempt_is_signed_afresh():
    moments = iter([datetime.datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC), datetime.datetime(2026, 5, 4, 12, 0, 1, tzinfo=UTC)])
    transport = FakeTransport([html_answer(503), page([])])
    client = make_client(v1_settings(), transport, clock=FakeClock(), utcnow=lambda: next(moments))
    client.post(HOLD_LIST, {"data": []})

    first, second = transport.requests
    assert first.headers["x-mc-req-id"] != second.headers["x-mc-req-id"]
    assert (first.headers["x-mc-date"], second.headers["x-mc-date"]) == ("Mon, 04 May 2026 12:00:00 UTC", "Mon, 04 May 2026 12:00:01 UTC")
    for sent in (first, second):
        uuid.UUID(sent.headers["x-mc-req-id"])
        expected = sign_v1(SECRET_KEY_BYTES, APP_KEY, sent.headers["x-mc-date"], sent.headers["x-mc-req-id"],
                           "/api/gateway/get-hold-message-list")
        assert sent.headers["Authorization"] == "MC %s:%s" % (ACCESS_KEY, expected)
        assert sent.headers["x-mc-app-id"] == APP_ID
    assert first.headers["Authorization"] != second.headers["Authorization"]


def test_authorization_header_has_no_space_and_no_newline():
    transport = FakeTransport([page([])])
    make_client(v1_settings(), transport).post(HOLD_LIST, {"data": []})
    assert re.match(r"^MC %s:[A-Za-z0-9+/]{27}=$" % re.escape(ACCESS_KEY), transport.requests[0].headers["Authorization"])
