# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# A local stand-in for the three read-only Mimecast endpoints the collection uses,
# plus the API 2.0 token endpoint and a small control API for tests.
#
# The point is to be at least as strict as the real service wherever a client
# can get it wrong (signing, date formats, camelCase pagination keys, the
# messageId/advanced-options exclusivity, page tokens) and to inject the
# failures real deployments produce (HTML 502s from proxies, 429s, dropped
# connections, expired tokens, HTTP 200 with a non-empty `fail`).  It is
# stdlib only so it runs anywhere the tests run.  See README.md beside it.

import argparse
import base64
import calendar
import datetime
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import socketserver
import ssl
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

try:
    from . import dataset
except ImportError:  # run as a script: the script's own directory is on sys.path
    import dataset

# ---------------------------------------------------------------- constants

CLIENT_ID = "emulator-client-id"
CLIENT_SECRET = "emulator-client-secret-Zq81"
ACCESS_KEY = "emulator-access-key-Hd72"
SECRET_KEY = base64.b64encode(b"emulator-secret-key-bytes").decode("ascii")
APP_ID = "emulator-app-id"
APP_KEY = "emulator-app-key-Pq55"

# One source of truth for tests and the launcher, keyed by the env var names.
CREDENTIALS = {
    "v2": {"MIMECAST_CLIENT_ID": CLIENT_ID, "MIMECAST_CLIENT_SECRET": CLIENT_SECRET},
    "v1": {"MIMECAST_ACCESS_KEY": ACCESS_KEY, "MIMECAST_SECRET_KEY": SECRET_KEY,
           "MIMECAST_APP_ID": APP_ID, "MIMECAST_APP_KEY": APP_KEY},
}
# Command-line/option name -> (scheme, env var name) for credential overrides.
CREDENTIAL_OPTIONS = {
    "client_id": ("v2", "MIMECAST_CLIENT_ID"), "client_secret": ("v2", "MIMECAST_CLIENT_SECRET"),
    "access_key": ("v1", "MIMECAST_ACCESS_KEY"), "secret_key": ("v1", "MIMECAST_SECRET_KEY"),
    "app_id": ("v1", "MIMECAST_APP_ID"), "app_key": ("v1", "MIMECAST_APP_KEY"),
}

TOKEN_PATH = "/oauth/token"
PROCESSING_PATH = "/api/gateway/find-processing-messages"
TRACKING_PATH = "/api/message-finder/search"
HOLD_PATH = "/api/gateway/get-hold-message-list"
API_PATHS = (PROCESSING_PATH, TRACKING_PATH, HOLD_PATH)
CONTROL_PREFIX = "/_emulator/"

TOKEN_LIFETIME = 1799          # what Mimecast answers; tests shorten it via /_emulator/config
DEFAULT_PAGE_SIZE = 25         # what a client gets when it sends no (or snake_case) page size
MAX_REQUEST_PAGE_SIZE = 500
SIGNATURE_SKEW = 15 * 60       # an x-mc-date further off than this fails like a bad signature
TRACKING_MAX_AGE = 30 * 86400  # message-finder refuses older start dates
RATE_LIMIT = 10000             # calls per hour, as seen on one API 2.0 deployment
RATE_WINDOW = 3600
SEARCH_CACHE_SIZE = 32         # distinct queries whose matches are kept (see Emulator.search_cache)

CONFIG_KEYS = ("token_lifetime", "max_page_size", "default_page_size", "latency_ms")
DEFAULTS = {
    "host": "127.0.0.1", "port": 0, "seed": 1, "held": 60, "processing": 25, "tracked": 30,
    "dataset": None, "tls_cert": None, "tls_key": None, "quiet": False,
    "latency_ms": 0, "token_lifetime": TOKEN_LIFETIME, "max_page_size": None, "default_page_size": DEFAULT_PAGE_SIZE,
    "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "access_key": ACCESS_KEY,
    "secret_key": SECRET_KEY, "app_id": APP_ID, "app_key": APP_KEY,
}

FAULT_KINDS = ("status", "rate_limit", "drop", "delay", "fail", "token_expired", "bad_json",
               "not_json", "no_data", "repeat_token", "empty_page_with_next")
# Kinds that replace the answer outright (before authentication is even looked at);
# delay, repeat_token and empty_page_with_next modify a normal answer instead.
REPLACING_FAULTS = ("status", "rate_limit", "fail", "token_expired", "bad_json", "not_json", "no_data")
FAULT_DEFAULTS = {"path": "*", "count": 1, "after": 0, "every": 1, "status": 500, "html": False,
                  "reset_ms": 1000, "retry_after": None, "delay_ms": 1000, "code": None,
                  "message": None, "retryable": False, "token": None}

