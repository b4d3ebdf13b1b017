# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Turning Mimecast's camelCase answers into typed, snake_case facts, with a summary.

Each page is shaped as it arrives and the summary is counted in the same pass,
so the raw page can be dropped at once.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.mimecast.gateway.plugins.module_utils.dates import parse_api_time, utcnow


_BOUNDARY_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_BOUNDARY_WORD = re.compile(r"([a-z0-9])([A-Z])")
# A few dozen distinct keys occur in answers: convert each once, not once per occurrence.
_SNAKE_CACHE = {}
_INTEGER = re.compile(r"^-?[0-9]+$")


def snake_case(key):
    """``fromHeader`` -> ``from_header``; ``senderIP`` -> ``sender_ip``; ``remoteIp`` -> ``remote_ip``."""
    try:
        return _SNAKE_CACHE[key]
    except KeyError:
        converted = _BOUNDARY_WORD.sub(r"\1_\2", _BOUNDARY_ACRONYM.sub(r"\1_\2", key)).replace("-", "_").lower()
        _SNAKE_CACHE[key] = converted
        return converted


def to_bool(value):
    """Mimecast sends some booleans as "true"/"false" strings; anything unrecognised is left as sent."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return value


def to_int(value):
    """Integers sent as strings (or as whole floats) become ints; anything else is left as sent."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    return value


COERCERS = dict(bool=to_bool, int=to_int)


def shape(value, field_types):
    """Recursively snake_case keys and coerce the typed fields (``{snake_key: 'bool'|'int'}``)."""
    if isinstance(value, dict):
        shaped = {}
        for key, item in value.items():
            name = snake_case(key)
            kind = field_types.get(name)
            shaped[name] = COERCERS[kind](item) if kind else shape(item, field_types)
        return shaped
    if isinstance(value, list):
        return [shape(item, field_types) for item in value]
    return value


class Summary:
    """Counts for asserts: ``total``, ``by_<x>`` tallies, and the oldest timestamp with its age.

    ``group_by`` maps a summary key to the item field it counts (``{'by_route': 'route'}``);
    ``oldest_field`` names the timestamp field whose minimum is reported.
    """

    def __init__(self, group_by, oldest_field=None, now=None):
        self.group_by = list(group_by.items())
        self.oldest_field = oldest_field
        self.now = now or utcnow()
        self.total = 0
        self.counts = dict((name, {}) for name, _field in self.group_by)
        self._oldest = None
        self._oldest_text = None

    def add(self, item):
        self.total += 1
        for name, field in self.group_by:
            value = item.get(field)
            key = "unknown" if value is None or value == "" else str(value)
            tally = self.counts[name]
            tally[key] = tally.get(key, 0) + 1
        if self.oldest_field:
            text = item.get(self.oldest_field)
            moment = parse_api_time(text)
            if moment is not None and (self._oldest is None or moment < self._oldest):
                self._oldest, self._oldest_text = moment, text

    def result(self):
        summary = dict(total=self.total)
        summary.update(self.counts)
        if self.oldest_field:
            summary["oldest"] = self._oldest_text
            summary["oldest_age_seconds"] = (
                None if self._oldest is None else max(0, int((self.now - self._oldest).total_seconds())))
        return summary


def collect(pages, field_types, summary):
    """Shape every item of every page, counting the summary in the same pass.

    Returns ``(items, summary_dict, truncated)``.
    """
    items = []
    for page in pages:
        for raw in page:
            item = shape(raw, field_types)
            summary.add(item)
            items.append(item)
    return items, summary.result(), pages.truncated
