# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# What every part of the emulator shares: the paths it serves, the service's limits, and
# the Mimecast answer envelope (`meta`/`data`/`fail`) its errors are written in.

import json

TOKEN_PATH = "/oauth/token"
PROCESSING_PATH = "/api/gateway/find-processing-messages"
TRACKING_PATH = "/api/message-finder/search"
HOLD_PATH = "/api/gateway/get-hold-message-list"
RELEASE_PATH = "/api/gateway/hold-release"
REJECT_PATH = "/api/gateway/hold-reject"
LIST_PATHS = (PROCESSING_PATH, TRACKING_PATH, HOLD_PATH)
ACTION_PATHS = (RELEASE_PATH, REJECT_PATH)  # the endpoints that change state: see actions.py
API_PATHS = LIST_PATHS + ACTION_PATHS
CONTROL_PREFIX = "/_emulator/"

DEFAULT_PAGE_SIZE = 25         # what a client gets when it sends no (or snake_case) page size
MAX_REQUEST_PAGE_SIZE = 500    # the largest pageSize the service accepts without an error
FIELD_MAX_PAGE_SIZE = 100      # the most items the live service was seen to serve on one page
RATE_LIMIT = 10000             # calls per hour, as seen on one API 2.0 deployment
RATE_WINDOW = 3600


class Reply:
    """An HTTP answer waiting to be written."""

    def __init__(self, status, body=b"", content_type="application/json", headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = dict(headers or {})


def json_reply(status, obj, headers=None):
    return Reply(status, json.dumps(obj).encode("utf-8"), headers=headers)


class ApiError(Exception):
    """An error answer in the Mimecast envelope.

    `flat` selects the API 2.0 authentication shape (`fail: [{code, message}]`);
    everything else uses the API 1.0 shape, which echoes the request item as `key`
    unless `echo_key` is off (the field shows `fail` entries without one).
    """

    def __init__(self, status, code, message, flat=False, retryable=False, headers=None, echo_key=True):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.flat, self.retryable, self.headers, self.echo_key = flat, retryable, headers, echo_key

    def reply(self, item):
        if self.flat:
            fail = [{"code": self.code, "message": self.message}]
        else:
            entry = {"errors": [{"code": self.code, "message": self.message, "retryable": self.retryable}]}
            if self.echo_key:
                entry = dict({"key": item}, **entry)
            fail = [entry]
        return json_reply(self.status, {"meta": {"status": self.status}, "data": [], "fail": fail}, self.headers)


def bad_request(code, message):
    return ApiError(400, code, message)


def parse_json(raw):
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is a ValueError too
        return None


def request_item(body):
    """data[0] of a request when there is one: API 1.0 failures echo it as `key`."""
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0]
    return {}
