# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role's variables, checked and normalised: ages, thresholds, probes, report files."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest
from hypothesis import given, strategies as st

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.ages import format_age, parse_age
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.settings import check_settings, file_stem
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.variables import SettingsError
from ansible_collections.mimecast.gateway.tests.unit.plugins.plugin_utils.compliance_fixtures import P, settings, variables


# ------------------------------------------------------------------ ages

@pytest.mark.parametrize("text, seconds", [
    ("30s", 30), ("30m", 1800), ("24h", 86400), ("2d", 172800), ("1w", 604800), ("1d12h", 129600),
    ("1h 30m", 5400), (" 4H ", 14400), ("0h", 0),
])
def test_parse_age_reads_every_documented_form(text, seconds):
    assert parse_age(text, "x") == seconds


@pytest.mark.parametrize("value, words", [
    ("24", "a number alone has no unit"), ("a day", "is not an age"), ("1.5h", "is not an age"), ("", "is not an age"),
    ("-1h", "must not be negative"), ("24 hours", "is not an age"), (None, "must be"), (True, "must be"),
])
def test_parse_age_refuses_anything_else_naming_the_variable(value, words):
    with pytest.raises(SettingsError) as caught:
        parse_age(value, "mail_flow_compliance_max_held_age")
    assert str(caught.value).startswith("mail_flow_compliance_max_held_age")
    assert words in str(caught.value)
    assert "30m, 24h, 2d or 1w" in str(caught.value)


@given(st.integers(min_value=0, max_value=10 ** 6), st.sampled_from("smhdw"))
def test_parse_age_scales_each_unit(amount, unit):
    assert parse_age("%d%s" % (amount, unit), "x") == amount * dict(s=1, m=60, h=3600, d=86400, w=604800)[unit]


@pytest.mark.parametrize("seconds, text", [
    (None, "-"), (0, "0s"), (59, "59s"), (60, "1m"), (3600, "1h"), (5400, "1h 30m"), (86400, "1d"), (108000, "1d 6h"),
    (604800 + 86400, "1w 1d"),
])
def test_format_age_shows_the_two_largest_units(seconds, text):
    assert format_age(seconds) == text


# ------------------------------------------------------------------ settings

def test_the_defaults_are_valid_and_normalised():
    checked = check_settings(variables(), defined_names=[P + "max_held", P + "probes"], cwd="/srv/ci")
    assert checked["errors"] == []
    result = checked["settings"]
    assert result["max_held_age"] == 86400 and result["max_held_age_text"] == "24h"
    assert result["max_processing_age"] == 14400
    assert result["report_dir"] == "/srv/ci/reports"
    assert result["fail_on_violation"] is True
    assert result["read_held"] and result["read_processing"]
    assert [item["dest"] for item in result["report_files"]] == [
        "/srv/ci/reports/accounts/acme.json", "/srv/ci/reports/accounts/acme.junit.xml",
        "/srv/ci/reports/accounts/acme.md", "/srv/ci/reports/accounts/acme.html"]
    assert result["report_files"][0]["aggregate_dest"] == "/srv/ci/reports/aggregate.json"


