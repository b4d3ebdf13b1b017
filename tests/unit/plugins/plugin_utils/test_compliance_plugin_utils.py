# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import html.parser
import json
import os
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, strategies as st

from ansible_collections.mimecast.gateway.plugins.plugin_utils import compliance
from ansible_collections.mimecast.gateway.plugins.plugin_utils.compliance import (
    SettingsError,
    check_settings,
    evaluate,
    format_age,
    parse_age,
    render,
)


UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)
P = "mail_flow_compliance_"


def stamp(hours_ago):
    return (NOW - datetime.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%S+0000")


def variables(**overrides):
    """The role's defaults, as the role passes them to check_settings, with overrides (short names)."""
    values = dict(connection={}, account="acme", max_held=100, max_held_age="24h", forbidden_reason_codes=[],
                  max_held_per_reason={}, max_processing=200, max_attempts=10, max_processing_age="4h", probes=[],
                  report_dir="reports", report_formats=["json", "junit", "markdown", "html"], fail_on_violation=True,
                  held_since=None)
    values.update(overrides)
    return dict((P + key, value) for key, value in values.items())


def settings(**overrides):
    checked = check_settings(variables(**overrides), cwd="/srv/ci")
    assert checked["errors"] == []
    return checked["settings"]


def held_result(*messages):
    """A mimecast_hold_info result; messages are (reason_code, route, hours_ago, subject)."""
    items = [dict(reason_code=code, route=route, date_received=stamp(age), subject=subject) for code, route, age, subject in messages]
    by_reason, by_route = {}, {}
    for item in items:
        by_reason[item["reason_code"]] = by_reason.get(item["reason_code"], 0) + 1
        by_route[item["route"]] = by_route.get(item["route"], 0) + 1
    oldest = max([age for _code, _route, age, _subject in messages] or [None], key=lambda age: -1 if age is None else age)
    return dict(changed=False, count=len(items), truncated=False, held_messages=items, summary=dict(
        total=len(items), by_reason_code=by_reason, by_route=by_route,
        oldest=None if oldest is None else stamp(oldest), oldest_age_seconds=None if oldest is None else int(oldest * 3600)))


def processing_result(*messages):
    """A mimecast_processing_info result; messages are (attempts, hours_ago)."""
    items = [dict(attempts=attempts, created=stamp(age), routing="outbound") for attempts, age in messages]
    oldest = max([age for _attempts, age in messages] or [None], key=lambda age: -1 if age is None else age)
    return dict(changed=False, count=len(items), truncated=False, messages=items, summary=dict(
        total=len(items), by_route={"outbound": len(items)} if items else {}, by_info={},
        oldest=None if oldest is None else stamp(oldest), oldest_age_seconds=None if oldest is None else int(oldest * 3600)))


def probe_result(probe, *found):
    """One loop item of mimecast_track_info; found are (status, hours_ago)."""
    emails = [dict(status=status, received=stamp(age), route="outbound") for status, age in found]
    return dict(item=probe, changed=False, count=len(emails), tracked_emails=emails, truncated=False, summary=dict(total=len(emails)))


FAILED_MODULE = dict(changed=False, failed_when_result=False, msg="HTTP 401 from Mimecast: token_verification_failed")


def by_id(report):
    return dict((check["id"], check) for check in report["checks"])


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
    assert compliance.file_stem("Contoso EU/prod") == "Contoso_EU_prod"
    assert compliance.file_stem("../..") == "account"


# ------------------------------------------------------------------ evaluation

def full_settings(**overrides):
    base = dict(max_held=3, max_held_age="24h", forbidden_reason_codes=["impersonation"],
                max_held_per_reason={"spam": 1}, max_processing=2, max_attempts=5, max_processing_age="4h",
                probes=[dict(name="invoice", message_id="<i@x>"), dict(name="canary", sender="canary@x")])
    base.update(overrides)
    return settings(**base)


def test_limits_are_inclusive_and_each_check_says_why():
    result = full_settings()
    report = evaluate(result, held=held_result(("spam", "INBOUND", 2, "s"), ("policy", "OUTBOUND", 3, "p"), ("malware", "INBOUND", 23, "m")),
                      processing=processing_result((5, 1), (2, 3.5)),
                      probe_results=[probe_result(result["probes"][0], ("delivered", 1)),
                                     probe_result(result["probes"][1], ("delivered", 30), ("delivered", 2))], now=NOW)
    assert report["status"] == "passed"
    assert report["counts"] == dict(passed=9, failed=0, error=0, skipped=0)
    checks = by_id(report)
    assert list(checks) == ["held_total", "held_oldest_age", "held_forbidden_reason_codes", "held_per_reason:spam",
                            "processing_total", "processing_max_attempts", "processing_oldest_age", "probe:invoice", "probe:canary"]
    assert checks["held_total"]["message"] == "3 held, at most 3 allowed"
    assert checks["held_oldest_age"]["observed_text"] == "23h" and checks["held_oldest_age"]["limit_text"] == "24h"
    assert checks["processing_max_attempts"]["observed"] == 5
    assert "newest of 2 matches" in checks["probe:canary"]["message"]


def test_every_threshold_can_fail():
    result = full_settings()
    report = evaluate(result, held=held_result(("spam", "INBOUND", 2, "s"), ("spam", "INBOUND", 3, "s"), ("impersonation", "INBOUND", 25, "i"),
                                               ("policy", "INBOUND", 1, "p")),
                      processing=processing_result((6, 1), (1, 5), (1, 1)),
                      probe_results=[probe_result(result["probes"][0]),
                                     probe_result(result["probes"][1], ("delivered", 30), ("held", 1))], now=NOW)
    checks = by_id(report)
    assert report["status"] == "failed"
    assert all(check["status"] == "failed" for check in checks.values()), [c for c in checks.values() if c["status"] != "failed"]
    assert checks["held_forbidden_reason_codes"]["observed"] == {"impersonation": 1}
    assert checks["probe:invoice"]["observed_text"] == "not found"
    assert checks["probe:canary"]["observed"] == "held"
    assert report["failing"][0] == "Held messages (4 held, at most 3 allowed)"


def test_turned_off_checks_are_skipped_and_nothing_held_passes():
    result = settings(max_held=None, forbidden_reason_codes=[], max_processing_age=None)
    report = evaluate(result, held=held_result(), processing=processing_result(), now=NOW)
    checks = by_id(report)
    assert checks["held_total"]["status"] == "skipped"
    assert checks["held_total"]["message"] == "turned off (mail_flow_compliance_max_held is null)"
    assert checks["held_forbidden_reason_codes"]["status"] == "skipped"
    assert checks["held_oldest_age"]["status"] == "passed" and checks["held_oldest_age"]["message"] == "nothing is held"
    assert checks["processing_max_attempts"]["observed"] == 0
    assert report["status"] == "passed"


def test_an_unreadable_queue_puts_its_checks_in_error_with_the_module_message():
    result = full_settings(probes=[dict(name="p", message_id="<a@b>")])
    report = evaluate(result, held=FAILED_MODULE, processing=processing_result((1, 1)),
                      probe_results=[dict(FAILED_MODULE, item=result["probes"][0])], now=NOW)
    checks = by_id(report)
    assert report["status"] == "error"
    for check_id in ("held_total", "held_oldest_age", "held_forbidden_reason_codes", "held_per_reason:spam", "probe:p"):
        assert checks[check_id]["status"] == "error"
        assert "token_verification_failed" in checks[check_id]["message"]
    assert checks["processing_total"]["status"] == "passed"
    assert report["held"]["read"] is False and report["held"]["error"].startswith("could not read the held messages")


def probe_check(expected_status, *found):
    """The check of one probe, by message id, whose tracking found ``found`` ((status, hours_ago) pairs)."""
    probe = dict(name="p", message_id="<a@b>")
    if expected_status is not None:
        probe["expected_status"] = expected_status
    result = settings(max_held=None, max_held_age=None, max_processing=None, max_attempts=None, max_processing_age=None,
                      probes=[probe])
    report = evaluate(result, probe_results=[probe_result(result["probes"][0], *found)], now=NOW)
    return by_id(report)["probe:p"]


def test_by_default_an_archived_message_passes_as_delivered():
    check = probe_check(None, ("archived", 1))
    assert check["status"] == "passed"
    assert (check["observed"], check["observed_text"]) == ("archived", "archived")
    assert (check["limit"], check["limit_text"]) == ("delivered", "delivered (archived or delivered)")
    assert check["accepted_statuses"] == ["archived", "delivered"]
    assert check["message"] == "status archived, expected delivered (archived or delivered); received %s, route outbound" % stamp(1)
    assert probe_check(None, ("Delivered", 1))["status"] == "passed"
    assert probe_check(None, ("ARCHIVED", 1))["status"] == "passed"


@pytest.mark.parametrize("status", ["held", "accepted", "bounced", "deferred", "rejected", "delivery", "processing"])
def test_by_default_no_other_status_passes(status):
    check = probe_check(None, (status, 1))
    assert check["status"] == "failed"
    assert check["observed"] == status
    assert check["message"].startswith("status %s, expected delivered (archived or delivered); " % status)


def test_a_list_passes_on_any_of_its_statuses_and_fails_on_others():
    for status in ("held", "Bounced"):
        check = probe_check(["held", "bounced"], (status, 1))
        assert check["status"] == "passed", check
        assert (check["limit"], check["limit_text"]) == (["held", "bounced"], "held or bounced")
        assert check["accepted_statuses"] == ["held", "bounced"]
    check = probe_check(["held", "bounced"], ("archived", 1))
    assert check["status"] == "failed"
    assert check["message"].startswith("status archived, expected held or bounced; ")


def test_delivered_in_a_list_stands_for_archived_or_delivered():
    check = probe_check(["delivered", "held"], ("archived", 1))
    assert check["status"] == "passed"
    assert check["accepted_statuses"] == ["archived", "delivered", "held"]
    assert check["limit_text"] == "delivered or held (archived, delivered or held)"
    assert probe_check(["delivered", "held"], ("held", 1))["status"] == "passed"
    assert probe_check(["delivered", "held"], ("bounced", 1))["status"] == "failed"
    # Naming archived alone does not widen it: only the word delivered is an alias.
    assert probe_check("archived", ("delivered", 1))["status"] == "failed"
    assert probe_check("archived", ("archived", 1))["limit_text"] == "archived"


def test_the_newest_match_is_the_one_observed():
    check = probe_check(None, ("archived", 30), ("held", 1), ("archived", 5))
    assert check["status"] == "failed" and check["observed"] == "held"
    assert "newest of 3 matches" in check["message"]


def test_a_probe_not_found_or_not_run_still_says_what_was_expected():
    check = probe_check(["held", "bounced"])
    assert (check["status"], check["observed"], check["observed_text"]) == ("failed", None, "not found")
    assert check["limit_text"] == "held or bounced"
    assert check["message"] == "no message found for message_id <a@b>; expected held or bounced"
    result = settings(probes=[dict(name="p", message_id="<a@b>")])
    errored = by_id(evaluate(result, held=held_result(), processing=processing_result(),
                             probe_results=[dict(FAILED_MODULE, item=result["probes"][0])], now=NOW))["probe:p"]
    assert errored["status"] == "error"
    assert errored["limit_text"] == "delivered (archived or delivered)"
    assert errored["accepted_statuses"] == ["archived", "delivered"]


def test_settings_made_before_accepted_statuses_still_evaluate():
    result = settings(probes=[dict(name="p", message_id="<a@b>")])
    del result["probes"][0]["accepted_statuses"]
    check = by_id(evaluate(result, held=held_result(), processing=processing_result(),
                           probe_results=[probe_result(result["probes"][0], ("archived", 1))], now=NOW))["probe:p"]
    assert check["status"] == "passed" and check["accepted_statuses"] == ["archived", "delivered"]


VOCABULARY = ["archived", "delivered", "delivery", "held", "accepted", "bounced", "deferred", "rejected", "processing"]


@given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4), st.sampled_from(VOCABULARY), st.booleans())
def test_a_probe_passes_exactly_when_the_status_is_accepted(expected, observed, upper):
    widened = set(expected) | (set(["archived"]) if "delivered" in expected else set())
    check = probe_check(expected, (observed.upper() if upper else observed, 1))
    assert (check["status"] == "passed") == (observed in widened)
    assert set(check["accepted_statuses"]) == widened


