# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Fault injection: the rules tests post to /_emulator/faults, which of them fires for a
# request, and the answers of the faults that replace a normal answer outright.

try:
    from .protocol import RATE_LIMIT, TOKEN_PATH, ApiError, Reply, json_reply
except ImportError:  # run as a script: the script's own directory is on sys.path
    from protocol import RATE_LIMIT, TOKEN_PATH, ApiError, Reply, json_reply

FAULT_KINDS = ("status", "rate_limit", "drop", "delay", "fail", "token_expired", "bad_json",
               "not_json", "no_data", "repeat_token", "empty_page_with_next")
# Kinds that replace the answer outright (before authentication is even looked at);
# delay, repeat_token and empty_page_with_next modify a normal answer instead.
REPLACING_FAULTS = ("status", "rate_limit", "fail", "token_expired", "bad_json", "not_json", "no_data")
# Kinds that may take `apply: true`: the request is answered (a release or reject applied) and
# then the answer is lost or garbled, the case where a retry may act twice. A 429 never applies,
# and a delay already applies at once and answers late.
APPLYING_FAULTS = ("drop", "status", "bad_json", "not_json")
FAULT_DEFAULTS = {"path": "*", "count": 1, "after": 0, "every": 1, "status": 500, "html": False,
                  "reset_ms": 1000, "retry_after": None, "delay_ms": 1000, "code": None,
                  "message": None, "retryable": False, "token": None, "apply": False}


def check_rule(rule):
    """A posted rule with its defaults filled in and its counters at zero; ValueError when malformed."""
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
    if not isinstance(merged["apply"], bool):
        raise ValueError("fault 'apply' must be true or false")
    if merged["apply"] and merged["kind"] not in APPLYING_FAULTS:
        why = "a delay applies the action anyway and answers late" if merged["kind"] == "delay" else \
            "a %s answer never follows an applied action" % merged["kind"]
        raise ValueError("fault 'apply' goes only with kind %s (%s)" % (", ".join(APPLYING_FAULTS), why))
    merged.update(seen=0, fired=0)
    return merged


def pick(rules, path):
    """A copy of the first rule that fires for this request, or None (the caller holds the lock).
    Rules for '*' cover every non-control path except the token endpoint, which must be named."""
    for rule in rules:
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


def fault_reply(fault, item):
    """The answer of a REPLACING_FAULTS kind; `item` is the request's data[0]."""
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
