# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's hold-release and hold-reject endpoints for test_emulator_actions.py and
test_emulator_action_faults.py: their paths, the fixtures and what to compare answers and the action log with.

Each test module that imports the fixtures gets an emulator of its own, reseeded before each test, so no other
test sees the change.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import urllib.error
import urllib.request

import pytest

import emulator_http
from emulator_http import signed_headers
from harness import start_emulator, stop_emulator

HOLD = "/api/gateway/get-hold-message-list"
RELEASE = "/api/gateway/hold-release"
REJECT = "/api/gateway/hold-reject"
NOT_HELD = "err_held_message_not_found"
POLICIES = "MESSAGE GOES AGAINST EMAIL POLICIES"
HELD = 30  # fits on one hold-list page (the emulator serves at most 100 items a page)


# -- helpers ----------------------------------------------------------------------------------------


def control(emulator, path, payload=None, method=None):
    """(HTTP status, JSON) of a control request, 4xx included."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(emulator.base_url + path, data=data, method=method or ("POST" if data else "GET"),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read().decode())


def bearer_headers(emulator):
    """A function giving API 2.0 headers for a path: one token, fetched once."""
    headers = emulator_http.bearer_headers(emulator)
    return lambda path: headers


def applied(emulator):
    """The action log without its timestamps."""
    return [dict((key, value) for key, value in entry.items() if key != "time") for entry in emulator.actions()]


def logged(action, held_id, reason_type=None, message=None, notify=None):
    return {"action": action, "id": held_id, "reasonType": reason_type, "message": message, "notify": notify}


class AnyText:
    """Equal to any non-empty string: the error text is the emulator's own wording."""

    def __eq__(self, other):
        return isinstance(other, str) and bool(other)

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return "<any text>"


def not_held(key):
    """The per-id fail entry of an id that is not held; `key` is the request item (release) or the bare id (reject)."""
    return {"key": key, "errors": [{"code": NOT_HELD, "message": AnyText(), "retryable": False}]}


# -- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def actions_emulator():
    running = start_emulator("--held", str(HELD))
    yield running
    stop_emulator(running)


@pytest.fixture
def emulator(actions_emulator):
    """This module's emulator with its generated data back (seed 1) and empty logs, faults and config."""
    control(actions_emulator, "/_emulator/reset", {"reseed": 1})
    return actions_emulator


@pytest.fixture
def bearer(emulator):
    return bearer_headers(emulator)


@pytest.fixture(params=["v2", "v1"])
def auth(request, emulator):
    """Headers of either scheme for a path: both reach the action endpoints."""
    return bearer_headers(emulator) if request.param == "v2" else signed_headers
