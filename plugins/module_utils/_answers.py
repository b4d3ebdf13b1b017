# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading what Mimecast answers, however broken: bodies, ``fail`` entries, rate-limit headers, page tokens.

Nothing here raises on a hostile answer: each reader returns what it could read, and the client
turns what it could not into one MimecastError. See docs/mimecast-api.md, "Envelope and errors".
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import codecs
import json
import math
import re

_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
# urllib3 starts its messages with the connection's repr: "HTTPSConnectionPool(host='x', port=443): ".
_POOL_PREFIX = re.compile(r"^\w+\(host=[^)]*\):\s*")

# Codes are short identifiers; anything longer is not a code and is cut.
MAX_CODE_LENGTH = 64
MAX_ERROR_MESSAGE_LENGTH = 300


def _code(value):
    """An error code as text, or None: a hostile answer may put anything where a code belongs."""
    if isinstance(value, str) and value.strip():
        return value.strip()[:MAX_CODE_LENGTH]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)[:MAX_CODE_LENGTH]
    return None


def _message(value):
    """An error message as bounded text; a nested structure is no message and is dropped."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = value if isinstance(value, str) else json.dumps(value)
    return text[:MAX_ERROR_MESSAGE_LENGTH]


def _error(entry, with_message=True):
    return dict(code=_code(entry.get("code")), message=_message(entry.get("message")) if with_message else None,
                retryable=entry.get("retryable") is True)


def normalise_fail(fail, with_messages=True):
    """Flatten both ``fail`` shapes into [{'code', 'message', 'retryable'}].

    API 1.0: [{'key': {...}, 'errors': [{'code', 'message', 'retryable'}]}] (``key`` may be absent);
    API 2.0 authentication: [{'code', 'message'}]. Anything else that is not empty counts as one
    failure without a code. ``with_messages`` false drops every message: token answers may echo
    what was sent.
    """
    if not fail:
        return []
    if isinstance(fail, dict):
        fail = [fail]
    if not isinstance(fail, list):
        return [dict(code=None, message=_message(fail) if with_messages else None, retryable=False)]
    errors = []
    for entry in fail:
        if not isinstance(entry, dict):
            errors.append(dict(code=None, message=_message(entry) if with_messages else None, retryable=False))
            continue
        nested = entry.get("errors")
        if isinstance(nested, list) and nested:
            for err in nested:
                if isinstance(err, dict):
                    errors.append(_error(err, with_messages))
                else:
                    errors.append(dict(code=None, message=_message(err) if with_messages else None, retryable=False))
        else:
            errors.append(_error(entry, with_messages))
    return errors


def snippet(text, limit=160):
    """A short, tag-free excerpt of a non-JSON body (a proxy's HTML page, say)."""
    text = _SPACES.sub(" ", _TAGS.sub(" ", text or "")).strip()
    return text[:limit] + ("..." if len(text) > limit else "")


def root_cause(exc):
    """The innermost reason of a requests/urllib3 exception, without their connection-pool preamble."""
    reason = exc
    for _depth in range(6):
        inner = getattr(reason, "reason", None)
        if not isinstance(inner, BaseException) and reason.args and isinstance(reason.args[0], BaseException):
            inner = reason.args[0]
        if not isinstance(inner, BaseException) or inner is reason:
            break
        reason = inner
    return snippet(_POOL_PREFIX.sub("", str(reason)), 300) or type(reason).__name__


def to_seconds(value, scale=1.0):
    """A header or field value as seconds (``scale`` 0.001 for milliseconds), or None when unreadable or negative."""
    try:
        result = float(value) * scale
    except (TypeError, ValueError):
        return None
    return result if result >= 0 else None


# Milliseconds until a call is allowed again; some deployments use the vendor-prefixed name.
RATE_LIMIT_RESET_HEADERS = ("X-RateLimit-Reset", "X-Mimecast-RateLimit-Reset")


def rate_limit_floor(response):
    """How long a 429 asks to wait: the reset headers are in milliseconds; Retry-After, where sent, in seconds."""
    resets = [to_seconds(response.headers.get(name), 0.001) or 0 for name in RATE_LIMIT_RESET_HEADERS]
    return max(resets + [to_seconds(response.headers.get("Retry-After")) or 0])


def rate_limit_remaining(response):
    """``X-RateLimit-Remaining`` as a whole number, or None when absent or unreadable."""
    value = response.headers.get("X-RateLimit-Remaining")
    try:
        remaining = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return remaining if remaining >= 0 else None


def next_page_token(body):
    """The next page token: None on the last page (``next`` absent, null or ""), else the token text.

    Raises ValueError for a ``next`` that is not text: following it could only loop or fail later.
    """
    meta = body.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    token = pagination.get("next") if isinstance(pagination, dict) else None
    if token is None or token == "":
        return None
    if not isinstance(token, str):
        raise ValueError("a next page token that is not text (%s)" % type(token).__name__)
    return token


def total_count(body):
    """``meta.pagination.totalCount`` when it is a whole number of 0 or more, else None (absent on some endpoints)."""
    meta = body.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    count = pagination.get("totalCount") if isinstance(pagination, dict) else None
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        return None
    return count


def _not_a_number(_text):
    """NaN and Infinity are no JSON: read as null, so no result carries them on to strict JSON readers."""
    return None


def _finite_float(text):
    value = float(text)
    return value if math.isfinite(value) else None  # 1e999 reads as infinity


def parse_json(response):
    """(body, None) or (None, reason): never raises on a bad body, however hostile."""
    if not response.content:
        return None, "empty body"
    encoding = response.encoding or "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"  # an unknown charset in Content-Type: JSON is UTF-8 anyway
    try:
        return json.loads(response.content.decode(encoding, "replace"), parse_constant=_not_a_number,
                          parse_float=_finite_float), None
    except RecursionError:
        # The standard parser gives up around a thousand levels deep ("[" repeated, say).
        return None, "nested too deeply to read"
    except ValueError as exc:
        return None, "%s" % str(exc)[:120]


def token_errors(body):
    """The error codes of a refused token request, never its messages: token answers may echo what was sent.

    Standard OAuth answers carry ``{"error": "invalid_client"}``; Mimecast also answers in its own flat shape,
    ``{"fail": [{"code": "InvalidClientIdentifier", "message": ...}]}``.
    """
    if not isinstance(body, dict):
        return []
    errors = [dict(code=_code(body.get("error")), message=None, retryable=False)]
    errors += normalise_fail(body.get("fail"), with_messages=False)
    return [error for error in errors if error["code"]]


def token_hint(codes):
    if "InvalidClientIdentifier" in codes:
        return ("Mimecast does not know this client_id: check client_id, and that base_url/region is where the "
                "API 2.0 application was created")
    return ("check client_id and client_secret, that the API 2.0 application is enabled, and that base_url/region "
            "is an API 2.0 host")


def per_item_failures(body, codes):
    """True when ``fail`` reports items one by one (each entry has its ``key``) and none refuses the caller."""
    fail = body.get("fail") if isinstance(body, dict) else None
    if not isinstance(fail, list) or not fail or not isinstance(body.get("data"), list):
        return False
    return all(isinstance(entry, dict) and "key" in entry for entry in fail) and not is_auth_failure(200, codes)


def is_auth_failure(status, codes):
    return status in (401, 403, 418) or bool(codes & set([
        "err_xdk_invalid_signature", "err_xdk_binding_expired", "err_developer_key", "app_forbidden",
        "token_verification_failed", "Unauthorized Request", "token_expired"]))
