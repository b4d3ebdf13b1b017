# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The mail_flow_compliance role's documentation (meta/argument_specs.yml, what ansible-doc and
docs/reference show) against its real defaults (defaults/main.yml) and its checks.

ansible-doc prints ``default: null`` for every option the argument spec gives no default, and the
thresholds can have none (a spec default would stop null from turning them off): their
descriptions must say what the real default is. ``-e name=null`` passes the text "null", so each
threshold that null turns off must show the JSON form that works.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re

import pytest
import yaml

from ansible_collections.mimecast.gateway.plugins.plugin_utils import compliance

ROLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "roles", "mail_flow_compliance")
P = "mail_flow_compliance_"
# Turned off by null (or, for the reason-code checks, an empty list or dict).
NULLABLE = ["max_held", "max_held_age", "forbidden_reason_codes", "max_held_per_reason", "max_processing", "max_attempts",
            "max_processing_age"]


def load(*path):
    with open(os.path.join(ROLE, *path)) as handle:
        return yaml.safe_load(handle)


OPTIONS = load("meta", "argument_specs.yml")["argument_specs"]["main"]["options"]
DEFAULTS = load("defaults", "main.yml")


def described(option):
    return " ".join(option["description"])


def shown(value):
    """How the description writes a default: V(100), V(24h), V([]), V({}), V(null)."""
    return "V(%s)" % (json.dumps(value) if value is None or isinstance(value, (list, dict)) else value)


def test_every_variable_is_documented_and_has_a_default():
    assert sorted(OPTIONS) == sorted(DEFAULTS) == sorted(P + name for name in compliance.VARIABLES)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_the_documented_default_is_the_real_one(name):
    option, real = OPTIONS[name], DEFAULTS[name]
    if "default" in option:
        assert option["default"] == real
        return
    # ansible-doc shows "default: null" here: the description says what the default really is.
    text = described(option)
    assert "C(default: null)" in text, text
    if name == P + "account":
        assert real == "{{ inventory_hostname }}"
        assert "The role's default is C(inventory_hostname)" in text
    else:
        assert "The role's default is %s" % shown(real) in text, text


@pytest.mark.parametrize("name", NULLABLE)
def test_each_threshold_null_turns_off_shows_the_json_form_for_the_command_line(name):
    text = described(OPTIONS[P + name])
    forms = re.findall(r"C\(-e '(\{[^']*\})'\)", text)
    off = [json.loads(form) for form in forms]
    assert {P + name: None} in off or {P + name: []} in off, text
    assert "-e %s%s=null" % (P, name) in text or P + name == P + "max_held_per_reason"


def test_the_probe_default_status_is_the_one_documented():
    expected = OPTIONS[P + "probes"]["options"]["expected_status"]
    assert expected["default"] == [compliance.DEFAULT_PROBE_STATUS]
    assert "V(deliverd)" in described(expected)  # the typo warning is documented