def test_every_report_shows_what_was_expected_and_what_was_observed():
    result = full_settings(probes=[dict(name="invoice", message_id="<i@x>"),
                                   dict(name="canary", sender="canary@x", expected_status=["held", "bounced"])])
    report = evaluate(result, held=held_result(), processing=processing_result(),
                      probe_results=[probe_result(result["probes"][0], ("archived", 1)),
                                     probe_result(result["probes"][1], ("deferred", 1))], now=NOW)
    checks = by_id(report)
    assert checks["probe:invoice"]["status"] == "passed" and checks["probe:canary"]["status"] == "failed"

    data = json.loads(render(report, "json"))
    probes = dict((check["id"], check) for check in data["checks"] if check["category"] == "probe")
    assert probes["probe:invoice"]["accepted_statuses"] == ["archived", "delivered"]
    assert probes["probe:canary"]["limit"] == ["held", "bounced"] and probes["probe:canary"]["observed"] == "deferred"
    # The other checks keep their fields.
    assert set(data["checks"][0]) == set(["id", "category", "name", "status", "observed", "limit", "observed_text", "limit_text",
                                          "message"])

    markdown = render(report, "markdown")
    assert "| :white_check_mark: pass | Probe invoice | archived | delivered (archived or delivered) | status archived, " in markdown
    assert "| :x: **FAIL** | Probe canary | deferred | held or bounced | status deferred, expected held or bounced; " in markdown

    page = render(report, "html")
    assert ("<td>Probe invoice</td><td>archived</td><td>delivered (archived or delivered)</td>"
            "<td>status archived, expected delivered (archived or delivered); ") in page

    root = ET.fromstring(render(report, "junit").encode())
    failure = root.find("testsuite/testcase[@name='Probe canary']/failure")
    assert failure.get("message").startswith("status deferred, expected held or bounced; ")
    assert failure.text.startswith("observed: deferred\nlimit: held or bounced\n")

    rows = [line.split("  ") for line in render(report, "text").splitlines()]
    rows = dict((cells[2].strip(), [cell.strip() for cell in cells if cell.strip()]) for cells in
                ([cell for cell in row if cell] for row in rows[1:]))
    assert rows["Probe invoice"][-2:] == ["archived", "delivered (archived or delivered)"]
    assert rows["Probe canary"][-2:] == ["deferred", "held or bounced"]


