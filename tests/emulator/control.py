# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The control API under /_emulator/ (no auth, JSON), through which tests load data, change
# the config, inject faults and read the request and action logs. See README.md for every endpoint.

import json
import time

try:
    from . import dataset
    from .pagination import PAGINATION_SHAPES
    from .protocol import CONTROL_PREFIX, MAX_REQUEST_PAGE_SIZE, json_reply, parse_json
    from .search import WINDOW_EDGES
except ImportError:  # run as a script: the script's own directory is on sys.path
    import dataset
    from pagination import PAGINATION_SHAPES
    from protocol import CONTROL_PREFIX, MAX_REQUEST_PAGE_SIZE, json_reply, parse_json
    from search import WINDOW_EDGES

# Settings that POST /_emulator/config changes at run time and a reset restores to the start values.
CONFIG_KEYS = ("token_lifetime", "max_page_size", "default_page_size", "latency_ms", "pagination_shape", "window_edges",
               "rate_limit_per_second")
CHOICES = {"pagination_shape": PAGINATION_SHAPES, "window_edges": WINDOW_EDGES}


def check_config(settings):
    """ValueError naming the first bad key or value; `settings` may hold any subset of CONFIG_KEYS."""
    for key, value in settings.items():
        if key not in CONFIG_KEYS:
            raise ValueError("unknown config key '%s' (known: %s)" % (key, ", ".join(CONFIG_KEYS)))
        if key in CHOICES:
            if value not in CHOICES[key]:
                raise ValueError("config '%s' must be one of: %s" % (key, ", ".join(CHOICES[key])))
            continue
        if key in ("max_page_size", "rate_limit_per_second") and value is None:
            continue  # null (like 0) removes the cap, or the per-second limit
        low = 0 if key in ("token_lifetime", "latency_ms", "max_page_size", "rate_limit_per_second") else 1
        high = MAX_REQUEST_PAGE_SIZE if key == "default_page_size" else None
        if not isinstance(value, int) or isinstance(value, bool) or value < low or (high and value > high):
            raise ValueError("config '%s' must be an integer from %d%s" % (key, low, " to %d" % high if high else ""))


def answer_control(emulator, method, path, raw):
    """The Reply to one control request."""
    name = path[len(CONTROL_PREFIX):].strip("/")
    body = parse_json(raw) if raw.strip() else {}
    if not isinstance(body, dict):
        return json_reply(400, {"ok": False, "error": "the body must be a JSON object"})
    handlers = {
        ("GET", "health"): lambda: {"ok": True},
        ("POST", "reset"): lambda: _reset(emulator, body),
        ("GET", "config"): lambda: _snapshot(emulator, "config"),
        ("POST", "config"): lambda: _config(emulator, body),
        ("GET", "data"): lambda: _snapshot(emulator, "data")["data"],
        ("POST", "data"): lambda: _data(emulator, body),
        ("GET", "faults"): lambda: _snapshot(emulator, "faults"),
        ("POST", "faults"): lambda: _faults(emulator, body),
        ("DELETE", "faults"): lambda: _clear(emulator, "faults"),
        ("GET", "requests"): lambda: _snapshot(emulator, "requests"),
        ("DELETE", "requests"): lambda: _clear(emulator, "requests"),
        # Every release/reject applied, in order, so tests can tell how often a client really acted.
        ("GET", "actions"): lambda: _snapshot(emulator, "actions"),
        ("DELETE", "actions"): lambda: _clear(emulator, "actions"),
        ("POST", "expire-tokens"): lambda: {"ok": True, "expired": emulator.auth.expire_all()},
        # Test-only: the bearer tokens issued since the last reset, oldest first, so tests can
        # check that none of them ever appears in a module's output.
        ("GET", "tokens"): lambda: {"ok": True, "tokens": emulator.auth.issued_tokens()},
        # Connections that carried a non-control request and those requests, since the last reset (limits.py).
        ("GET", "stats"): lambda: _stats(emulator),
        ("DELETE", "stats"): lambda: _stats(emulator, clear=True),
    }
    handler = handlers.get((method, name))
    if handler is None:
        known = any(key[1] == name for key in handlers)
        return json_reply(405 if known else 404, {"ok": False, "error": "no control endpoint %s %s" % (method, path)})
    try:
        return json_reply(200, handler())
    except ValueError as exc:
        return json_reply(400, {"ok": False, "error": str(exc)})


def _reset(emulator, body):
    reseed = body.get("reseed")
    if reseed is not None and (not isinstance(reseed, int) or isinstance(reseed, bool)):
        raise ValueError("'reseed' must be an integer")
    emulator.reset(reseed)
    return {"ok": True}


def _snapshot(emulator, name):
    with emulator.lock:  # a deep copy, safe to serialise after the lock is released
        return {"ok": True, name: json.loads(json.dumps(getattr(emulator, name)))}


def _config(emulator, body):
    check_config(body)
    with emulator.lock:
        emulator.config.update(body)
    return _snapshot(emulator, "config")


def _data(emulator, body):
    # Only the collections present are replaced; send [] to empty one.
    fresh = dataset.normalize(body, time.time())
    with emulator.lock:
        emulator.data.update(fresh)
        emulator.search_cache = {}
    return dict({"ok": True}, **dict((name, len(records)) for name, records in fresh.items()))


def _stats(emulator, clear=False):
    with emulator.lock:
        if clear:
            emulator.limits.clear_stats()
        return emulator.limits.stats()


def _faults(emulator, body):
    emulator.add_faults(body.get("faults"))
    return _snapshot(emulator, "faults")


def _clear(emulator, what):
    with emulator.lock:
        setattr(emulator, what, [])
    return {"ok": True}
