# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The emulator's state and how it answers one request: data, config, faults, the request
# and action logs, tokens and page tokens, all behind one lock. The HTTP handler only moves bytes.

import json
import threading
import time
from urllib.parse import parse_qs

try:
    from . import dataset, faults, pagination
    from .actions import answer_action
    from .auth import CLIENT_ID, CLIENT_SECRET, ACCESS_KEY, SECRET_KEY, APP_ID, APP_KEY, TOKEN_LIFETIME, Authenticator
    from .control import CONFIG_KEYS, answer_control, check_config
    from .limits import PER_SECOND_FAULT, Limits
    from .protocol import (ACTION_PATHS, API_PATHS, DEFAULT_PAGE_SIZE, FIELD_MAX_PAGE_SIZE, TOKEN_PATH, ApiError,
                           bad_request, json_reply, parse_json, request_item)
    from .search import ENDPOINTS, INCLUSIVE, WINDOWED_PATHS, public_view
    from .validation import validate_pagination
except ImportError:  # run as a script: the script's own directory is on sys.path
    import dataset
    import faults
    import pagination
    from actions import answer_action
    from auth import CLIENT_ID, CLIENT_SECRET, ACCESS_KEY, SECRET_KEY, APP_ID, APP_KEY, TOKEN_LIFETIME, Authenticator
    from control import CONFIG_KEYS, answer_control, check_config
    from limits import PER_SECOND_FAULT, Limits
    from protocol import (ACTION_PATHS, API_PATHS, DEFAULT_PAGE_SIZE, FIELD_MAX_PAGE_SIZE, TOKEN_PATH, ApiError,
                          bad_request, json_reply, parse_json, request_item)
    from search import ENDPOINTS, INCLUSIVE, WINDOWED_PATHS, public_view
    from validation import validate_pagination

SEARCH_CACHE_SIZE = 32         # distinct queries whose matches are kept (see Emulator.search_cache)
REDACTED_HEADERS = ("authorization", "proxy-authorization", "cookie")

# Every option of build_server/start_in_thread (and, spelt with dashes, of the command line).
DEFAULTS = {
    "host": "127.0.0.1", "port": 0, "seed": 1, "held": 60, "processing": 25, "tracked": 30,
    "dataset": None, "tls_cert": None, "tls_key": None, "quiet": False,
    "latency_ms": 0, "token_lifetime": TOKEN_LIFETIME, "default_page_size": DEFAULT_PAGE_SIZE,
    # The field's behaviour by default: at most 100 items a page, and each endpoint's own pagination shape.
    "max_page_size": FIELD_MAX_PAGE_SIZE, "pagination_shape": pagination.FIELD,
    # Whether the hold list's and the processing queue's start/end include their own second (undocumented),
    # and the per-second budget shared by every client (None: off, the hourly headers only): limits.py.
    "window_edges": INCLUSIVE, "rate_limit_per_second": None,
    "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "access_key": ACCESS_KEY,
    "secret_key": SECRET_KEY, "app_id": APP_ID, "app_key": APP_KEY,
}