@pytest.mark.parametrize("name, value, words", [
    ("max_held", -1, "mail_flow_compliance_max_held must be 0 or more"),
    ("max_attempts", "-3", "mail_flow_compliance_max_attempts must be 0 or more"),
    ("max_processing", True, "mail_flow_compliance_max_processing must be a whole number"),
    ("max_processing", "ten", "mail_flow_compliance_max_processing must be a whole number"),
    ("max_held_age", "a day", "mail_flow_compliance_max_held_age 'a day' is not an age"),
    ("max_processing_age", "-2h", "mail_flow_compliance_max_processing_age must not be negative"),
    ("report_formats", ["json", "pdf"], "mail_flow_compliance_report_formats: unknown format(s) pdf; use any of json, junit, markdown, html"),
    ("max_held_per_reason", {"spam": -2}, "mail_flow_compliance_max_held_per_reason[spam] must be 0 or more"),
    ("max_held_per_reason", ["spam"], "mail_flow_compliance_max_held_per_reason must be a dict"),
    ("forbidden_reason_codes", [""], "mail_flow_compliance_forbidden_reason_codes must hold non-empty strings"),
    ("fail_on_violation", "perhaps", "mail_flow_compliance_fail_on_violation must be true or false"),
    ("report_dir", " ", "mail_flow_compliance_report_dir must be a directory path"),
    ("account", "", "mail_flow_compliance_account must name the account"),
    ("probes", {"message_id": "x"}, "mail_flow_compliance_probes must be a list"),
    ("held_since", "30d", "mail_flow_compliance_held_since '30d' is not a time: relative times count back from now"),
    ("held_since", "2026-02-30", "mail_flow_compliance_held_since '2026-02-30' is not a valid date"),
])
def test_each_bad_variable_is_named(name, value, words):
    errors = check_settings(variables(**{name: value}))["errors"]
    assert len(errors) == 1, errors
    assert words in errors[0]


def test_every_mistake_is_reported_at_once():
    errors = check_settings(variables(max_held=-1, max_held_age="soon", report_formats=["xml"]))["errors"]
    assert [error.split()[0] for error in errors] == [P + "max_held", P + "max_held_age", P + "report_formats:"]


def test_null_turns_a_check_off_and_no_held_check_means_no_held_read():
    result = settings(max_held=None, max_held_age=None, forbidden_reason_codes=None, max_held_per_reason=None)
    assert result["read_held"] is False and result["read_processing"] is True
    assert settings(max_processing=None, max_attempts=None, max_processing_age=None)["read_processing"] is False


def test_text_from_extra_vars_is_read_as_the_argument_spec_reads_it():
    result = settings(max_held="20", report_formats="json, html", fail_on_violation="false", forbidden_reason_codes="malware,impersonation")
    assert result["max_held"] == 20
    assert result["report_formats"] == ["json", "html"]
    assert result["fail_on_violation"] is False
    assert result["forbidden_reason_codes"] == ["malware", "impersonation"]


def test_held_since_is_off_by_default_and_passed_on_as_written():
    assert settings()["held_since"] is None
    assert settings(held_since="  ")["held_since"] is None
    assert settings(held_since=" -30d ")["held_since"] == "-30d"
    assert settings(held_since="2026-01-01")["held_since"] == "2026-01-01"


@pytest.mark.parametrize("since, age, warned", [
    ("-1h", "24h", True),      # the age check looks for mail held over a day, but only the last hour is read
    ("-2d", "24h", False),
    ("-24h", "24h", False),    # exactly the age: a message held since held_since is as old as the limit
    ("-1h", None, False),      # no age check, nothing to hide
])
def test_held_since_later_than_the_age_limit_is_a_warning(since, age, warned):
    checked = check_settings(variables(held_since=since, max_held_age=age))
    assert checked["errors"] == []
    warnings = [text for text in checked["warnings"] if "held_since" in text]
    assert bool(warnings) == warned, warnings
    if warned:
        assert "age check cannot fail" in warnings[0] and "max_held_age (24h)" in warnings[0]


def test_a_misspelt_variable_name_is_caught_with_a_suggestion():
    names = [P + "max_held", P + "max_hled", P + "_private", P + "report", "other_var"]
    errors = check_settings(variables(), defined_names=names)["errors"]
    assert errors == ["unknown variable mail_flow_compliance_max_hled; did you mean mail_flow_compliance_max_held?"]


def test_an_unknown_connection_option_is_named_and_no_value_is_echoed():
    errors = check_settings(variables(connection=dict(client_id="id", client_secret="s3cret-value", clientsecret="other-s3cret")))["errors"]
    assert len(errors) == 1
    assert "unknown option(s) clientsecret" in errors[0]
    assert "s3cret" not in errors[0]
    assert check_settings(variables(connection=dict(client_id="id", base_url="http://127.0.0.1:1", page_size=50)))["errors"] == []
    assert "summary_only" in check_settings(variables(connection=dict(summary_only=True)))["errors"][0]


