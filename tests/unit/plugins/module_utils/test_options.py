# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.module_utils.options import ip_address_text, require_text, search_by


@pytest.mark.parametrize("value", [None, "x", " padded "])
def test_require_text_passes_values_through(value):
    assert require_text(value, "subject") == value


@pytest.mark.parametrize("value", ["", "   ", "\t"])
def test_require_text_rejects_blank(value):
    with pytest.raises(MimecastOptionError) as caught:
        require_text(value, "subject")
    assert (caught.value.option, caught.value.message) == ("subject", "subject must not be empty or only whitespace")


def test_search_by_maps_to_camel_case():
    assert search_by(dict(search_by=dict(field_name="subject", value="Invoice"))) == {"fieldName": "subject", "value": "Invoice"}
    assert search_by(dict(search_by=dict(field_name="reason_code", value="spam")), wire_names=dict(reason_code="reasonCode")) == {
        "fieldName": "reasonCode", "value": "spam"}
    assert search_by(dict(search_by=None)) is None
    assert search_by({}) is None


def test_search_by_rejects_a_blank_value():
    with pytest.raises(MimecastOptionError) as caught:
        search_by(dict(search_by=dict(field_name="subject", value=" ")))
    assert caught.value.option == "search_by.value"


def test_require_text_refuses_over_long_values_naming_the_option():
    assert require_text("x" * 1000, "subject") == "x" * 1000
    with pytest.raises(MimecastOptionError) as caught:
        require_text("x" * 1001, "subject")
    assert caught.value.option == "subject"
    assert str(caught.value) == "subject is 1001 characters long; at most 1000 are allowed"


@pytest.mark.parametrize("value, expected", [("192.0.2.7", "192.0.2.7"), (" 2001:db8::1 ", "2001:db8::1"), ("2001:DB8:0::1", "2001:db8::1")])
def test_ip_address_text_accepts_v4_and_v6(value, expected):
    assert ip_address_text(value, "sender_ip") == expected


@pytest.mark.parametrize("value", ["not-an-ip", "192.0.2", "192.0.2.300", "example.com"])
def test_ip_address_text_refuses_anything_else(value):
    with pytest.raises(MimecastOptionError) as caught:
        ip_address_text(value, "sender_ip")
    assert caught.value.option == "sender_ip"
    assert "IPv4 or IPv6" in str(caught.value)
