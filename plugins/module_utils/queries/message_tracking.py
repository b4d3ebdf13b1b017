# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The message tracking query: the request an option set maps to, the fields of its items, and its summary."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.module_utils.dates import date_window
from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import MESSAGE_TRACKING
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.module_utils.options import ip_address_text, require_text
from ansible_collections.mimecast.gateway.plugins.module_utils.results import Summary, collect

RESULT = "tracked_emails"
FIELD_TYPES = dict(attachments="bool", spam_score="int")
# Option name -> key inside advancedTrackAndTraceOptions (note Mimecast's casing of senderIP).
ADVANCED_OPTIONS = dict(sender="from", recipient="to", subject="subject", sender_ip="senderIP")
ROUTES = ["internal", "outbound", "inbound"]

# The top-level keys of each returned item: the choices of the fields option. The documented
# keys, plus info, spam_score and detection_level, which answers from live tenants carry.
FIELDS = [
    "id", "status", "received", "sent", "from_env", "from_hdr", "to", "attachments", "route", "sender_ip",
    "subject", "info", "spam_score", "detection_level"
]


def build_request(params, now=None):
    """Map the options to the request's ``data[0]`` object: a message_id, or the advanced search options."""
    data = date_window(params, now)
    if params.get("search_reason") is not None:
        data["searchReason"] = require_text(params["search_reason"], "search_reason")
    if params.get("message_id") is not None:
        data["messageId"] = require_text(params["message_id"], "message_id")
        return data
    advanced = {}
    for option, key in ADVANCED_OPTIONS.items():
        if params.get(option) is not None:
            advanced[key] = require_text(params[option], option)
    if "senderIP" in advanced:
        advanced["senderIP"] = ip_address_text(advanced["senderIP"], "sender_ip")
    if params.get("route"):
        advanced["route"] = list(params["route"])
    if not advanced:
        raise MimecastOptionError(
            "message_id", "give message_id, or at least one of %s" % ", ".join(sorted(ADVANCED_OPTIONS) + ["route"]))
    data["advancedTrackAndTraceOptions"] = advanced
    return data


def new_summary(now=None):
    return Summary(dict(by_route="route", by_status="status"), now=now, lower_case=("by_route",))


def read(client, params, fields=None, summary_only=False):
    """The facts of one search: ``tracked_emails``, ``count``, ``truncated`` and ``summary``."""
    pages = client.paginate(MESSAGE_TRACKING, build_request(params))
    items, facts = collect(pages, FIELD_TYPES, new_summary(), fields=fields, summary_only=summary_only)
    facts[RESULT] = items
    return facts