class Emulator:
    """All mutable state, behind one lock."""

    def __init__(self, options):
        self.options = options
        self.quiet = options["quiet"]
        self.lock = threading.RLock()
        check_config(dict((key, options[key]) for key in CONFIG_KEYS))
        self.auth = Authenticator(options, self.lock)
        # Per-run state; reset() (re)initialises all of it.
        self.config, self.page_tokens = {}, pagination.PageTokens()
        self.faults, self.requests = [], []
        self.limits = Limits(time.time())  # the rate limit and the /_emulator/stats counters
        self.actions = []  # every release/reject applied, in order (GET /_emulator/actions)
        # (endpoint, normalised query) -> the sorted matches. Every page of a query used to
        # re-filter and re-sort the whole collection (1.7 s a page at 100,000 held messages);
        # matches depend only on the data and the query, so they are kept until the data changes.
        self.search_cache = {}
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
            self.auth.reset()
            self.page_tokens.clear()
            self.faults = []
            self.requests = []
            self.actions = []
            self.limits.reset(time.time())
            if reseed is not None:
                self.data = self._generate(reseed)
                self.search_cache = {}

    def control(self, method, path, raw):
        """Answer a /_emulator/ request (see control.py)."""
        return answer_control(self, method, path, raw)

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

    def count_request(self, connection_epoch):
        """Count a non-control request for /_emulator/stats; returns the epoch its connection is now counted in."""
        with self.lock:
            return self.limits.count_request(connection_epoch)

    # ---- faults

    def add_faults(self, rules):
        if not isinstance(rules, list):
            raise ValueError("'faults' must be a list of rules")
        normalised = [faults.check_rule(rule) for rule in rules]
        with self.lock:
            self.faults.extend(normalised)

    # ---- answering

    def handle(self, method, path, headers, raw, entry=None):
        """Answer one non-control request: (Reply, or None to drop the connection; fault kind).

        ``entry``, the request's log entry, gets its fault as soon as one is picked: a delayed answer may still be
        on its way when the client, which gave up waiting, has finished and its test reads the log."""
        if self.config["latency_ms"]:
            time.sleep(self.config["latency_ms"] / 1000.0)
        body = parse_json(raw)
        rate_headers = None
        if path != TOKEN_PATH:
            with self.lock:
                refusal, rate_headers = self.limits.admit(self.config["rate_limit_per_second"], time.time())
            if refusal:  # over the per-second budget: refused before faults, authentication or anything else
                return refusal.reply(request_item(body)), PER_SECOND_FAULT
        with self.lock:
            fault = faults.pick(self.faults, path)
            kind = fault["kind"] if fault else None
            if entry is not None:
                entry["fault"] = kind
        if fault and fault["apply"]:
            # Handled in full (an action applied), then the answer is lost: what makes a retry act twice.
            self._answer(method, path, headers, raw, body, fault)
            reply = None if kind == "drop" else faults.fault_reply(fault, request_item(body))
        elif kind == "drop":
            return None, kind
        elif kind in faults.REPLACING_FAULTS:
            reply = faults.fault_reply(fault, request_item(body))
        else:
            reply = self._answer(method, path, headers, raw, body, fault)
        if kind == "delay":
            # Answered at once, sent late: an action is applied before a client's read timeout runs out.
            time.sleep(fault["delay_ms"] / 1000.0)
        if reply is not None and rate_headers:
            for name, value in rate_headers.items():
                reply.headers.setdefault(name, value)
        return reply, kind

    def _answer(self, method, path, headers, raw, body, fault):
        """The service's own answer to a request, faults aside."""
        if path == TOKEN_PATH:
            return self.auth.token(method, headers, raw, self.config["token_lifetime"])
        try:
            if path not in API_PATHS:
                raise ApiError(404, "err_resource_not_found", "No such endpoint: %s" % path)
            if method != "POST":
                raise ApiError(405, "err_method_not_allowed", "Method %s is not allowed; use POST" % method, headers={"Allow": "POST"})
            self.auth.authenticate(path, headers)
            if path in ACTION_PATHS:
                return answer_action(self, path, body)
            return self._search(path, body, fault)
        except ApiError as err:
            return err.reply(request_item(body))

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
        if path in WINDOWED_PATHS:
            query["edges"] = self.config["window_edges"]
        with self.lock:
            found = self._cached_search(path, search, query)
            meta, page = pagination.paginate(self.page_tokens, self.config, path, data[0], found, page_size, page_token,
                                             fault["kind"] if fault else None, fault["token"] if fault else None)
        page = [public_view(path, record) for record in page]
        return json_reply(200, {"meta": {"status": 200, "pagination": meta}, "data": wrap(page), "fail": []})

    def forget_searches(self, path):
        """Drop the cached matches of one endpoint after its records changed (lock held)."""
        for key in [key for key in self.search_cache if key.startswith(path + " ")]:
            del self.search_cache[key]

    def _cached_search(self, path, search, query):
        """search(self.data, query), computed once per query until the data changes (lock held)."""
        key = path + " " + json.dumps(query, sort_keys=True)
        found = self.search_cache.get(key)
        if found is None:
            if len(self.search_cache) >= SEARCH_CACHE_SIZE:
                # Queries with the default processing window differ every second: never let them pile up. The oldest
                # goes, not all of them: a client paging many time windows at once would otherwise lose the matches of
                # the windows it is still paging, and each of their pages would search again.
                del self.search_cache[next(iter(self.search_cache))]
            found = self.search_cache[key] = search(self.data, query)
        return found
