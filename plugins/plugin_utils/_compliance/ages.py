# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ages: read from the role's variables (``24h``), shown in tables (``1d 6h``), and counted into a histogram."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.module_utils.dates import duration_seconds, parse_api_time
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.variables import SettingsError


AGE_HELP = "an age such as 30m, 24h, 2d or 1w (units s, m, h, d, w; combine them as in 1d12h)"

# Histogram buckets for message ages: [low, high) in seconds; None = no upper bound.
AGE_BUCKETS = (
    ("< 1h", 0, 3600),
    ("1h-6h", 3600, 6 * 3600),
    ("6h-24h", 6 * 3600, 86400),
    ("1d-3d", 86400, 3 * 86400),
    ("3d-7d", 3 * 86400, 7 * 86400),
    (">= 7d", 7 * 86400, None),
)
AGE_LABELS = [label for label, _low, _high in AGE_BUCKETS]


def parse_age(value, name):
    """``24h`` -> 86400. Raise SettingsError naming ``name`` for anything unreadable or negative."""
    if isinstance(value, bool) or value is None:
        raise SettingsError("%s must be %s, not %r" % (name, AGE_HELP, value))
    text = str(value).strip().lower()
    if text.startswith("-"):
        raise SettingsError("%s must not be negative (%r); give %s" % (name, str(value)[:40], AGE_HELP))
    seconds = duration_seconds(text)  # the modules' grammar for relative times, without the minus
    if seconds is None:
        hint = " (a number alone has no unit)" if text.isdigit() else ""
        if text in ("null", "none", "~"):
            hint = " (to turn the check off on the command line, give null as JSON: -e '{\"%s\": null}')" % name
        raise SettingsError("%s %r is not an age%s; give %s" % (name, str(value)[:40], hint, AGE_HELP))
    return seconds


def parse_optional_age(value, name):
    """An age threshold: null turns its check off."""
    return None if value is None else parse_age(value, name)


def format_age(seconds):
    """86400 + 6 * 3600 -> ``1d 6h``: the two largest units, for tables and messages."""
    if seconds is None:
        return "-"
    seconds = int(seconds)
    for unit, size, smaller, smaller_size in (("w", 604800, "d", 86400), ("d", 86400, "h", 3600),
                                              ("h", 3600, "m", 60), ("m", 60, "s", 1)):
        if seconds >= size:
            whole, rest = divmod(seconds, size)
            part = rest // smaller_size
            return "%d%s %d%s" % (whole, unit, part, smaller) if part else "%d%s" % (whole, unit)
    return "%ds" % seconds


def age_histogram(items, field, now):
    """How many of ``items`` (API records) fall in each of AGE_BUCKETS, by the time in ``field``."""
    counts = [0] * len(AGE_BUCKETS)
    for item in items or []:
        moment = parse_api_time(item.get(field)) if isinstance(item, dict) else None
        if moment is None:
            continue
        age = max(0, (now - moment).total_seconds())
        for index, (_label, low, high) in enumerate(AGE_BUCKETS):
            if age >= low and (high is None or age < high):
                counts[index] += 1
                break
    return counts
