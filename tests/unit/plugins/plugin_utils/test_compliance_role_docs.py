# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The mail_flow_compliance role's documentation (meta/argument_specs.yml, what ansible-doc and
docs/reference show) against its real defaults (defaults/main.yml) and its checks.

meta/argument_specs.yml is the one list of the role's variables: the filters read it to tell a
misspelt variable from a real one, and defaults/main.yml, the role's tasks, its README and the
generated docs/reference page must agree with it.

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

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.probes import DEFAULT_PROBE_STATUS, PROBE_KEYS
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.settings import FORMATS, check_settings
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.variables import ARGUMENT_SPECS, OUTPUTS, role_variables

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..")
ROLE = os.path.join(ROOT, "roles", "mail_flow_compliance")
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


def read(*path):
    with open(os.path.join(ROOT, *path)) as handle:
        return handle.read()


def test_the_filters_read_the_variables_from_the_role_s_argument_spec():
    assert os.path.samefile(ARGUMENT_SPECS, os.path.join(ROLE, "meta", "argument_specs.yml"))
    assert [P + name for name in role_variables()] == list(OPTIONS)


def test_a_variable_added_to_the_argument_spec_is_known_to_the_filters(tmp_path):
    spec = load("meta", "argument_specs.yml")
    spec["argument_specs"]["main"]["options"][P + "max_queued"] = dict(type="int", description=["A new threshold."])
    path = tmp_path / "argument_specs.yml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    assert role_variables(str(path)) == role_variables() + ("max_queued",)


def test_every_variable_of_the_argument_spec_is_known_and_a_misspelt_one_is_not():
    given = dict(DEFAULTS, **{P + "account": "acme"})
    errors = check_settings(given, defined_names=list(OPTIONS) + [P + "max_hled"])["errors"]
    assert errors == ["unknown variable mail_flow_compliance_max_hled; did you mean mail_flow_compliance_max_held?"]


def test_an_unreadable_argument_spec_is_one_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match="mimecast.gateway is incomplete: cannot read the mail_flow_compliance role's variables from "):
        role_variables(str(tmp_path / "missing.yml"))


def test_every_variable_is_documented_and_has_a_default():
    assert sorted(OPTIONS) == sorted(DEFAULTS)


def test_the_role_passes_every_variable_to_the_settings_filter():
    task = [task for task in load("tasks", "main.yml") if task["name"] == "Check the role's variables before any API call"][0]
    given = task["vars"][P + "_given"]
    assert sorted(given) == sorted(OPTIONS)
    assert all(value == "{{ %s }}" % name for name, value in given.items())


def test_the_reference_page_documents_every_variable_and_no_other():
    page = read("docs", "reference", "mail_flow_compliance_role.md")
    assert re.findall(r'id="parameter-main--(%s[a-z_]+)"' % P, page) == sorted(OPTIONS)


@pytest.mark.parametrize("path", [("roles", "mail_flow_compliance", "README.md"), ("docs", "reference", "mail_flow_compliance_role.md"),
                                  ("roles", "mail_flow_compliance", "defaults", "main.yml")])
def test_the_docs_name_no_variable_the_role_does_not_have(path):
    named = set(re.findall(r"\b%s[a-z_]*[a-z]" % P, read(*path)))
    assert named <= set(OPTIONS) | set(P + name for name in OUTPUTS), sorted(named - set(OPTIONS))


def test_the_probe_keys_and_report_formats_are_the_documented_ones():
    assert tuple(OPTIONS[P + "probes"]["options"]) == PROBE_KEYS
    assert tuple(OPTIONS[P + "report_formats"]["choices"]) == FORMATS


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
    assert expected["default"] == [DEFAULT_PROBE_STATUS]
    assert "V(deliverd)" in described(expected)  # the typo warning is documented