ROUTES = ("all", "internal", "outbound", "inbound", "external")
TRACK_ROUTES = ("internal", "outbound", "inbound")
REDACTED_HEADERS = ("authorization", "proxy-authorization", "cookie")
MC_DATE_RE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (UTC|GMT)$")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------- small helpers

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
    everything else uses the API 1.0 shape, which echoes the request item as `key`.
    """

    def __init__(self, status, code, message, flat=False, retryable=False, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.flat, self.retryable, self.headers = flat, retryable, headers

    def reply(self, item):
        if self.flat:
            fail = [{"code": self.code, "message": self.message}]
        else:
            fail = [{"key": item, "errors": [{"code": self.code, "message": self.message, "retryable": self.retryable}]}]
        return json_reply(self.status, {"meta": {"status": self.status}, "data": [], "fail": fail}, self.headers)


def bad_request(code, message):
    return ApiError(400, code, message)


def same_secret(given, expected):
    """Constant-time comparison that copes with non-ASCII header text."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


def mc_signature(date, request_id, path, app_key, secret_key):
    """API 1.0: base64(HMAC-SHA1(b64decode(secret), 'date:reqid:path:appkey'))."""
    data = ":".join((date, request_id, path, app_key)).encode("utf-8")
    return base64.b64encode(hmac.new(base64.b64decode(secret_key), data, hashlib.sha1).digest()).decode("ascii")


def parse_mc_date(text):
    """'Sun, 21 Aug 2022 13:49:40 UTC' (or GMT) -> epoch seconds, None when malformed."""
    match = MC_DATE_RE.match(text or "")
    if not match or match.group(3) not in MONTHS:
        return None
    day, year, hour, minute, second = (int(match.group(i)) for i in (2, 4, 5, 6, 7))
    try:
        moment = datetime.datetime(year, MONTHS.index(match.group(3)) + 1, day, hour, minute, second)
    except ValueError:
        return None
    return calendar.timegm(moment.timetuple())


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


def address(party):
    return (party.get("emailAddress") or "") if isinstance(party, dict) else ""


def contains(values, needle):
    needle = needle.lower()
    return any(needle in (value or "").lower() for value in values if isinstance(value, str) or value is None)


def record_time(record, field):
    try:
        return dataset.parse_api_time(record.get(field))
    except ValueError:
        return 0


# ---------------------------------------------------------------- request validation
# Each validator takes data[0] and returns a normalised query, or raises a 400.

def check_keys(obj, allowed, where="data[0]"):
    for key in obj:
        if key not in allowed:
            raise bad_request("err_validation_invalid_value", "Unknown field '%s' in %s" % (key, where))


def get_field(obj, name, kind=str, required=False, choices=None, label=None):
    """Fetch and type-check one field; None when it is absent and optional."""
    label = label or name
    if name not in obj:
        if required:
            raise bad_request("err_validation_blank", "Field '%s' is required" % label)
        return None
    value = obj[name]
    if value is None:
        raise bad_request("err_validation_null", "Field '%s' must not be null" % label)
    if kind is int:
        valid = isinstance(value, int) and not isinstance(value, bool)
    else:
        valid = isinstance(value, kind)
    if not valid:
        raise bad_request("err_validation_invalid_value", "Field '%s' must be of type %s" % (label, kind.__name__))
    if required and value in ("", [], {}):
        raise bad_request("err_validation_blank", "Field '%s' must not be blank" % label)
    if choices is not None and value not in choices:
        raise bad_request("err_validation_invalid_value", "Field '%s' must be one of: %s" % (label, ", ".join(choices)))
    return value


def date_window(item):
    """start/end in exactly YYYY-MM-DDTHH:MM:SS+0000; a trailing Z is refused, as by Mimecast."""
    bounds = []
    for name in ("start", "end"):
        value = get_field(item, name)
        if value is not None:
            try:
                value = dataset.parse_api_time(value)
            except ValueError:
                raise bad_request("err_validation_invalid_value",
                                  "Field '%s' must be formatted YYYY-MM-DDTHH:MM:SS+0000" % name) from None
        bounds.append(value)
    if None not in bounds and bounds[0] > bounds[1]:
        raise bad_request("err_validation_invalid_value", "Field 'start' must not be after 'end'")
    return bounds[0], bounds[1]


def validate_processing(item, now):
    check_keys(item, ("start", "end", "sortOrder", "searchBy", "type", "filterBy", "sortBy"))
    if not item:
        raise bad_request("err_validation_blank", "At least one field must be supplied in data[0]")
    start, end = date_window(item)
    query = {
        # Documented defaults: the last 7 days, the processing queue, newest first.
        "start": now - 7 * 86400 if start is None else start,
        "end": now if end is None else end,
        "queue": get_field(item, "type", choices=("processing", "bulk_processing")) or "processing",
        "descending": get_field(item, "sortOrder", choices=("ascending", "descending")) != "ascending",
        "search": None, "route": None, "attachments": None,
    }
    get_field(item, "sortBy")  # in Mimecast's sample, undocumented: accepted, results always sort by date
    search_by = get_field(item, "searchBy", dict)
    if search_by is not None:
        check_keys(search_by, ("fieldName", "value"), "searchBy")
        field = get_field(search_by, "fieldName", required=True, label="searchBy.fieldName",
                          choices=("ALL", "fromAddress", "toAddress", "subject", "info", "remoteIp"))
        query["search"] = (field, get_field(search_by, "value", required=True, label="searchBy.value"))
    for entry in get_field(item, "filterBy", list) or []:
        if not isinstance(entry, dict):
            raise bad_request("err_validation_invalid_value", "Field 'filterBy' must be a list of objects")
        check_keys(entry, ("fieldName", "value"), "filterBy")
        field = get_field(entry, "fieldName", required=True, choices=("route", "attachments"), label="filterBy.fieldName")
        if field == "route":
            query["route"] = get_field(entry, "value", required=True, choices=ROUTES, label="filterBy.value")
            continue
        value = entry.get("value")
        if value not in (True, False, "true", "false"):
            raise bad_request("err_validation_invalid_value", "Field 'filterBy.value' for attachments must be true or false")
        query["attachments"] = value in (True, "true")
    return query


