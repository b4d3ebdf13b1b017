# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Paging a query's matches: opaque page tokens, the page size cap, and the shape of
# meta.pagination, which differs per endpoint on live tenants.

import base64
import json
import os

try:
    from .protocol import PROCESSING_PATH, TRACKING_PATH, bad_request
except ImportError:  # run as a script: the script's own directory is on sys.path
    from protocol import PROCESSING_PATH, TRACKING_PATH, bad_request

# `pagination_shape` config values.
#   field:      what live tenants' recorded answers show (the default). Hold list: pageSize,
#               totalCount, next and previous, "" when there is none; processing: only next,
#               "" on the last page; tracking: pageSize 0, and next only while more pages exist.
#   documented: what Mimecast's pages describe, on every endpoint: pageSize and totalCount,
#               next and previous only when there is such a page.
FIELD = "field"
DOCUMENTED = "documented"
PAGINATION_SHAPES = (FIELD, DOCUMENTED)


class PageTokens:
    """Tokens handed out as `next`/`previous`, each bound to an endpoint, a data[0] and an offset."""

    def __init__(self):
        self.offsets = {}  # opaque token -> (endpoint + query, offset)

    def clear(self):
        self.offsets = {}

    def issue(self, query_key, offset, token=None):
        # Opaque and random: a client cannot compute offsets, only follow `next`.
        token = token or base64.urlsafe_b64encode(os.urandom(18)).decode("ascii")
        self.offsets[token] = (query_key, offset)
        return token

    def offset(self, token, query_key):
        known = self.offsets.get(token)
        if known is None or known[0] != query_key:
            raise bad_request("err_invalid_page_token", "Field 'meta.pagination.pageToken' is not valid for this request")
        return known[1]


def paginate(tokens, config, path, item, found, page_size, page_token, fault_kind=None, fixed_token=None):
    """(meta.pagination, the page of `found`) for one request, the caller holding the lock.

    The page size is what the client asked for (or the default), silently capped at
    config max_page_size as the live service does. fault_kind is an answer-modifying fault
    (`empty_page_with_next`, `repeat_token`); fixed_token is repeat_token's first-page `next`.
    """
    query_key = path + " " + json.dumps(item, sort_keys=True)
    offset = 0 if page_token is None else tokens.offset(page_token, query_key)
    size = page_size or config["default_page_size"]
    if config["max_page_size"]:
        size = min(size, config["max_page_size"])
    page = found[offset:offset + size]
    next_token = previous_token = None
    if fault_kind == "empty_page_with_next":
        page = []
        next_token = tokens.issue(query_key, offset)
    elif offset + size < len(found):
        next_token = tokens.issue(query_key, offset + size)
    if fault_kind == "repeat_token":
        # A looping server: `next` points back at this very page.
        next_token = page_token or tokens.issue(query_key, offset, fixed_token)
    if offset > 0:
        previous_token = tokens.issue(query_key, max(0, offset - size))
    return describe(config["pagination_shape"], path, size, len(found), next_token, previous_token), page


def describe(shape, path, size, total, next_token, previous_token):
    """meta.pagination in the configured shape; the tokens are None when there is no such page."""
    if shape == DOCUMENTED:
        pagination = {"pageSize": size, "totalCount": total}
        if next_token:
            pagination["next"] = next_token
        if previous_token:
            pagination["previous"] = previous_token
        return pagination
    if path == PROCESSING_PATH:
        return {"next": next_token or ""}
    if path == TRACKING_PATH:
        pagination = {"pageSize": 0}
        if next_token:
            pagination["next"] = next_token
        return pagination
    return {"pageSize": size, "totalCount": total, "next": next_token or "", "previous": previous_token or ""}
