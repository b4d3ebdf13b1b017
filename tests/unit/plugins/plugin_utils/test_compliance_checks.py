# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One account's checks from the modules' results: thresholds, unreadable queues, probes, histograms."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, strategies as st

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.checks import evaluate
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.render import render
from ansible_collections.mimecast.gateway.tests.unit.plugins.plugin_utils.compliance_fixtures import (
    FAILED_MODULE,
    NOW,
    by_id,
    full_settings,
    held_result,
    probe_result,
    processing_result,
    settings,
    stamp,
)


# ------------------------------------------------------------------ evaluation

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


@pytest.mark.parametrize("processing", [None, dict(changed=False, skipped=True, skip_reason="Conditional result was False")])
def test_a_queue_left_out_or_skipped_puts_its_checks_in_error_rather_than_crash(processing):
    report = evaluate(settings(), held=held_result(("spam", "INBOUND", 2, "")), processing=processing, now=NOW)
    checks = by_id(report)
    assert checks["held_total"]["status"] == "passed"
    for check_id in ("processing_total", "processing_max_attempts", "processing_oldest_age"):
        assert (checks[check_id]["status"], checks[check_id]["message"]) == (
            "error", "could not read the processing queue: no result was given (the task that reads it did not run)")
    assert report["processing"]["read"] is False


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