def test_a_probe_that_did_not_run_is_an_error():
    result = full_settings(probes=[dict(name="p", message_id="<a@b>")])
    report = evaluate(result, held=held_result(), processing=processing_result(), probe_results=[], now=NOW)
    assert by_id(report)["probe:p"]["status"] == "error"


def test_the_age_histograms_count_each_message_once():
    result = full_settings()
    report = evaluate(result, held=held_result(("spam", "I", 0.5, ""), ("spam", "I", 1, ""), ("spam", "I", 5.9, ""), ("spam", "I", 30, ""),
                                               ("spam", "I", 200, "")),
                      processing=processing_result((1, 0.1), (1, 7)), now=NOW)
    assert report["age_buckets"] == ["< 1h", "1h-6h", "6h-24h", "1d-3d", "3d-7d", ">= 7d"]
    assert report["held"]["age_histogram"] == [1, 2, 0, 1, 0, 1]
    assert report["processing"]["age_histogram"] == [1, 0, 1, 0, 0, 0]


def test_reports_hold_no_message_content():
    result = full_settings()
    report = evaluate(result, held=held_result(("spam", "INBOUND", 2, "Secret merger plans")), processing=processing_result(), now=NOW)
    for fmt in ("json", "junit", "markdown", "html", "text"):
        assert "Secret merger" not in render(report, fmt)


