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

from ansible_collections.mimecast.gateway.plugins.module_utils.dates import parse_api_time, to_mimecast, utcnow


_BOUNDARY_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_BOUNDARY_WORD = re.compile(r"([a-z0-9])([A-Z])")
# A few dozen distinct keys occur in answers: convert each once, not once per occurrence. The cache
# stops growing at a size no real answer reaches, so a hostile one cannot fill memory with keys.
_SNAKE_CACHE = {}
_SNAKE_CACHE_LIMIT = 4096
# Longer digit strings are no count Mimecast sends (and Python refuses to convert past 4300 digits).
_INTEGER = re.compile(r"^-?[0-9]{1,30}$")
# Levels of nesting kept below an item. Real items nest two levels (an address inside a recipient
# list); anything far deeper is a broken or hostile answer, and would overflow Python's recursion
# limit here or in Ansible's handling of the result.
MAX_DEPTH = 32


class ShapeError(ValueError):
    """An item cannot be turned into facts (nested deeper than MAX_DEPTH)."""


def snake_case(key):
    """``fromHeader`` -> ``from_header``; ``senderIP`` -> ``sender_ip``; ``remoteIp`` -> ``remote_ip``."""
    try:
        return _SNAKE_CACHE[key]
    except KeyError:
        converted = _BOUNDARY_WORD.sub(r"\1_\2", _BOUNDARY_ACRONYM.sub(r"\1_\2", key)).replace("-", "_").lower()
        if len(_SNAKE_CACHE) < _SNAKE_CACHE_LIMIT:
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


def shape(value, field_types, depth=0):
    """Recursively snake_case keys and coerce the typed fields (``{snake_key: 'bool'|'int'}``).

    Raises ShapeError when ``value`` nests deeper than MAX_DEPTH.
    """
    if isinstance(value, dict):
        return _shape_dict(value, field_types, depth)
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise ShapeError("nests more than %d levels deep" % MAX_DEPTH)
        return [shape(item, field_types, depth + 1) for item in value]
    return value


def _shape_dict(record, field_types, depth=0, only=None):
    # The hot loop of a large result: local names and a cache lookup per key, no regex. ``only``: the top-level
    # keys anyone reads (fields, the summary, the order); the others are never shaped, nested parts and all.
    if depth >= MAX_DEPTH:
        raise ShapeError("nests more than %d levels deep" % MAX_DEPTH)
    cached = _SNAKE_CACHE.get
    shaped = {}
    for key, item in record.items():
        name = cached(key) or snake_case(key)
        if only is not None and name not in only:
            continue
        kind = field_types.get(name)
        if kind is not None and not isinstance(item, (dict, list)):
            shaped[name] = COERCERS[kind](item)
        elif isinstance(item, dict):
            shaped[name] = _shape_dict(item, field_types, depth + 1)
        elif isinstance(item, list):
            shaped[name] = shape(item, field_types, depth + 1)
        else:
            shaped[name] = item
    return shaped


def _sortable_time(text):
    """A string that sorts like the instant ``text`` names, or None when it cannot be read.

    Mimecast's own form (``2026-11-21T09:15:02+0000``) already sorts as text, so most values
    are taken as they are; anything else is parsed once and rewritten in that form.
    """
    if not isinstance(text, str):
        return None
    if len(text) == 24 and text.endswith("+0000") and text[10] == "T":
        return text
    moment = parse_api_time(text)
    return None if moment is None else to_mimecast(moment)


class Summary:
    """Counts for asserts: ``total``, ``by_<x>`` tallies, the oldest timestamp with its age, and a maximum.

    ``group_by`` maps a summary key to the item field it counts (``{'by_route': 'route'}``);
    ``oldest_field`` names the timestamp field whose minimum is reported; ``max_field`` an integer
    field whose largest value is reported as ``max_<field>`` (null when no item has one).
    ``lower_case`` names the tallies whose keys are lower-cased, so that one vocabulary serves every
    endpoint (the hold list says ``INBOUND`` where the others say ``inbound``).
    """

    def __init__(self, group_by, oldest_field=None, max_field=None, now=None, lower_case=()):
        self.group_by = [(name, field, name in lower_case) for name, field in group_by.items()]
        self.oldest_field = oldest_field
        self.max_field = max_field
        self.now = now or utcnow()
        self.total = 0
        self.counts = dict((name, {}) for name, _field, _lower in self.group_by)
        self._oldest_key = None
        self._oldest_text = None
        self._max = None

    @property
    def fields(self):
        """The item fields the summary reads."""
        names = set(field for _name, field, _lower in self.group_by)
        names.update(field for field in (self.oldest_field, self.max_field) if field)
        return names

    def add(self, item):
        self.total += 1
        for name, field, lower in self.group_by:
            value = item.get(field)
            key = "unknown" if value is None or value == "" else str(value).lower() if lower else str(value)
            tally = self.counts[name]
            tally[key] = tally.get(key, 0) + 1
        if self.oldest_field:
            text = item.get(self.oldest_field)
            sortable = _sortable_time(text)
            if sortable is not None and (self._oldest_key is None or sortable < self._oldest_key):
                self._oldest_key, self._oldest_text = sortable, text
        if self.max_field:
            value = item.get(self.max_field)
            if isinstance(value, int) and not isinstance(value, bool) and (self._max is None or value > self._max):
                self._max = value

    def result(self):
        summary = dict(total=self.total)
        summary.update(self.counts)
        if self.oldest_field:
            summary["oldest"] = self._oldest_text
            oldest = parse_api_time(self._oldest_key)
            summary["oldest_age_seconds"] = (
                None if oldest is None else max(0, int((self.now - oldest).total_seconds())))
        if self.max_field:
            summary["max_" + self.max_field] = self._max
        return summary


def fields_argument_spec(choices):
    """The ``fields`` option of a module whose items have these top-level keys."""
    return dict(type="list", elements="str", choices=list(choices))


def collect(pages, field_types, summary, fields=None, summary_only=False):
    """Shape every item of every page as it arrives, counting the summary in the same pass.

    Each raw page is dropped once shaped. With ``summary_only`` no item is kept; with
    ``fields`` each kept item is trimmed to those keys. Either way only the keys that are kept or
    read (by the summary, or to order the items) are shaped at all.
    When ``pages`` has an ``order`` (the date field and whether newest first, as time windows
    merged out of order do), the items are sorted by it, then by id.
    Returns ``(items, facts)``, facts holding ``count``, ``truncated`` and ``summary``.
    """
    items = []
    keep = None if not fields else frozenset(fields)
    order = getattr(pages, "order", None)
    read = None
    if keep is not None or summary_only:
        read = set(keep or ()) | summary.fields | (set([order[0], "id"]) if order else set())
    for page in pages:
        for raw in page:
            try:
                item = _shape_dict(raw, field_types, only=read)
            except ShapeError as exc:
                raise pages.answer_error("Mimecast's answer to %s holds an item that %s" % (pages.path, exc))
            summary.add(item)
            if summary_only:
                continue
            key = _order_key(item, order[0]) if order else None
            if keep is not None:
                item = dict((name, value) for name, value in item.items() if name in keep)
            items.append((key, item) if order else item)
    if order:
        items = [item for _key, item in sorted(items, key=lambda pair: pair[0], reverse=order[1])]
    totals = summary.result()
    return items, dict(count=totals["total"], truncated=pages.truncated, summary=totals)


def _order_key(item, field):
    identifier = item.get("id")
    return (_sortable_time(item.get(field)) or "", identifier if isinstance(identifier, str) else "")