@pytest.mark.parametrize("probe, words", [
    (dict(message_id="<a@b>", sender="x@y"), "gives message_id and sender: use one or the other"),
    (dict(name="empty"), "needs message_id, or at least one of sender, recipient, subject"),
    (dict(message_id="<a@b>", status="held"), "unknown key(s) status"),
    (dict(message_id=""), "message_id must be a non-empty string"),
    ("<a@b>", "must be a dict"),
])
def test_bad_probes_are_named_by_index(probe, words):
    errors = check_settings(variables(probes=[dict(message_id="<ok@x>"), probe]))["errors"]
    assert len(errors) == 1
    assert errors[0].startswith("mail_flow_compliance_probes[1]")
    assert words in errors[0]


def test_probes_get_a_name_and_an_expected_status():
    result = settings(probes=[dict(message_id="<a@b>"), dict(sender="canary@x", subject="Canary", expected_status="Held")])
    assert result["probes"] == [
        dict(name="<a@b>", message_id="<a@b>", expected_status="delivered", accepted_statuses=["archived", "delivered"]),
        dict(name="sender=canary@x subject=Canary", sender="canary@x", subject="Canary", expected_status="held",
             accepted_statuses=["held"])]


@pytest.mark.parametrize("given, expected, accepted", [
    (None, "delivered", ["archived", "delivered"]),
    ("delivered", "delivered", ["archived", "delivered"]),
    ("DELIVERED", "delivered", ["archived", "delivered"]),
    (["held"], "held", ["held"]),
    (["held", "Bounced"], ["held", "bounced"], ["held", "bounced"]),
    (["delivered", "held"], ["delivered", "held"], ["archived", "delivered", "held"]),
    (["held", "delivered", "archived"], ["held", "delivered", "archived"], ["held", "archived", "delivered"]),
    (["held", "held "], "held", ["held"]),
    # As the argument spec reads a list given as text.
    ("held, bounced", ["held", "bounced"], ["held", "bounced"]),
])
def test_expected_status_is_one_status_or_a_list_and_delivered_means_archived_or_delivered(given, expected, accepted):
    probe = settings(probes=[dict(message_id="<a@b>", expected_status=given)])["probes"][0]
    assert probe["expected_status"] == expected
    assert probe["accepted_statuses"] == accepted


@pytest.mark.parametrize("value, words", [
    ([], "is empty; give a tracking status such as delivered, held or bounced, or a list of them"),
    ("", "is empty"),
    (" ", "is empty"),
    (["held", ""], "must list non-empty strings, each a tracking status such as delivered, held or bounced; not ''"),
    (["held", 3], "must list non-empty strings"),
    ([None], "must list non-empty strings"),
    ([["held"]], "must list non-empty strings"),
    (True, "must be a tracking status such as delivered, held or bounced, or a list of them"),
    (5, "must be a tracking status"),
    ({"status": "held"}, "must be a tracking status"),
])
def test_bad_expected_status_is_refused_naming_the_probe(value, words):
    errors = check_settings(variables(probes=[dict(message_id="<ok@x>"), dict(message_id="<a@b>", expected_status=value)]))["errors"]
    assert len(errors) == 1, errors
    assert errors[0].startswith("mail_flow_compliance_probes[1].expected_status ")
    assert words in errors[0]


def test_probe_names_must_be_unique():
    errors = check_settings(variables(probes=[dict(name="p", message_id="<a@b>"), dict(name="p", sender="x")]))["errors"]
    assert errors == ["mail_flow_compliance_probes: the name 'p' is used more than once; give each probe its own name"]


def test_account_names_become_safe_file_names():
    assert file_stem("Contoso EU/prod") == "Contoso_EU_prod"
    assert file_stem("../..") == "account"


def test_report_dir_resolves_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = check_settings(variables(report_dir="out"))["settings"]
    assert result["report_dir"] == os.path.join(str(tmp_path), "out")
