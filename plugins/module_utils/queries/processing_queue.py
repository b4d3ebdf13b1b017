# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The processing queue query: the request an option set maps to, the fields of its items, and its summary.

Shared by mimecast_processing_info and the processing_queue event source, so both count the same way.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.module_utils.dates import date_window
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import PROCESSING_QUEUE
from ansible_collections.mimecast.gateway.plugins.module_utils.options import concurrency, require_text, search_by
from ansible_collections.mimecast.gateway.plugins.module_utils.results import Summary, collect

RESULT = "messages"
FIELD_TYPES = dict(attachment="bool", size="int", attempts="int")

# The top-level keys of each returned item: the choices of the fields option. The documented
# keys, plus priority, which answers from live tenants carry.
FIELDS = [
    "id", "from_env", "from_header", "to", "subject", "attachment", "routing", "size", "remote_ip",
    "attempts", "next_attempt", "created", "locked_until", "info", "priority"
]
QUEUE_TYPES = ["processing", "bulk_processing"]
# searchBy.fieldName: the collection's one vocabulary (as on the hold list), mapped to this endpoint's wire names.
SEARCH_WIRE_NAMES = dict(all="ALL", sender="fromAddress", recipient="toAddress", remote_ip="remoteIp")
# Mimecast's own spellings, which earlier releases took, stay accepted.
SEARCH_ALIASES = ["ALL", "fromAddress", "toAddress", "remoteIp"]
SEARCH_FIELDS = ["all", "sender", "recipient", "subject", "info", "remote_ip"] + SEARCH_ALIASES
ROUTES = ["all", "internal", "outbound", "inbound", "external"]


def build_request(params, now=None):
    """Map the options (queue_type, start, end, sort_order, sort_by, search_by, route, attachments) to ``data[0]``."""
    data = dict(type=params.get("queue_type") or "processing")
    data.update(date_window(params, now))
    if params.get("sort_order"):
        data["sortOrder"] = params["sort_order"]
    if params.get("sort_by") is not None:
        data["sortBy"] = require_text(params["sort_by"], "sort_by")
    searched = search_by(params, wire_names=SEARCH_WIRE_NAMES)
    if searched:
        data["searchBy"] = searched
    filters = []
    if params.get("route"):
        filters.append({"fieldName": "route", "value": params["route"]})
    if params.get("attachments") is not None:
        filters.append({"fieldName": "attachments", "value": "true" if params["attachments"] else "false"})
    if filters:
        data["filterBy"] = filters
    return data


def new_summary(now=None):
    return Summary(dict(by_route="routing", by_info="info"), oldest_field="created", max_field="attempts", now=now,
                   lower_case=("by_route",))


def read(client, params, fields=None, summary_only=False):
    """The facts of one listing: ``messages``, ``count``, ``truncated`` and ``summary``."""
    # With a start and concurrency over 1, time windows fetched at once, merged in sort_order by creation time (then
    # by id). A sort_by field of Mimecast's choosing cannot be merged by this client: such a query stays serial.
    workers = concurrency(params) if params.get("sort_by") is None else 1
    descending = params.get("sort_order") != "ascending"
    pages = client.paginate(PROCESSING_QUEUE, build_request(params), concurrency=workers, order=("created", descending))
    items, facts = collect(pages, FIELD_TYPES, new_summary(), fields=fields, summary_only=summary_only)
    facts[RESULT] = items
    return facts
