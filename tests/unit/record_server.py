# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A Mimecast list endpoint holding dated records (``RecordServer``), and Mimecast's form of a date."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import json
import threading
import time
from urllib.parse import urlsplit

from requests.adapters import BaseAdapter

from ansible_collections.mimecast.gateway.plugins.module_utils.client import TOKEN_PATH
from ansible_collections.mimecast.gateway.tests.unit.fake_transport import Answer, envelope, fail_answer, request_text, token_answer


class RequestLimit(AssertionError):
    """More requests than a test allows: raised by the adapter, so that a client that loops fails instead of hanging."""


def mimecast_time(epoch):
    """Whole seconds since the epoch in Mimecast's form, ``2026-05-04T12:00:00+0000``."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(epoch))


def epoch_of(text):
    """Mimecast's ``YYYY-MM-DDTHH:MM:SS+0000`` as whole seconds since the epoch."""
    return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))


class RecordServer(BaseAdapter):
    """A Mimecast list endpoint holding dated records, behind a requests adapter; safe to call from many threads.

    ``records`` maps ids to epoch seconds. A request's ``data[0]`` ``start`` and ``end`` select them, each edge
    inclusive or not (``inclusive``); without an end the range runs to ``now``, Mimecast's clock. Items come newest
    first (then by id), at most ``cap`` a page however many were asked for, with opaque page tokens that belong to
    the query they came from; ``totals`` says whether ``meta.pagination.totalCount`` is answered. ``answer()`` is
    where a subclass serves faults or headers; ``bodies`` keeps every API request's JSON body in arrival order.
    """

    def __init__(self, records, now, cap=100, totals=True, items_key=None, inclusive=(True, True), limit=None):
        super(RecordServer, self).__init__()
        self.records = sorted(records.items(), key=lambda record: (record[1], record[0]), reverse=True)
        self.now, self.cap, self.totals, self.items_key, self.inclusive = now, cap, totals, items_key, inclusive
        self.limit, self.requests, self.bodies = limit, 0, []
        self.lock = threading.Lock()
        self._tokens = {}

    def matching(self, query):
        """The records a query selects, newest first: Mimecast's exact answer, before paging."""
        start = epoch_of(query["start"]) if query.get("start") else None
        end = epoch_of(query["end"]) if query.get("end") else self.now
        from_start, to_end = self.inclusive
        return [(record_id, moment) for record_id, moment in self.records
                if (start is None or moment > start or (from_start and moment == start))
                and (moment < end or (to_end and moment == end))]

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # pylint: disable=arguments-differ
        with self.lock:
            self.requests += 1
            if self.limit is not None and self.requests > self.limit:
                raise RequestLimit("request %d: the test allows %d" % (self.requests, self.limit))
        if urlsplit(request.url).path == TOKEN_PATH:
            return token_answer(expires_in=86400).build(request)
        body = json.loads(request_text(request))
        with self.lock:
            self.bodies.append(body)
        return self.answer(body).build(request)

    def close(self):
        pass

    def answer(self, body):
        """The Answer to one API request: here always its page."""
        return self.page(body)

    def page(self, body, headers=None):
        query = body["data"][0]
        pagination = body["meta"]["pagination"]
        key = json.dumps(query, sort_keys=True)
        matching = self.matching(query)
        size = min(pagination["pageSize"], self.cap)
        with self.lock:
            offset = 0
            if pagination.get("pageToken") is not None:
                held = self._tokens.get(pagination["pageToken"])
                if held is None or held[0] != key:
                    return fail_answer("err_invalid_page_token", "Not a page token of this query", status=400)
                offset = held[1]
            next_token = None
            if offset + size < len(matching):
                next_token = "%08x" % (len(self._tokens) * 2654435761 % 2 ** 32)  # distinct, and says nothing
                self._tokens[next_token] = (key, offset + size)
        items = [dict(id=record_id, dateReceived=mimecast_time(moment)) for record_id, moment in matching[offset:offset + size]]
        reply = envelope(items, next_token, self.items_key, page_size=size)
        if self.totals:
            reply["meta"]["pagination"]["totalCount"] = len(matching)
        else:
            del reply["meta"]["pagination"]["totalCount"]
        return Answer(200, reply, headers=headers)
