# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Talking to the emulator's API straight over HTTP, without a module: for tests of the emulator itself."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import http.client
import json
import urllib.parse
import urllib.request
import uuid

from harness import CREDENTIALS
from tests.emulator.mimecast_emulator import mc_signature


class Answer:
    """One HTTP answer: status, headers (names lower-cased), the raw body and, when it is JSON, the parsed one."""

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = dict((name.lower(), value) for name, value in headers)
        self.raw = raw
        try:
            self.json = json.loads(raw.decode())
        except ValueError:
            self.json = None

    def __repr__(self):
        return "HTTP %s %r" % (self.status, self.raw[:500])


def post(emulator, path, body, headers, timeout=10):
    """POST ``body`` (JSON) on a connection of its own, any status; a dropped connection raises as it does for a client."""
    address = urllib.parse.urlsplit(emulator.base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
    try:
        connection.request("POST", path, body=json.dumps(body), headers=dict({"Content-Type": "application/json"}, **headers))
        response = connection.getresponse()
        return Answer(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def bearer_headers(emulator):
    """API 2.0 headers: one token, fetched once."""
    v2 = CREDENTIALS["v2"]
    form = urllib.parse.urlencode(dict(grant_type="client_credentials", client_id=v2["MIMECAST_CLIENT_ID"],
                                       client_secret=v2["MIMECAST_CLIENT_SECRET"])).encode()
    request = urllib.request.Request(emulator.base_url + "/oauth/token", data=form, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return {"Authorization": "Bearer " + json.loads(answer.read().decode())["access_token"]}


def signed_headers(path, **overrides):
    """API 1.0 headers for one request to ``path``, signed afresh (the emulator refuses a reused x-mc-req-id).

    ``overrides`` replace MIMECAST_* values, e.g. MIMECAST_APP_ID="not-the-app-id".
    """
    keys = dict(CREDENTIALS["v1"], **overrides)
    date, request_id = email.utils.formatdate(usegmt=True), str(uuid.uuid4())
    signature = mc_signature(date, request_id, path, keys["MIMECAST_APP_KEY"], keys["MIMECAST_SECRET_KEY"])
    return {"x-mc-date": date, "x-mc-req-id": request_id, "x-mc-app-id": keys["MIMECAST_APP_ID"],
            "Authorization": "MC %s:%s" % (keys["MIMECAST_ACCESS_KEY"], signature)}
