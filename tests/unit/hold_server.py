# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A held-message service behind a requests adapter, for the unit tests of releasing and rejecting.

It keeps a hold list, answers the hold-list read page by page, and applies release and reject calls
to it, logging every action it applies. A schedule of faults, one per action call, makes answers go
missing before or after the action is applied, so tests can check that no message is acted on twice.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import BaseAdapter

from ansible_collections.mimecast.gateway.plugins.module_utils.client import TOKEN_PATH
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import Answer, html_answer, token_answer

HOLD_LIST = "/api/gateway/get-hold-message-list"
RELEASE = "/api/gateway/hold-release"
REJECT = "/api/gateway/hold-reject"
NOT_HELD = "err_held_message_not_found"

# What an action call meets. "*_after" kinds apply the action, then lose or spoil the answer.
FAULTS = ("lost_after", "lost_before", "timeout_after", "timeout_before", "502_after", "502_before", "unreadable_after",
          "silent_after", "429", "refused")
# Faults after which the action was applied; the others leave the message held.
APPLIED = ("lost_after", "timeout_after", "502_after", "unreadable_after", "silent_after")


class Runaway(Exception):
    """More requests than a test allows: the module would not have stopped."""


class HoldServer(BaseAdapter):
    """``held``: the ids on the hold list, in order. ``faults``: one entry per action call (None: a normal answer)."""

    def __init__(self, held, faults=(), limit=500, reject_key="id"):
        super(HoldServer, self).__init__()
        self.held = list(held)
        self.faults = list(faults)
        self.limit = limit
        self.reject_key = reject_key
        self.applied = []        # (action, id) for every action that took effect
        self.action_calls = []   # the JSON body of every action call, in order
        self.list_reads = 0      # pages of the hold list served
        self.requests = 0
        self.offsets = {}

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # pylint: disable=arguments-differ
        self.requests += 1
        if self.requests > self.limit:
            raise Runaway("request %d" % self.requests)
        path = urlsplit(request.url).path
        if path == TOKEN_PATH:
            return token_answer(expires_in=86400).build(request)
        body = json.loads(request.body)
        if path == HOLD_LIST:
            return self._hold_list(request, body)
        self.action_calls.append(body)
        fault = self.faults.pop(0) if self.faults else None
        if fault == "429":
            return Answer(429, {"fail": []}, headers={"X-RateLimit-Reset": "800"}).build(request)
        if fault == "refused":
            raise requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(
                None, request.url, urllib3.exceptions.NewConnectionError(None, "Connection refused")))
        if fault in ("lost_before", "timeout_before", "502_before"):
            return self._lose(request, fault)
        answer = self._apply(path, body["data"][0])
        if fault is None:
            return Answer(200, answer).build(request)
        if fault == "unreadable_after":
            return Answer(200, text='{"meta": {"status": 200}, "data": [{"id": "', headers={"Content-Type": "application/json"}).build(request)
        if fault == "silent_after":
            return Answer(200, {"meta": {"status": 200}, "data": [], "fail": []}).build(request)
        return self._lose(request, fault)

    def close(self):
        pass

    def _lose(self, request, fault):
        if fault.startswith("lost"):
            raise requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('closed without response'))")
        if fault.startswith("timeout"):
            raise requests.exceptions.ReadTimeout("Read timed out. (read timeout=30)")
        return html_answer(502).build(request)

    def _hold_list(self, request, body):
        self.list_reads += 1
        pagination = body["meta"]["pagination"]
        offset = self.offsets.get(pagination.get("pageToken"), 0)
        size = pagination["pageSize"]
        page = [dict(id=identifier, reasonCode="spam", subject="Subject %s" % identifier,
                     **{"from": {"emailAddress": "sender-%s@example.com" % identifier}})
                for identifier in self.held[offset:offset + size]]
        meta = {"status": 200, "pagination": {"pageSize": size, "totalCount": len(self.held)}}
        if offset + size < len(self.held):
            token = "page-%d" % (offset + size)
            self.offsets[token] = offset + size
            meta["pagination"]["next"] = token
        return Answer(200, {"meta": meta, "data": page, "fail": []}).build(request)

    def _apply(self, path, item):
        action, ids = ("release", [item["id"]]) if path == RELEASE else ("reject", item["ids"])
        data, fail = [], []
        for identifier in ids:
            if identifier in self.held:
                self.held.remove(identifier)
                self.applied.append((action, identifier))
                data.append({"id": identifier, action: True})
            else:
                key = {"id": identifier} if action == "release" or self.reject_key == "item" else identifier
                fail.append({"key": key, "errors": [{"code": NOT_HELD, "message": "The message is not held", "retryable": False}]})
        return {"meta": {"status": 200}, "data": data, "fail": fail}