def validate_tracking(item, now):
    check_keys(item, ("start", "end", "searchReason", "messageId", "advancedTrackAndTraceOptions"))
    start, end = date_window(item)
    if start is not None and start < now - TRACKING_MAX_AGE:
        raise bad_request("err_track_and_trace_invalid_start_date", "Field 'start' must not be more than 30 days ago")
    get_field(item, "searchReason")
    if ("messageId" in item) == ("advancedTrackAndTraceOptions" in item):
        raise bad_request("err_validation_invalid_value", "Exactly one of 'messageId' or 'advancedTrackAndTraceOptions' is required")
    query = {"start": start, "end": end, "messageId": get_field(item, "messageId", required="messageId" in item)}
    options = get_field(item, "advancedTrackAndTraceOptions", dict)
    if options is not None:
        where = "advancedTrackAndTraceOptions"
        check_keys(options, ("from", "to", "subject", "senderIP", "route"), where)
        for name in ("from", "to", "subject", "senderIP"):
            query[name] = get_field(options, name, label=where + "." + name)
        routes = get_field(options, "route", list, label=where + ".route") or []
        for route in routes:
            if route not in TRACK_ROUTES:
                raise bad_request("err_validation_invalid_value", "Field '%s.route' entries must be one of: %s" % (where, ", ".join(TRACK_ROUTES)))
        query["routes"] = routes
    return query


def validate_hold(item, now):
    del now  # no defaults depend on the clock here
    check_keys(item, ("admin", "start", "end", "searchBy"))
    start, end = date_window(item)
    query = {"start": start, "end": end, "admin": bool(get_field(item, "admin", bool)), "search": None}
    search_by = get_field(item, "searchBy", dict)
    if search_by is not None:
        check_keys(search_by, ("fieldName", "value"), "searchBy")
        field = get_field(search_by, "fieldName", label="searchBy.fieldName",
                          choices=("all", "subject", "sender", "recipient", "reason_code")) or "all"
        value = get_field(search_by, "value", label="searchBy.value")
        if value:
            query["search"] = (field, value)
    return query


def validate_pagination(body):
    """(pageSize or None, pageToken or None).  Only camelCase keys count: a snake_case
    `page_size` is silently ignored, which is exactly the real service's trap."""
    meta = body.get("meta")
    if meta is None:
        return None, None
    if not isinstance(meta, dict):
        raise bad_request("err_validation_invalid_value", "Field 'meta' must be an object")
    pagination = meta.get("pagination")
    if pagination is None:
        return None, None
    if not isinstance(pagination, dict):
        raise bad_request("err_validation_invalid_value", "Field 'meta.pagination' must be an object")
    size = pagination.get("pageSize")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_REQUEST_PAGE_SIZE):
        raise bad_request("err_validation_invalid_value", "Field 'meta.pagination.pageSize' must be an integer from 1 to %d" % MAX_REQUEST_PAGE_SIZE)
    token = pagination.get("pageToken")
    if token is not None and (not isinstance(token, str) or not token):
        raise bad_request("err_invalid_page_token", "Field 'meta.pagination.pageToken' is not a valid page token")
    return size, token


# ---------------------------------------------------------------- searching

def in_window(moment, start, end):
    return (start is None or moment >= start) and (end is None or moment <= end)


def search_matches(record, fields, search, any_field):
    """searchBy: case-insensitive substring of the named field, or of any field for ALL/all."""
    if not search:
        return True
    name, value = search
    getters = fields.values() if name == any_field else [fields[name]]
    return contains(sum((get(record) for get in getters), []), value)