# ------------------------------------------------------------------ rendering

@pytest.fixture
def two_reports():
    first = full_settings(account="acme")
    second = full_settings(account="<globex> | EU", max_held=0)
    held = held_result(("spam", "INBOUND", 2, ""), ("impersonation", "INBOUND", 30, ""))
    probes = [probe_result(first["probes"][0], ("delivered", 1)), probe_result(first["probes"][1], ("delivered", 1))]
    # The second account's probes did not run: its probe checks are in error.
    return [evaluate(first, held=held, processing=processing_result((1, 1)), probe_results=probes, now=NOW),
            evaluate(second, held=held_result(), processing=processing_result(), now=NOW)]


def test_json_is_the_full_report(two_reports):
    single = json.loads(render(two_reports[0], "json"))
    assert single["account"] == "acme" and len(single["checks"]) == 9
    run = json.loads(render(two_reports, "json", now=NOW))
    assert [item["account"] for item in run["accounts"]] == ["acme", "<globex> | EU"]
    assert run["account_counts"] == dict(passed=0, failed=1, error=1)
    assert run["status"] == "error"


def test_junit_has_a_suite_per_account_and_a_case_per_check(two_reports):
    root = ET.fromstring(render(two_reports, "junit").encode())
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == ["acme", "<globex> | EU"]
    acme = suites[0]
    cases = acme.findall("testcase")
    assert len(cases) == 9 == int(acme.get("tests"))
    failed = [case.get("name") for case in cases if case.find("failure") is not None]
    assert failed == ["Oldest held message", "Forbidden hold reasons"]
    assert acme.get("failures") == "2" and acme.get("errors") == "0"
    assert "1d 6h" in acme.find("testcase[@name='Oldest held message']/failure").get("message")
    errors = [case for case in suites[1].findall("testcase") if case.find("error") is not None]
    assert [case.get("name") for case in errors] == ["Probe invoice", "Probe canary"]
    assert root.get("tests") == str(len(cases) + len(suites[1].findall("testcase")))


