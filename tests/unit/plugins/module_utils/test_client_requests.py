# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the client puts on the wire: URL, headers, JSON envelope, transport options."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import yaml

from ansible_collections.mimecast.gateway.plugins.module_utils import client as client_module
from ansible_collections.mimecast.gateway.plugins.module_utils._transport import COLLECTION_VERSION, USER_AGENT, new_session
from ansible_collections.mimecast.gateway.plugins.module_utils.client import TOKEN_PATH, MimecastClient
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    BEARER,
    CLIENT_ID,
    CLIENT_SECRET,
    V1_BASE,
    V2_BASE,
    FakeTransport,
    form_of,
    make_client,
    page,
    request_text,
    token_answer,
    v1_settings,
    v2_settings,
)

HOLD = "/api/gateway/get-hold-message-list"


def run_query(client, data, **kwargs):
    pages = client.paginate(HOLD_LIST, data, **kwargs)
    return [item for items in pages for item in items]


def test_collection_version_matches_galaxy_yml():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(client_module.__file__))))
    with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as handle:
        galaxy = yaml.safe_load(handle)
    assert COLLECTION_VERSION == str(galaxy["version"])
    assert USER_AGENT == "mimecast.gateway/%s" % galaxy["version"]


def test_v2_request_envelope_and_headers():
    transport = FakeTransport([page([dict(id="a")])], [token_answer()])
    client = make_client(v2_settings(), transport)
    assert run_query(client, dict(admin=True)) == [dict(id="a")]

    assert transport.paths == [TOKEN_PATH, HOLD]
    sent = transport.api_requests[0]
    assert sent.method == "POST"
    assert sent.url == V2_BASE + HOLD
    assert request_text(sent) == '{"meta":{"pagination":{"pageSize":100}},"data":[{"admin":true}]}'
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"] == "mimecast.gateway/1.0.0"
    assert sent.headers["Authorization"] == "Bearer %s" % BEARER
    assert not [name for name in sent.headers if name.lower().startswith("x-mc-")]


def test_v2_token_request():
    transport = FakeTransport([page([])], [token_answer()])
    run_query(make_client(v2_settings(), transport), dict(admin=True))
    sent = transport.token_requests[0]
    assert sent.method == "POST"
    assert sent.url == V2_BASE + "/oauth/token"
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sent.headers["User-Agent"] == "mimecast.gateway/1.0.0"
    assert "Authorization" not in sent.headers
    assert form_of(sent) == dict(grant_type="client_credentials", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


def test_v1_request_is_signed_not_bearer():
    transport = FakeTransport([page([])])
    run_query(make_client(v1_settings(), transport), dict(admin=True))
    assert transport.token_requests == []
    sent = transport.requests[0]
    assert sent.url == V1_BASE + HOLD
    assert sent.headers["Authorization"].startswith("MC ")
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["User-Agent"] == "mimecast.gateway/1.0.0"
    assert sorted(name for name in sent.headers if name.lower().startswith("x-mc-")) == ["x-mc-app-id", "x-mc-date", "x-mc-req-id"]


def test_page_token_only_from_the_second_page():
    transport = FakeTransport([page([dict(id="a")], "tok-2"), page([dict(id="b")], "tok-3"), page([dict(id="c")])], [token_answer()])
    run_query(make_client(v2_settings(page_size=250), transport), dict(admin=False, start="2026-05-01T00:00:00+0000"))
    assert transport.bodies == [
        {"meta": {"pagination": {"pageSize": 250}}, "data": [{"admin": False, "start": "2026-05-01T00:00:00+0000"}]},
        {"meta": {"pagination": {"pageSize": 250, "pageToken": "tok-2"}}, "data": [{"admin": False, "start": "2026-05-01T00:00:00+0000"}]},
        {"meta": {"pagination": {"pageSize": 250, "pageToken": "tok-3"}}, "data": [{"admin": False, "start": "2026-05-01T00:00:00+0000"}]},
    ]


def test_paginate_page_size_argument_overrides_the_setting():
    transport = FakeTransport([page([])], [token_answer()])
    run_query(make_client(v2_settings(page_size=250), transport), {}, page_size=7)
    assert transport.bodies == [{"meta": {"pagination": {"pageSize": 7}}, "data": [{}]}]


def test_transport_options_defaults():
    transport = FakeTransport([page([])], [token_answer()])
    run_query(make_client(v2_settings(), transport), {})
    assert len(transport.send_kwargs) == 2
    for kwargs in transport.send_kwargs:
        assert kwargs["timeout"] == 30
        assert kwargs["verify"] is True
        assert not kwargs["proxies"]


def test_transport_options_given():
    transport = FakeTransport([page([])], [token_answer()])
    settings = v2_settings(timeout=12.5, ca_path="/etc/pki/mimecast.pem", proxy="http://proxy.example.com:3128")
    run_query(make_client(settings, transport), {})
    for kwargs in transport.send_kwargs:
        assert kwargs["timeout"] == 12.5
        assert kwargs["verify"] == "/etc/pki/mimecast.pem"
        assert kwargs["proxies"]["https"] == "http://proxy.example.com:3128"
        assert kwargs["proxies"]["http"] == "http://proxy.example.com:3128"


def test_validate_certs_false_turns_verification_off_for_token_and_api():
    transport = FakeTransport([page([])], [token_answer()])
    run_query(make_client(v2_settings(validate_certs=False, ca_path="/etc/pki/ignored.pem"), transport), {})
    assert [kwargs["verify"] for kwargs in transport.send_kwargs] == [False, False]


def test_new_session_defaults():
    session = new_session()
    assert session.headers["User-Agent"] == "mimecast.gateway/1.0.0"
    assert session.headers["Accept"] == "application/json"


def test_client_makes_its_own_session_when_none_is_given():
    client = MimecastClient(v2_settings())
    try:
        assert client.session.headers["User-Agent"] == "mimecast.gateway/1.0.0"
    finally:
        client.close()


def test_ca_path_and_proxy_option_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/from-environment.pem")
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy.example.com:8080")
    transport = FakeTransport([page([])], [token_answer()])
    settings = v2_settings(ca_path="/etc/pki/mimecast.pem", proxy="http://proxy.example.com:3128")
    run_query(make_client(settings, transport), {})
    assert [kwargs["verify"] for kwargs in transport.send_kwargs] == ["/etc/pki/mimecast.pem"] * 2
    assert [kwargs["proxies"]["https"] for kwargs in transport.send_kwargs] == ["http://proxy.example.com:3128"] * 2


def test_validate_certs_false_wins_over_a_ca_bundle_in_the_environment(monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/from-environment.pem")
    transport = FakeTransport([page([])], [token_answer()])
    run_query(make_client(v2_settings(validate_certs=False), transport), {})
    assert [kwargs["verify"] for kwargs in transport.send_kwargs] == [False, False]


def test_close_and_context_manager_close_the_session():
    transport = FakeTransport()
    client = make_client(v2_settings(), transport)
    client.close()
    assert transport.closed is True

    transport = FakeTransport()
    with make_client(v2_settings(), transport) as client:
        assert isinstance(client, MimecastClient)
        assert transport.closed is False
    assert transport.closed is True


def test_post_returns_the_response():
    transport = FakeTransport([page([dict(id="a")], headers={"x-request-id": "rid-9"})], [token_answer()])
    response = make_client(v2_settings(), transport).post(HOLD_LIST, {"data": [{}]})
    assert response.status == 200
    assert response.request_id == "rid-9"
    assert response.json["data"] == [dict(id="a")]
