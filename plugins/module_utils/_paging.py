# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Cursor paging: follow ``meta.pagination.next`` page by page, safely."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.module_utils._answers import next_page_token, total_count
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastResponseError


class Pages:
    """The pages of one query, as lists of items.

    Follows ``meta.pagination.next`` until it is absent or empty, counting the items
    received (never the page size) toward ``max_results``. After iteration,
    ``truncated`` tells whether ``max_results`` cut the result short. ``response``
    is the last page's Response, so that whoever shapes the items can name the
    answer it could not shape (``answer_error``). While a page is handed out,
    ``more`` tells whether another follows, and ``total_count`` is the answer's
    ``totalCount`` when it has a usable one (None otherwise).
    """

    def __init__(self, client, endpoint, data, page_size, max_results):
        self.client = client
        self.endpoint = endpoint
        self.path = endpoint.path
        self.data = data
        self.items_key = endpoint.items_key
        self.page_size = page_size
        self.max_results = max_results
        self.truncated = False
        self.pages = 0
        self.response = None
        self.more = False
        self.total_count = None

    def __iter__(self):
        seen = set()
        token = None
        received = 0
        page_size = self.page_size if self.max_results is None else min(self.page_size, self.max_results)
        while True:
            pagination = {"pageSize": page_size}
            if token is not None:
                pagination["pageToken"] = token
            self.response = self.client.post(self.endpoint, {"meta": {"pagination": pagination}, "data": [self.data]})
            self.pages += 1
            items = self._items(self.response)
            try:
                next_token = next_page_token(self.response.json)
            except ValueError as exc:
                raise self.answer_error("Mimecast's answer to %s (page %d) has %s" % (self.path, self.pages, exc))
            self.more = bool(next_token)
            self.total_count = total_count(self.response.json)

            if self.max_results is not None and received + len(items) >= self.max_results:
                keep = self.max_results - received
                self.truncated = len(items) > keep or bool(next_token)
                yield items[:keep]
                return
            received += len(items)
            yield items

            if not next_token:
                return
            if not items:
                raise self.answer_error("Mimecast sent an empty page with a next page token for %s (page %d); stopping "
                                        "rather than looping" % (self.path, self.pages))
            if next_token == token or next_token in seen:
                raise self.answer_error("Mimecast repeated a page token for %s (page %d); stopping rather than looping"
                                        % (self.path, self.pages))
            seen.add(next_token)
            token = next_token

    def answer_error(self, message):
        """A MimecastResponseError about the last page, with its HTTP status and request id."""
        response = self.response
        return MimecastResponseError(message, status=response.status if response else None,
                                     request_id=response.request_id if response else None, path=self.path)

    def _items(self, response):
        data = response.json["data"]
        if self.items_key is None:
            items = data
        else:
            items = []
            for entry in data:
                if not isinstance(entry, dict) or not isinstance(entry.get(self.items_key, []), list):
                    raise self.answer_error("Mimecast's answer to %s has no %s list" % (self.path, self.items_key))
                items.extend(entry.get(self.items_key) or [])
        if not all(isinstance(item, dict) for item in items):
            raise self.answer_error("Mimecast's answer to %s holds items that are not objects" % self.path)
        return items