def search_processing(data, query):
    fields = {
        "fromAddress": lambda r: [address(r.get("fromEnv")), address(r.get("fromHeader"))],
        "toAddress": lambda r: [address(r.get("to"))],
        "subject": lambda r: [r.get("subject")],
        "info": lambda r: [r.get("info")],
        "remoteIp": lambda r: [r.get("remoteIp")],
    }
    found = []
    for record in data.get(query["queue"], []):
        if not in_window(record_time(record, "created"), query["start"], query["end"]):
            continue
        if not search_matches(record, fields, query["search"], "ALL"):
            continue
        if query["route"] not in (None, "all") and record.get("routing") != query["route"]:
            continue
        if query["attachments"] is not None and bool(record.get("attachment")) != query["attachments"]:
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
            recipients = [address(r) for r in record.get("to") or []]
            if query["from"] and not contains(senders, query["from"]):
                continue
            if query["to"] and not contains(recipients, query["to"]):
                continue
            if query["subject"] and not contains([record.get("subject")], query["subject"]):
                continue
            if query["senderIP"] and record.get("senderIP") != query["senderIP"]:
                continue
            if query["routes"] and record.get("route") not in query["routes"]:
                continue
        # messageId is our lookup key, not part of the documented trackedEmails shape.
        found.append({k: v for k, v in record.items() if k != "messageId"})
    return sorted(found, key=lambda r: record_time(r, "received"), reverse=True)


def search_hold(data, query):
    fields = {
        "subject": lambda r: [r.get("subject")],
        "sender": lambda r: [address(r.get("from")), address(r.get("fromHeader"))],
        "recipient": lambda r: [address(r.get("to")), address(r.get("toHeader"))],
        "reason_code": lambda r: [r.get("reasonCode")],
    }
    found = []
    for record in data.get("held", []):
        if not in_window(record_time(record, "dateReceived"), query["start"], query["end"]):
            continue
        # admin=false: only mail held for the authenticated (service) user.
        if not query["admin"] and dataset.SERVICE_ADDRESS not in (address(record.get("to")).lower(), address(record.get("toHeader")).lower()):
            continue
        if not search_matches(record, fields, query["search"], "all"):
            continue
        found.append(record)
    return sorted(found, key=lambda r: record_time(r, "dateReceived"), reverse=True)


# path -> (validator, search, how the page is wrapped into `data`)
ENDPOINTS = {
    PROCESSING_PATH: (validate_processing, search_processing, lambda page: [{"messages": page}]),
    TRACKING_PATH: (validate_tracking, search_tracking, lambda page: [{"trackedEmails": page}]),
    HOLD_PATH: (validate_hold, search_hold, lambda page: page),
}


# ---------------------------------------------------------------- the emulator state