def test_junit_marks_turned_off_checks_skipped():
    report = evaluate(settings(max_held=None), held=held_result(), processing=processing_result(), now=NOW)
    root = ET.fromstring(render(report, "junit").encode())
    skipped = [case.get("name") for case in root.iter("testcase") if case.find("skipped") is not None]
    assert skipped == ["Held messages", "Forbidden hold reasons"]
    assert root.find("testsuite").get("skipped") == "2"


def test_markdown_tables_escape_pipes(two_reports):
    text = render(two_reports, "markdown")
    assert "| &lt;globex> \\| EU | :warning: **ERROR** |" in text
    assert text.count("## ") == 2
    assert "| :x: **FAIL** | Oldest held message | 1d 6h | 24h |" in text


class _Page(html.parser.HTMLParser):
    def __init__(self):
        html.parser.HTMLParser.__init__(self)
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)


def test_html_is_self_contained_with_tables_and_charts(two_reports):
    page = render(two_reports, "html")
    parser = _Page()
    parser.feed(page)
    assert parser.tags.count("svg") == 4
    assert parser.tags.count("table") == 3
    assert not [value for name, value in parser.attributes if name in ("src", "href") and not str(value).startswith("#")]
    assert "<globex>" not in page and "&lt;globex&gt; | EU" in page
    assert page.count('class="bar"') >= 2


def test_html_charts_say_so_when_there_is_nothing_to_draw():
    report = evaluate(settings(), held=held_result(), processing=processing_result(), now=NOW)
    page = render(report, "html")
    assert "Nothing is held" in page
    off = evaluate(settings(max_held=None, max_held_age=None, max_processing=None, max_attempts=None, max_processing_age=None), now=NOW)
    page = render(off, "html")
    assert "Neither queue was read" in page and "no held check is on" in page


def test_text_table_has_a_row_per_check(two_reports):
    lines = render(two_reports, "text", now=NOW).splitlines()
    assert lines[0] == "Mail flow compliance ERROR: 2 accounts checked: 0 passed, 1 with failing checks, 1 in error"
    assert lines[1].split() == ["ACCOUNT", "RESULT", "CHECK", "OBSERVED", "LIMIT"]
    assert len(lines) == 2 + 18


def test_missing_accounts_show_as_errors_in_the_aggregate(two_reports):
    run = json.loads(render(two_reports[:1], "json", missing=["initech"]))
    assert [item["account"] for item in run["accounts"]] == ["acme", "initech"]
    assert run["accounts"][1]["status"] == "error"
    assert "before its checks ran" in run["accounts"][1]["checks"][0]["message"]
    assert "initech" in render(two_reports[:1], "html", missing=["initech"])


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render({}, "pdf")


def test_report_dir_resolves_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = check_settings(variables(report_dir="out"))["settings"]
    assert result["report_dir"] == os.path.join(str(tmp_path), "out")
