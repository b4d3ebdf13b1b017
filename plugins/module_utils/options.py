# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checks of option values the argument spec cannot express, each failing before any request, naming the option."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError


# Longer than any address, subject or Message-ID Mimecast keeps: a value this long is a mistake
# (a pasted file, a runaway template), so it is refused rather than sent.
MAX_TEXT_LENGTH = 1000

# The time windows one query may fetch at once (_windows.py): 1 is serial paging. At most 8, so that one task never
# holds more than 8 connections to Mimecast, whose rate limit every job, fork and source of the API user shares.
MAX_CONCURRENCY = 8
CONCURRENCY_ARGUMENT_SPEC = dict(concurrency=dict(type="int", default=4))


def require_text(value, option):
    """A search value must say something: reject empty, whitespace-only and over-long strings."""
    if value is None:
        return None
    if not str(value).strip():
        raise MimecastOptionError(option, "%s must not be empty or only whitespace" % option)
    if len(value) > MAX_TEXT_LENGTH:
        raise MimecastOptionError(option, "%s is %d characters long; at most %d are allowed" % (option, len(value), MAX_TEXT_LENGTH))
    return value


def ip_address_text(value, option):
    """An IPv4 or IPv6 address, as text; anything else fails naming the option."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise MimecastOptionError(option, "%s must be an IPv4 or IPv6 address, got '%s'" % (option, value[:64]))


def search_by(params, option="search_by", wire_names=None):
    """Map a ``search_by`` option to Mimecast's ``searchBy`` object, or None.

    ``wire_names`` maps a field name the user writes to the one sent, where they differ.
    """
    value = params.get(option)
    if not value:
        return None
    require_text(value.get("value"), "%s.value" % option)
    field_name = value["field_name"]
    return {"fieldName": (wire_names or {}).get(field_name, field_name), "value": value["value"]}


def whole_number_in_range(params, option, low, high, absent):
    """An int option from ``low`` to ``high``, ``absent`` when not given; anything else fails naming the option."""
    value = params.get(option)
    if value is None:
        return absent
    if not low <= value <= high:
        raise MimecastOptionError(option, "%s must be between %d and %d, got %d" % (option, low, high, value))
    return value


def concurrency(params):
    """The ``concurrency`` option, checked: 1 (serial) when the caller has no such option."""
    return whole_number_in_range(params, "concurrency", 1, MAX_CONCURRENCY, 1)
