# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading users' dates and writing Mimecast's.

Users write ISO 8601 in any usual form (``2026-05-01``, ``2026-05-01T10:00Z``,
``2026-05-01 10:00:00+01:00``) or a relative form (``now``, ``-15m``, ``-24h``,
``-7d``, ``-2w``). Mimecast wants ``YYYY-MM-DDTHH:MM:SS+0000`` in UTC; a
trailing ``Z`` has been seen rejected.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError


UTC = datetime.timezone.utc

# [0-9], not \d: \d also matches other scripts' digits, which no one means in a date.
_ISO = re.compile(
    r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[Tt ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]+))?)?"
    r"\s*(?P<offset>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$"
)
# A relative time: a minus, then one or more amounts with a unit (-15m, -24h, -1h30m, -1d12h).
_DURATION = r"(?:[0-9]+\s*[smhdw]\s*)+"
_RELATIVE = re.compile(r"^-\s*(?P<duration>%s)$" % _DURATION)
_UNSIGNED = re.compile(r"^\+?\s*%s$" % _DURATION)
_DURATION_PART = re.compile(r"([0-9]+)\s*([smhdw])")
_DURATION_ALONE = re.compile(r"^%s$" % _DURATION)
_UNIT_SECONDS = dict(s=1, m=60, h=3600, d=86400, w=604800)

FORMS_HELP = ("an ISO 8601 date or date-time (2026-05-01, 2026-05-01T10:00:00Z, 2026-05-01T10:00:00+01:00) "
              "or a relative time (now, -15m, -24h, -7d, -2w, -1h30m)")


def utcnow():
    return datetime.datetime.now(UTC)


def _offset(text):
    if text is None or text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


def parse_iso(text, end_of_day=False):
    """Parse an ISO 8601 string to an aware UTC datetime, or raise ValueError.

    A date alone means the start of that day, or its last second when
    ``end_of_day`` is set. A time without an offset is UTC.
    """
    match = _ISO.match(text.strip())
    if not match:
        raise ValueError("not an ISO 8601 date")
    parts = match.groupdict()
    date_only = parts["hour"] is None
    if date_only:
        hour, minute, second = (23, 59, 59) if end_of_day else (0, 0, 0)
    else:
        hour, minute, second = int(parts["hour"]), int(parts["minute"]), int(parts["second"] or 0)
    microsecond = int((parts["fraction"] or "0")[:6].ljust(6, "0"))
    value = datetime.datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]),
                              hour, minute, second, microsecond, tzinfo=_offset(parts["offset"]))
    return value.astimezone(UTC)


def duration_seconds(text):
    """``1d12h`` -> 129600, or None when ``text`` is not a duration.

    The one duration grammar of the collection: whole numbers (ASCII digits) with a unit each, s, m, h, d or w,
    combined as in 1h30m, spaces allowed. The modules' relative times are a minus and a duration (-1d12h); the
    compliance role's ages are a duration (1d12h).
    """
    text = str(text).strip().lower()
    if not _DURATION_ALONE.match(text):
        return None
    return sum(int(amount) * _UNIT_SECONDS[unit] for amount, unit in _DURATION_PART.findall(text))


def parse_user_time(value, option, end_of_day=False, now=None):
    """Read one of the user's ``start``/``end`` values; fail naming ``option``."""
    text = str(value).strip()
    if not text:
        raise MimecastOptionError(option, "%s must not be empty; use %s" % (option, FORMS_HELP))
    now = now or utcnow()
    if text.lower() == "now":
        return now.replace(microsecond=0)
    relative = _RELATIVE.match(text.lower())
    if relative:
        try:
            return (now - datetime.timedelta(seconds=duration_seconds(relative.group("duration")))).replace(microsecond=0)
        except OverflowError:
            raise MimecastOptionError(option, "%s '%s' reaches too far back" % (option, text[:64]))
    if _UNSIGNED.match(text.lower()):
        # "24h" or "+1d": relative times count back from now, so they start with a minus.
        raise MimecastOptionError(option, "%s '%s' is not a time: relative times count back from now and start with a "
                                          "minus, as in -%s; or use %s" % (option, text[:64], text.lstrip("+ ")[:64], FORMS_HELP))
    try:
        return parse_iso(text, end_of_day=end_of_day)
    except (ValueError, OverflowError) as exc:
        reason = "is not a valid date" if _ISO.match(text) else "cannot be read"
        raise MimecastOptionError(option, "%s '%s' %s (%s); use %s" % (option, text[:64], reason, exc, FORMS_HELP))


def to_mimecast(value):
    """Format an aware datetime as Mimecast wants it: UTC, ``+0000``, no fraction."""
    value = value.astimezone(UTC)
    # Not strftime: glibc does not zero-pad years before 1000.
    return "%04d-%02d-%02dT%02d:%02d:%02d+0000" % (value.year, value.month, value.day, value.hour, value.minute, value.second)


def date_window(params, now=None):
    """Map the ``start``/``end`` options to request fields, checking their order.

    Returns a dict with only the bounds the user gave, already formatted.
    """
    now = now or utcnow()
    bounds = {}
    if params.get("start") is not None:
        bounds["start"] = parse_user_time(params["start"], "start", now=now)
    if params.get("end") is not None:
        bounds["end"] = parse_user_time(params["end"], "end", end_of_day=True, now=now)
    if "start" in bounds and "end" in bounds and bounds["end"] < bounds["start"]:
        raise MimecastOptionError("end", "end (%s) is before start (%s)" % (to_mimecast(bounds["end"]), to_mimecast(bounds["start"])))
    return dict((key, to_mimecast(value)) for key, value in bounds.items())


def parse_api_time(text):
    """Parse a timestamp from a Mimecast answer; None when it is absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return parse_iso(text)
    except (ValueError, OverflowError):
        return None
