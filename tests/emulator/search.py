# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Searching the records for a validated query, and the table of endpoints.
#
# Records follow the field: any documented key may be absent, hold `null` or "", and
# booleans may be "true"/"false" strings. Every lookup here copes with all of that.

import functools

try:
    from . import dataset
    from .protocol import HOLD_PATH, PROCESSING_PATH, TRACKING_PATH
    from .validation import validate_hold, validate_processing, validate_tracking
except ImportError:  # run as a script: the script's own directory is on sys.path
    import dataset
    from protocol import HOLD_PATH, PROCESSING_PATH, TRACKING_PATH
    from validation import validate_hold, validate_processing, validate_tracking


def address(party):
    return (party.get("emailAddress") or "") if isinstance(party, dict) else ""


def addresses(parties):
    """Addresses of a recipient field: a list of parties (tracking) or one party."""
    if isinstance(parties, dict):
        parties = [parties]
    return [address(party) for party in parties] if isinstance(parties, list) else []


def contains(values, needle):
    needle = needle.lower()
    return any(needle in (value or "").lower() for value in values if isinstance(value, str) or value is None)


def is_true(value):
    """A flag as either spelling the service uses: true or "true"."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def record_time(record, field):
    value = record.get(field)
    return _parsed_time(value) if isinstance(value, str) else 0


# Every search parses the date of every record (to filter, then to sort): at 20,000 held messages that took
# 0.7 s a query, under the emulator's lock, so that a client fetching many time windows at once waited for the
# searches one after another. Timestamps repeat from query to query: each is parsed once.
@functools.lru_cache(maxsize=1 << 18)
def _parsed_time(text):
    try:
        return dataset.parse_api_time(text)
    except ValueError:
        return 0


# `window_edges` config values: whether a start/end of the hold list and the processing queue includes its
# own second. Mimecast does not document which; tracking always includes it.
INCLUSIVE = "inclusive"
EXCLUSIVE = "exclusive"
WINDOW_EDGES = (INCLUSIVE, EXCLUSIVE)
WINDOWED_PATHS = (HOLD_PATH, PROCESSING_PATH)


def in_window(moment, start, end, edges=INCLUSIVE):
    if edges == EXCLUSIVE:
        return (start is None or moment > start) and (end is None or moment < end)
    return (start is None or moment >= start) and (end is None or moment <= end)


def search_matches(record, fields, search, any_field):
    """searchBy: case-insensitive substring of the named field, or of any text field for ALL/all."""
    if not search:
        return True
    name, value = search
    getters = fields.values() if name == any_field else [fields[name]]
    return contains(sum((get(record) for get in getters), []), value)


def search_processing(data, query):
    fields = {
        "fromAddress": lambda r: [address(r.get("fromEnv")), address(r.get("fromHeader"))],
        "toAddress": lambda r: addresses(r.get("to")),
        "subject": lambda r: [r.get("subject")],
        "info": lambda r: [r.get("info")],
        "remoteIp": lambda r: [r.get("remoteIp")],
    }
    found = []
    for record in data.get(query["queue"], []):
        if not in_window(record_time(record, "created"), query["start"], query["end"], query.get("edges", INCLUSIVE)):
            continue
        if not search_matches(record, fields, query["search"], "ALL"):
            continue
        if query["route"] not in (None, "all") and record.get("routing") != query["route"]:
            continue
        if query["attachments"] is not None and is_true(record.get("attachment")) != query["attachments"]:
            continue
        found.append(record)
    return sorted(found, key=lambda r: record_time(r, "created"), reverse=query["descending"])


def search_tracking(data, query):
    found = []
    for record in data.get("tracked", []):
        if not in_window(record_time(record, "received"), query["start"], query["end"]):
            continue
        if query["messageId"] is not None:
            if record.get("messageId") != query["messageId"]:
                continue
        else:
            senders = [address(record.get("fromEnv")), address(record.get("fromHdr"))]
            if query["from"] and not contains(senders, query["from"]):
                continue
            if query["to"] and not contains(addresses(record.get("to")), query["to"]):
                continue
            if query["subject"] and not contains([record.get("subject")], query["subject"]):
                continue
            if query["senderIP"] and record.get("senderIP") != query["senderIP"]:
                continue
            if query["routes"] and record.get("route") not in query["routes"]:
                continue
        found.append(record)
    return sorted(found, key=lambda r: record_time(r, "received"), reverse=True)


def search_hold(data, query):
    # Text fields, searched by `all` too; senderIP is matched exactly and on its own, like tracking's.
    fields = {
        "subject": lambda r: [r.get("subject")],
        "sender": lambda r: [address(r.get("from")), address(r.get("fromHeader"))],
        "recipient": lambda r: [address(r.get("to")), address(r.get("toHeader"))],
        "reasonCode": lambda r: [r.get("reasonCode")],
    }
    by_sender_ip = query["search"] if query["search"] and query["search"][0] == "senderIP" else None
    text_search = None if by_sender_ip else query["search"]
    found = []
    for record in data.get("held", []):
        if not in_window(record_time(record, "dateReceived"), query["start"], query["end"], query.get("edges", INCLUSIVE)):
            continue
        # admin=false: only mail held for the authenticated (service) user.
        if not query["admin"] and dataset.SERVICE_ADDRESS not in (address(record.get("to")).lower(), address(record.get("toHeader")).lower()):
            continue
        if by_sender_ip and record.get("senderIP") != by_sender_ip[1]:
            continue
        if not search_matches(record, fields, text_search, "all"):
            continue
        found.append(record)
    return sorted(found, key=lambda r: record_time(r, "dateReceived"), reverse=True)


# path -> (validator, search, how the page is wrapped into `data`)
ENDPOINTS = {
    PROCESSING_PATH: (validate_processing, search_processing, lambda page: [{"messages": page}]),
    TRACKING_PATH: (validate_tracking, search_tracking, lambda page: [{"trackedEmails": page}]),
    HOLD_PATH: (validate_hold, search_hold, lambda page: page),
}

# Lookup keys the emulator keeps on records but the endpoint never returns: the internet
# Message-ID a tracking search matches, and the sender IP a hold-list senderIP search matches.
# They show in GET /_emulator/data, and dataset files may set them.
HIDDEN_KEYS = {
    TRACKING_PATH: ("messageId",),
    HOLD_PATH: ("senderIP",),
}


def public_view(path, record):
    """The record as the endpoint at `path` answers with it."""
    hidden = HIDDEN_KEYS.get(path, ())
    if not any(key in record for key in hidden):
        return record
    return dict((key, value) for key, value in record.items() if key not in hidden)