class Emulator:
    """All mutable state, behind one lock.  The HTTP handler only moves bytes."""

    def __init__(self, options):
        self.options = options
        self.quiet = options["quiet"]
        self.lock = threading.RLock()
        # Per-run state; reset() (re)initialises all of it.
        self.config, self.tokens, self.seen_request_ids, self.page_tokens = {}, {}, set(), {}
        self.faults, self.requests, self.rate_window = [], [], (0.0, 0)
        # (endpoint, normalised query) -> the sorted matches. Every page of a query used to
        # re-filter and re-sort the whole collection (1.7 s a page at 100,000 held messages);
        # matches depend only on the data and the query, so they are kept until the data changes.
        self.search_cache = {}
        self.credentials = {"v1": {}, "v2": {}}
        for option, (scheme, env_name) in CREDENTIAL_OPTIONS.items():
            self.credentials[scheme][env_name] = options[option]
        source = options["dataset"]
        if source is None:
            self.data = self._generate(options["seed"])
        else:
            if not isinstance(source, dict):
                with open(source, encoding="utf-8") as handle:
                    source = json.load(handle)
            self.data = dict((name, []) for name in dataset.COLLECTIONS)
            self.data.update(dataset.normalize(source, time.time()))
        self.reset()

    def _generate(self, seed):
        opts = self.options
        return dataset.generate(seed, opts["held"], opts["processing"], opts["tracked"], time.time())

    def reset(self, reseed=None):
        with self.lock:
            self.config = dict((key, self.options[key]) for key in CONFIG_KEYS)
            self.tokens = {}            # access token -> expiry (epoch seconds)
            self.seen_request_ids = set()
            self.page_tokens = {}       # opaque token -> (endpoint + query, offset)
            self.faults = []
            self.requests = []
            self.rate_window = (time.time(), RATE_LIMIT)
            if reseed is not None:
                self.data = self._generate(reseed)
                self.search_cache = {}

    # ---- request log

    def log_request(self, method, path, headers, raw):
        """Append an entry on arrival (so the log is in arrival order); secrets never stored."""
        logged_headers = {}
        for name, value in headers.items():
            logged_headers[name.lower()] = "<redacted>" if name.lower() in REDACTED_HEADERS else value
        if path == TOKEN_PATH:
            grant = parse_qs(raw.decode("utf-8", "replace")).get("grant_type", [None])[0]
            body = {"grant_type": grant}
        else:
            body = parse_json(raw)
            if body is None and raw:
                body = raw[:2000].decode("utf-8", "replace")
        entry = {"method": method, "path": path, "headers": logged_headers, "body": body,
                 "status": None, "fault": None, "time": time.time()}
        with self.lock:
            self.requests.append(entry)
        return entry

    # ---- faults

    def add_faults(self, rules):
        if not isinstance(rules, list):
            raise ValueError("'faults' must be a list of rules")
        normalised = [self._check_fault(rule) for rule in rules]
        with self.lock:
            self.faults.extend(normalised)

    @staticmethod
    def _check_fault(rule):
        if not isinstance(rule, dict):
            raise ValueError("a fault rule must be an object")
        unknown = sorted(set(rule) - set(FAULT_DEFAULTS) - {"kind"})
        if unknown:
            raise ValueError("unknown fault field(s): %s" % ", ".join(unknown))
        if rule.get("kind") not in FAULT_KINDS:
            raise ValueError("fault 'kind' must be one of: %s" % ", ".join(FAULT_KINDS))
        merged = dict(FAULT_DEFAULTS, **rule)
        minimums = {"count": 0, "after": 0, "every": 1, "status": 100, "reset_ms": 0, "delay_ms": 0}
        for name, low in minimums.items():
            if not isinstance(merged[name], int) or isinstance(merged[name], bool) or merged[name] < low:
                raise ValueError("fault '%s' must be an integer >= %d" % (name, low))
        if not isinstance(merged["path"], str):
            raise ValueError("fault 'path' must be a string")
        merged.update(seen=0, fired=0)
        return merged

    def _pick_fault(self, path):
        """First rule that fires for this request, or None.  Rules for '*' cover every
        non-control path except the token endpoint, which must be named explicitly."""
        with self.lock:
            for rule in self.faults:
                if rule["path"] != path and (rule["path"] != "*" or path == TOKEN_PATH):
                    continue
                if rule["count"] and rule["fired"] >= rule["count"]:
                    continue
                rule["seen"] += 1
                nth = rule["seen"] - rule["after"]
                if nth <= 0 or nth % rule["every"]:
                    continue
                rule["fired"] += 1
                return dict(rule)
        return None

    @staticmethod
    def _fault_reply(fault, item):
        kind, status = fault["kind"], fault["status"]
        if kind == "status" and fault["html"]:
            # What a proxy or load balancer in front of the API sends.
            page = "<html><head><title>%d</title></head><body><h1>%d Error</h1><p>The upstream server did not answer.</p></body></html>"
            return Reply(status, (page % (status, status)).encode("ascii"), "text/html; charset=utf-8")
        if kind == "status":
            return ApiError(status, fault["code"] or "err_internal", fault["message"] or "Injected HTTP %d" % status,
                            retryable=fault["retryable"]).reply(item)
        if kind == "rate_limit":
            headers = {"X-RateLimit-Limit": str(RATE_LIMIT), "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(fault["reset_ms"])}
            if fault["retry_after"] is not None:
                headers["Retry-After"] = str(fault["retry_after"])
            return ApiError(429, fault["code"] or "err_rate_limit_exceeded", fault["message"] or "Too many requests",
                            retryable=True, headers=headers).reply(item)
        if kind == "fail":
            error = {"code": fault["code"] or "err_internal", "message": fault["message"] or "Injected failure",
                     "retryable": bool(fault["retryable"])}
            return json_reply(200, {"meta": {"status": 200}, "data": [], "fail": [{"key": item, "errors": [error]}]})
        if kind == "token_expired":
            return ApiError(401, "token_expired", "The access token has expired", flat=True).reply(item)
        if kind == "bad_json":
            return Reply(200, b'{"meta": {"status": 200, "pagination": {"pageSize": 25}}, "data": [{"id": "eNo')
        if kind == "not_json":
            return Reply(200, b"Service is operating normally.\n", "text/plain; charset=utf-8")
        return json_reply(200, {"meta": {"status": 200}, "fail": []})  # no_data

    # ---- answering

    def handle(self, method, path, headers, raw):
        """Answer one non-control request: (Reply, or None to drop the connection; fault kind)."""
        if self.config["latency_ms"]:
            time.sleep(self.config["latency_ms"] / 1000.0)
        fault = self._pick_fault(path)
        kind = fault["kind"] if fault else None
        if kind == "drop":
            return None, kind
        if kind == "delay":
            time.sleep(fault["delay_ms"] / 1000.0)
        body = parse_json(raw)
        if kind in REPLACING_FAULTS:
            reply = self._fault_reply(fault, request_item(body))
        elif path == TOKEN_PATH:
            reply = self._token(method, headers, raw)
        else:
            try:
                if path not in API_PATHS:
                    raise ApiError(404, "err_resource_not_found", "No such endpoint: %s" % path)
                if method != "POST":
                    raise ApiError(405, "err_method_not_allowed", "Method %s is not allowed; use POST" % method, headers={"Allow": "POST"})
                self._authenticate(path, headers)
                reply = self._search(path, body, fault)
            except ApiError as err:
                reply = err.reply(request_item(body))
        if path != TOKEN_PATH:
            for name, value in self._rate_headers().items():
                reply.headers.setdefault(name, value)
        return reply, kind

    def _rate_headers(self):
        with self.lock:
            now = time.time()
            start, remaining = self.rate_window
            if now - start >= RATE_WINDOW:
                start, remaining = now, RATE_LIMIT
            remaining = max(0, remaining - 1)
            self.rate_window = (start, remaining)
        return {"X-RateLimit-Limit": str(RATE_LIMIT), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(int((start + RATE_WINDOW - now) * 1000))}

    def _token(self, method, headers, raw):
        """OAuth 2.0 client credentials, strict about the form encoding.  Error
        descriptions never repeat what the client sent: it may be a secret."""
        def oauth_error(status, error, description):
            return json_reply(status, {"error": error, "error_description": description}, {"Cache-Control": "no-store"})

        if method != "POST":
            return oauth_error(405, "invalid_request", "Use POST")
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return oauth_error(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        values = dict((name, form.get(name, [""])[0]) for name in ("grant_type", "client_id", "client_secret"))
        if not all(values.values()):
            return oauth_error(400, "invalid_request", "grant_type, client_id and client_secret are required")
        if values["grant_type"] != "client_credentials":
            return oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported")
        creds = self.credentials["v2"]
        # Evaluate both comparisons so timing does not reveal which one failed.
        id_ok = same_secret(values["client_id"], creds["MIMECAST_CLIENT_ID"])
        secret_ok = same_secret(values["client_secret"], creds["MIMECAST_CLIENT_SECRET"])
        if not (id_ok and secret_ok):
            return oauth_error(401, "invalid_client", "Client authentication failed")
        token = secrets.token_urlsafe(32)
        with self.lock:
            lifetime = self.config["token_lifetime"]
            self.tokens[token] = time.time() + lifetime
        return json_reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": ""},
                          {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def _authenticate(self, path, headers):
        authorization = headers.get("Authorization") or ""
        if authorization.startswith("Bearer "):
            token = authorization[len("Bearer "):]
            with self.lock:
                expiry = self.tokens.get(token)
            if expiry is None:
                raise ApiError(401, "token_verification_failed", "The access token could not be verified", flat=True)
            if time.time() >= expiry:
                raise ApiError(401, "token_expired", "The access token has expired", flat=True)
            return
        if authorization.startswith("MC "):
            self._check_signature(path, headers, authorization[len("MC "):])
            return
        raise ApiError(401, "token_verification_failed", "Unauthorized Request: no supported Authorization header", flat=True)

    def _check_signature(self, path, headers, credential):
        for name in ("x-mc-date", "x-mc-req-id", "x-mc-app-id"):
            if not headers.get(name):
                raise ApiError(400, "err_validation_blank", "Header '%s' is required" % name)
        creds = self.credentials["v1"]
        access_key, _sep, signature = credential.partition(":")
        if not (same_secret(access_key, creds["MIMECAST_ACCESS_KEY"]) and headers["x-mc-app-id"] == creds["MIMECAST_APP_ID"]):
            raise ApiError(401, "err_developer_key", "The access key or application id is not valid")
        # A skewed or malformed date fails exactly like a wrong key: that is what clients see.
        invalid = ApiError(401, "err_xdk_invalid_signature", "0004 Invalid Signature")
        sent = parse_mc_date(headers["x-mc-date"])
        if sent is None or abs(time.time() - sent) > SIGNATURE_SKEW:
            raise invalid
        request_id = headers["x-mc-req-id"]
        expected = mc_signature(headers["x-mc-date"], request_id, path, creds["MIMECAST_APP_KEY"], creds["MIMECAST_SECRET_KEY"])
        if not same_secret(signature, expected):
            raise invalid
        with self.lock:
            if request_id in self.seen_request_ids:  # a replayed (or not re-signed) request
                raise invalid
            self.seen_request_ids.add(request_id)

    def _search(self, path, body, fault):
        validator, search, wrap = ENDPOINTS[path]
        if not isinstance(body, dict):
            raise bad_request("err_validation_invalid_value", "The request body must be a JSON object")
        page_size, page_token = validate_pagination(body)
        if "data" not in body:
            raise bad_request("err_validation_blank", "Field 'data' is required")
        if body["data"] is None:
            raise bad_request("err_validation_null", "Field 'data' must not be null")
        data = body["data"]
        if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
            raise bad_request("err_validation_invalid_value", "Field 'data' must be a list holding exactly one object")
        query = validator(data[0], time.time())
        with self.lock:
            found = self._cached_search(path, search, query)
            pagination, page = self._paginate(path, data[0], found, page_size, page_token, fault)
        return json_reply(200, {"meta": {"status": 200, "pagination": pagination}, "data": wrap(page), "fail": []})

    def _cached_search(self, path, search, query):
        """search(self.data, query), computed once per query until the data changes (lock held)."""
        key = path + " " + json.dumps(query, sort_keys=True)
        found = self.search_cache.get(key)
        if found is None:
            if len(self.search_cache) >= SEARCH_CACHE_SIZE:
                # Queries with the default processing window differ every second: never let them pile up.
                self.search_cache.clear()
            found = self.search_cache[key] = search(self.data, query)
        return found

    def _issue_page_token(self, query_key, offset, token=None):
        # Opaque and random: a client cannot compute offsets, only follow `next`.
        token = token or base64.urlsafe_b64encode(os.urandom(18)).decode("ascii")
        self.page_tokens[token] = (query_key, offset)
        return token

    def _paginate(self, path, item, found, page_size, page_token, fault):
        """Page `found`; tokens are bound to the endpoint and the exact data[0] they came from."""
        query_key = path + " " + json.dumps(item, sort_keys=True)
        offset = 0
        if page_token is not None:
            known = self.page_tokens.get(page_token)
            if known is None or known[0] != query_key:
                raise bad_request("err_invalid_page_token", "Field 'meta.pagination.pageToken' is not valid for this request")
            offset = known[1]
        size = page_size or self.config["default_page_size"]
        if self.config["max_page_size"]:
            size = min(size, self.config["max_page_size"])  # silent clamp, as a real server may
        page = found[offset:offset + size]
        pagination = {"pageSize": size, "totalCount": len(found)}
        kind = fault["kind"] if fault else None
        if kind == "empty_page_with_next":
            page = []
            pagination["next"] = self._issue_page_token(query_key, offset)
        elif offset + size < len(found):
            pagination["next"] = self._issue_page_token(query_key, offset + size)
        if kind == "repeat_token":
            # A looping server: `next` points back at this very page.
            pagination["next"] = page_token or self._issue_page_token(query_key, offset, fault["token"])
        if offset > 0:
            pagination["previous"] = self._issue_page_token(query_key, max(0, offset - size))
        return pagination, page

    # ---- control API

    def control(self, method, path, raw):
        name = path[len(CONTROL_PREFIX):].strip("/")
        body = parse_json(raw) if raw.strip() else {}
        if not isinstance(body, dict):
            return json_reply(400, {"ok": False, "error": "the body must be a JSON object"})
        handlers = {
            ("GET", "health"): lambda: {"ok": True},
            ("POST", "reset"): lambda: self._control_reset(body),
            ("GET", "config"): lambda: self._snapshot("config"),
            ("POST", "config"): lambda: self._control_config(body),
            ("GET", "data"): lambda: self._snapshot("data")["data"],
            ("POST", "data"): lambda: self._control_data(body),
            ("GET", "faults"): lambda: self._snapshot("faults"),
            ("POST", "faults"): lambda: self._control_faults(body),
            ("DELETE", "faults"): lambda: self._control_clear("faults"),
            ("GET", "requests"): lambda: self._snapshot("requests"),
            ("DELETE", "requests"): lambda: self._control_clear("requests"),
            ("POST", "expire-tokens"): self._control_expire_tokens,
            ("GET", "tokens"): self._control_tokens,
        }
        handler = handlers.get((method, name))
        if handler is None:
            known = any(key[1] == name for key in handlers)
            return json_reply(405 if known else 404, {"ok": False, "error": "no control endpoint %s %s" % (method, path)})
        try:
            return json_reply(200, handler())
        except ValueError as exc:
            return json_reply(400, {"ok": False, "error": str(exc)})

    def _control_reset(self, body):
        reseed = body.get("reseed")
        if reseed is not None and (not isinstance(reseed, int) or isinstance(reseed, bool)):
            raise ValueError("'reseed' must be an integer")
        self.reset(reseed)
        return {"ok": True}

    def _snapshot(self, name):
        with self.lock:  # a deep copy, safe to serialise after the lock is released
            return {"ok": True, name: json.loads(json.dumps(getattr(self, name)))}

    def _control_config(self, body):
        for key, value in body.items():
            if key not in CONFIG_KEYS:
                raise ValueError("unknown config key '%s' (known: %s)" % (key, ", ".join(CONFIG_KEYS)))
            if value is None and key == "max_page_size":
                continue  # null removes the clamp
            low = 0 if key in ("token_lifetime", "latency_ms") else 1
            high = MAX_REQUEST_PAGE_SIZE if key == "default_page_size" else None
            if not isinstance(value, int) or isinstance(value, bool) or value < low or (high and value > high):
                raise ValueError("config '%s' must be an integer from %d%s" % (key, low, " to %d" % high if high else ""))
        with self.lock:
            self.config.update(body)
        return self._snapshot("config")

    def _control_data(self, body):
        # Only the collections present are replaced; send [] to empty one.
        fresh = dataset.normalize(body, time.time())
        with self.lock:
            self.data.update(fresh)
            self.search_cache = {}
        return dict({"ok": True}, **dict((name, len(records)) for name, records in fresh.items()))

    def _control_faults(self, body):
        self.add_faults(body.get("faults"))
        return self._snapshot("faults")

    def _control_clear(self, what):
        with self.lock:
            setattr(self, what, [])
        return {"ok": True}

    def _control_tokens(self):
        # Test-only: the bearer tokens issued since the last reset, oldest first, so tests can
        # check that none of them ever appears in a module's output.
        with self.lock:
            return {"ok": True, "tokens": list(self.tokens)}

    def _control_expire_tokens(self):
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = 0
            return {"ok": True, "expired": len(self.tokens)}


# ---------------------------------------------------------------- HTTP plumbing

class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 with Content-Length on every answer, so clients keep connections alive.
    protocol_version = "HTTP/1.1"
    server_version = "MimecastEmulator/1.0"
    timeout = 120  # idle keep-alive connections are closed eventually, as real servers do
    # TCP_NODELAY, as web servers set it: the headers and the body of an answer go out in two
    # writes, and with Nagle's algorithm the body waited for the client's delayed ACK, adding
    # about 40 ms to the first answers on every connection.
    disable_nagle_algorithm = True

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if not self.server.emulator.quiet:
            super().log_message(format, *args)

    def _dispatch(self):
        emulator = self.server.emulator
        path = urlsplit(self.path).path
        # Clients send Content-Length (the handler answers the same way); chunked
        # uploads are refused rather than misread as the next request.
        length = (self.headers.get("Content-Length") or "0").strip()
        if not length.isdigit() or self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._send(json_reply(411, {"meta": {"status": 411}, "data": [], "fail": [{"code": "err_length_required", "message": "Send Content-Length"}]}))
            return
        raw = self.rfile.read(int(length))
        if path.startswith(CONTROL_PREFIX):
            self._send(emulator.control(self.command, path, raw))
            return
        entry = emulator.log_request(self.command, path, self.headers, raw)
        try:
            reply, fault = emulator.handle(self.command, path, self.headers, raw)
        except Exception:  # pylint: disable=broad-except
            # An emulator bug must still produce an answer (and a visible traceback).
            traceback.print_exc()
            reply, fault = ApiError(500, "err_internal", "Emulator error").reply({}), None
        with emulator.lock:
            entry["status"] = reply.status if reply else None
            entry["fault"] = fault
        if reply is None:  # the 'drop' fault: close without a single byte
            self.close_connection = True
            return
        reply.headers.setdefault("x-request-id", str(uuid.uuid4()))
        self._send(reply)

    def _send(self, reply):
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. a read timeout during a delay)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default backlog of 5 resets connections under parallel tests

    def __init__(self, emulator, host, port, tls_cert=None, tls_key=None):
        super().__init__((host, port), Handler)
        self.emulator = emulator
        self.thread = None
        if tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls_cert, tls_key)
            # Handshake lazily in the handler thread, not in the accept loop.
            self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.base_url = "%s://%s:%d" % ("https" if tls_cert else "http", host, self.server_address[1])

    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn) that can hang offline.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def shutdown(self):
        super().shutdown()
        self.server_close()


