# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The two non-Ansible clients the benchmark compares the modules with.

- ``keep_alive``: the floor. One ``requests.Session``, so every page reuses one TLS connection;
  each answer is json-decoded and dropped.
- ``one_post_per_page``: the style of Mimecast's own sample code, a bare ``requests.post`` per
  page (a new connection and TLS handshake each time).

Both authenticate as the modules do: API 2.0 fetches one bearer token first, API 1.0 signs every
request afresh (new date, new request id).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime
import functools
import hashlib
import hmac
import json
import time
import uuid

import requests

HOLD_PATH = "/api/gateway/get-hold-message-list"
TOKEN_PATH = "/oauth/token"
# What every task of the benchmark asks for: the whole hold queue, for all recipients.
HOLD_QUERY = {"admin": True}


def api_v1_headers(credentials, path):
    """Fresh API 1.0 headers for one request (docs/mimecast-api.md, "API 1.0 request signing": HMAC-SHA1 over date:req-id:path:app-key)."""
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S UTC")
    request_id = str(uuid.uuid4())
    data = ":".join([date, request_id, path, credentials["MIMECAST_APP_KEY"]]).encode("utf-8")
    digest = hmac.new(base64.b64decode(credentials["MIMECAST_SECRET_KEY"]), data, hashlib.sha1).digest()
    return {
        "Authorization": "MC %s:%s" % (credentials["MIMECAST_ACCESS_KEY"], base64.b64encode(digest).decode("ascii")),
        "x-mc-date": date,
        "x-mc-req-id": request_id,
        "x-mc-app-id": credentials["MIMECAST_APP_ID"],
    }


def bearer_token(post, base_url, credentials):
    """An API 2.0 access token, fetched with ``post`` (a session's or requests' own)."""
    response = post(base_url + TOKEN_PATH, data={
        "grant_type": "client_credentials",
        "client_id": credentials["MIMECAST_CLIENT_ID"],
        "client_secret": credentials["MIMECAST_CLIENT_SECRET"],
    })
    response.raise_for_status()
    return response.json()["access_token"]


def header_source(post, base_url, scheme, credentials):
    """A function path -> auth headers: the same token for every request, or a fresh signature each."""
    if scheme == "v1":
        return lambda path: api_v1_headers(credentials, path)
    token = bearer_token(post, base_url, credentials)
    return lambda path: {"Authorization": "Bearer " + token}


def fetch_all(post, base_url, scheme, credentials, page_size, query=None, ids=None):
    """Follow every page of the hold queue (or of ``query``); return the number of items received.

    ``ids``, a list, receives every item's id in the order served (the remote scenario compares them).
    """
    headers_for = header_source(post, base_url, scheme, credentials)
    query = HOLD_QUERY if query is None else query
    received = 0
    token = None
    while True:
        pagination = {"pageSize": page_size}
        if token:
            pagination["pageToken"] = token
        headers = headers_for(HOLD_PATH)
        headers["Content-Type"] = "application/json"
        body = json.dumps({"meta": {"pagination": pagination}, "data": [query]})
        response = post(base_url + HOLD_PATH, data=body, headers=headers)
        response.raise_for_status()
        answer = response.json()
        received += len(answer["data"])
        if ids is not None:
            ids.extend(item.get("id") for item in answer["data"])
        token = answer["meta"]["pagination"].get("next")
        if not token:
            return received


def keep_alive(base_url, scheme, credentials, ca_path, page_size, query=None, ids=None):
    """(seconds, items) for the whole queue (or ``query``) over one kept-alive session."""
    started = time.perf_counter()
    with requests.Session() as session:
        # verify per request: REQUESTS_CA_BUNDLE would override a session-level setting.
        received = fetch_all(functools.partial(session.post, verify=ca_path), base_url, scheme, credentials, page_size,
                             query, ids)
    return time.perf_counter() - started, received


def one_post_per_page(base_url, scheme, credentials, ca_path, page_size):
    """(seconds, items) for the whole queue with one bare requests.post per page."""
    def post(url, **kwargs):
        return requests.post(url, verify=ca_path, **kwargs)

    started = time.perf_counter()
    received = fetch_all(post, base_url, scheme, credentials, page_size)
    return time.perf_counter() - started, received
