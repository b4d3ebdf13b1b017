# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hold list query: the request an option set maps to, the fields of its items, and its summary.

Shared by mimecast_hold_info and the held_messages event source, so both return the same items.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.module_utils.dates import date_window
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST
from ansible_collections.mimecast.gateway.plugins.module_utils.options import concurrency, ip_address_text, search_by
from ansible_collections.mimecast.gateway.plugins.module_utils.results import Summary, collect

RESULT = "held_messages"
FIELD_TYPES = dict(has_attachments="bool", size="int")

# The top-level keys of each returned item: the choices of the fields option. Mimecast's page
# documents all of them; answers from live tenants often lack to_header.
FIELDS = [
    "id", "reason", "reason_id", "reason_code", "from", "from_header", "to", "to_header", "subject", "route",
    "has_attachments", "size", "date_received", "policy_info"
]

# searchBy.fieldName as the live service takes it: Mimecast's page says reason_code, but the
# service filters only on reasonCode (a fix other integrations shipped in 2025), and also takes senderIP.
SEARCH_WIRE_NAMES = dict(reason_code="reasonCode", sender_ip="senderIP")
SEARCH_FIELDS = ["all", "subject", "sender", "recipient", "reason_code", "sender_ip"]


def build_request(params, now=None):
    """Map the options (admin, start, end, search_by) to the request's ``data[0]`` object."""
    data = dict(admin=params.get("admin", True))
    data.update(date_window(params, now))
    searched = search_by(params, wire_names=SEARCH_WIRE_NAMES)
    if searched:
        if searched["fieldName"] == "senderIP":
            searched["value"] = ip_address_text(searched["value"], "search_by.value")
        data["searchBy"] = searched
    return data


def new_summary(now=None):
    return Summary(dict(by_route="route", by_reason_code="reason_code"), oldest_field="date_received", now=now,
                   lower_case=("by_route",))


def read(client, params, fields=None, summary_only=False):
    """The facts of one listing: ``held_messages``, ``count``, ``truncated`` and ``summary``."""
    # With a start and concurrency over 1, time windows fetched at once, merged newest first (then by id): the
    # order Mimecast lists held mail in.
    pages = client.paginate(HOLD_LIST, build_request(params), concurrency=concurrency(params),
                            order=("date_received", True))
    items, facts = collect(pages, FIELD_TYPES, new_summary(), fields=fields, summary_only=summary_only)
    facts[RESULT] = items
    return facts