def build_server(**options):
    unknown = sorted(set(options) - set(DEFAULTS))
    if unknown:
        raise TypeError("unknown emulator option(s): %s" % ", ".join(unknown))
    opts = dict(DEFAULTS, **options)
    return EmulatorServer(Emulator(opts), opts["host"], opts["port"], opts["tls_cert"], opts["tls_key"])


def start_in_thread(**options):
    """Start an emulator in a daemon thread: returns (server, base_url).  Options are
    the DEFAULTS keys (quiet defaults to True here); server.shutdown() stops it and
    server.emulator is the live state, for tests that want to reach in."""
    options.setdefault("quiet", True)
    server = build_server(**options)
    server.thread = threading.Thread(target=server.serve_forever, name="mimecast-emulator", daemon=True)
    server.thread.start()
    return server, server.base_url


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Local Mimecast API emulator (see tests/emulator/README.md).")
    parser.add_argument("--host", default=DEFAULTS["host"])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the chosen port to this file")
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    parser.add_argument("--held", type=int, default=DEFAULTS["held"], help="generated held messages")
    parser.add_argument("--processing", type=int, default=DEFAULTS["processing"],
                        help="generated processing-queue messages (bulk_processing gets half as many)")
    parser.add_argument("--tracked", type=int, default=DEFAULTS["tracked"], help="generated tracked emails")
    parser.add_argument("--dataset", help="JSON file replacing generated data")
    parser.add_argument("--tls-cert", help="PEM certificate: serve https")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every API and token answer")
    parser.add_argument("--token-lifetime", type=int, default=TOKEN_LIFETIME, help="expires_in of issued tokens")
    parser.add_argument("--max-page-size", type=int, help="silently clamp page sizes to this")
    parser.add_argument("--default-page-size", type=int, default=DEFAULT_PAGE_SIZE)
    parser.add_argument("--quiet", action="store_true", help="no access log on stderr")
    for option in CREDENTIAL_OPTIONS:
        parser.add_argument("--" + option.replace("_", "-"), default=DEFAULTS[option])
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    options = vars(args)
    port_file = options.pop("port_file")
    try:
        server = build_server(**options)
    except (OSError, ValueError) as exc:
        print("mimecast_emulator: cannot start: %s" % exc, file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.thread = threading.Thread(target=server.serve_forever, name="mimecast-emulator", daemon=True)
    server.thread.start()
    if port_file:
        with open(port_file + ".tmp", "w", encoding="ascii") as handle:
            handle.write("%d\n" % server.server_address[1])
        os.replace(port_file + ".tmp", port_file)  # readers never see a half-written file
    print("EMULATOR_LISTENING " + server.base_url, flush=True)
    while not stop.wait(0.2):  # a timed wait keeps signal handlers responsive
        pass
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
