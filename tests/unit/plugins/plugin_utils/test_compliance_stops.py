# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Accounts that stop before their checks, how the aggregate counts them, and warnings (issue 13).

An account stopped by its variables or by refused credentials still gets a report, in error,
saying why, once; the aggregate counts such accounts apart from those with failing checks; a
probe's expected status that message tracking is not known to report is a warning.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance import guards
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.ages import parse_age
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.checks import evaluate
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.render import render
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.settings import check_settings
from ansible_collections.mimecast.gateway.tests.unit.plugins.plugin_utils.compliance_fixtures import (
    NOW,
    P,
    held_result,
    probe_result,
    processing_result,
    settings,
    variables,
)


V2_REFUSAL = dict(
    changed=False, failed=False, failed_when_result=False, error_type="MimecastAuthenticationError", http_status=401,
    mimecast_errors=[dict(code="invalid_client", message="", retryable=False)], request_id="req-1",
    msg="Mimecast refused the API 2.0 credentials (HTTP 401; invalid_client; request id req-1). Hint: check client_id and "
        "client_secret, that the API 2.0 application is enabled, and that base_url/region is an API 2.0 host")
V1_REFUSAL = dict(
    V2_REFUSAL, mimecast_errors=[dict(code="err_xdk_invalid_signature", message="0004 Invalid Signature", retryable=False)],
    msg="Mimecast refused the credentials for /api/message-finder/search (HTTP 401; err_xdk_invalid_signature: 0004 Invalid "
        "Signature; request id req-1). Hint: Mimecast rejected the request signature")
SKIPPED = dict(changed=False, skipped=True, skip_reason="Conditional result was False")


def probes_settings(**overrides):
    return settings(probes=[dict(name="invoice", message_id="<i@x>"), dict(name="canary", sender="canary@x")], **overrides)


# ------------------------------------------------------------------ 1. a fresh report for an account that stopped early

def test_the_report_files_are_named_even_when_the_variables_are_wrong():
    checked = check_settings(variables(max_held_age="soon", report_formats=["json", "markdown"]),
                             defined_names=[P + "max_hled"], cwd="/srv/ci")
    assert len(checked["errors"]) == 2
    result = checked["settings"]
    assert [item["dest"] for item in result["report_files"]] == ["/srv/ci/reports/accounts/acme.json", "/srv/ci/reports/accounts/acme.md"]
    # The formats not asked for, whose files of an earlier run the role removes.
    assert [(item["dest"], item["aggregate_dest"]) for item in result["other_report_files"]] == [
        ("/srv/ci/reports/accounts/acme.junit.xml", "/srv/ci/reports/aggregate.junit.xml"),
        ("/srv/ci/reports/accounts/acme.html", "/srv/ci/reports/aggregate.html")]
    assert result["report_files"][1]["extension"] == "md"
    # No file when the report directory itself is wrong.
    assert check_settings(variables(report_dir=" "))["settings"]["report_files"] == []


def test_an_account_stopped_by_its_variables_reports_error_and_why():
    reason = "invalid role variables: unknown variable mail_flow_compliance_max_hled; did you mean mail_flow_compliance_max_held?"
    report = evaluate(dict(account="acme", file_stem="acme"), stopped=reason, now=NOW)
    assert (report["status"], report["stopped"], report["error"]) == ("error", True, reason)
    assert report["counts"] == dict(passed=0, failed=0, error=1, skipped=0)
    assert [(check["id"], check["status"], check["observed_text"], check["message"]) for check in report["checks"]] == [
        ("checked", "error", "stopped", reason)]
    assert report["generated"] == "2026-05-04T12:00:00Z"
    assert json.loads(render(report, "json"))["error"] == reason
    assert render(report, "markdown").count("did you mean") == 1
    assert render(report, "html").count("did you mean") == 1
    suite = ET.fromstring(render(report, "junit").encode()).find("testsuite")
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("1", "1", "0")
    assert suite.find("testcase/error").get("message") == reason


def test_stopped_wins_over_any_result():
    result = probes_settings()
    report = evaluate(result, held=held_result(("spam", "INBOUND", 1, "")), stopped="invalid role variables: x", now=NOW)
    assert report["stopped"] and [check["id"] for check in report["checks"]] == ["checked"]


# ------------------------------------------------------------------ 2. errors counted apart from failures

@pytest.fixture
def failed_and_refused():
    result = probes_settings(max_held=0)
    failed = evaluate(result, held=held_result(("spam", "INBOUND", 1, "")), processing=processing_result(),
                      probe_results=[probe_result(result["probes"][0], ("archived", 1)), probe_result(result["probes"][1], ("archived", 1))],
                      now=NOW)
    refused = evaluate(probes_settings(account="globex"), held=V2_REFUSAL, processing=SKIPPED,
                       probe_results=[dict(SKIPPED, item=probe) for probe in result["probes"]], now=NOW)
    return [failed, refused]


def test_the_aggregate_counts_accounts_in_error_apart_from_failing_ones_in_every_format(failed_and_refused):
    line = "2 accounts checked: 0 passed, 1 with failing checks, 1 in error"
    assert render(failed_and_refused, "text", now=NOW).splitlines()[0] == "Mail flow compliance ERROR: " + line
    data = json.loads(render(failed_and_refused, "json", now=NOW))
    assert data["summary"] == line and data["account_counts"] == dict(passed=0, failed=1, error=1)
    assert line + "." in render(failed_and_refused, "markdown", now=NOW)
    assert line + "." in render(failed_and_refused, "html", now=NOW)
    suites = ET.fromstring(render(failed_and_refused, "junit").encode()).findall("testsuite")
    assert [(suite.get("name"), suite.find("properties/property[@name='status']").get("value"), suite.get("failures"), suite.get("errors"))
            for suite in suites] == [("acme", "failed", "1", "0"), ("globex", "error", "0", "1")]


def test_an_account_in_error_gives_its_reason_in_its_aggregate_row(failed_and_refused):
    markdown = render(failed_and_refused, "markdown", now=NOW)
    assert "| Account | Result | Passed | Failed | Errors | Off | Failing checks or error |" in markdown
    assert "| acme | :x: **FAIL** | 6 | 1 | 0 | 1 | Held messages |" in markdown
    row = [line for line in markdown.splitlines() if line.startswith("| globex |")]
    assert len(row) == 1
    assert row[0].startswith("| globex | :warning: **ERROR** | 0 | 0 | 1 | 0 | error: credentials refused (invalid_client) ")
    page = render(failed_and_refused, "html", now=NOW)
    assert '<td>error: credentials refused (invalid_client) reading the held messages, so no further API call was made: ' in page


def test_an_account_whose_queue_was_unreadable_gives_the_error_once_in_its_row():
    failed_module = dict(changed=False, failed_when_result=False, msg="HTTP 500 from Mimecast")
    report = evaluate(settings(forbidden_reason_codes=["malware"]), held=failed_module, processing=processing_result(), now=NOW)
    # Three held checks in error, one reason.
    assert report["counts"]["error"] == 3 and not report["stopped"]
    assert report["error"] == "could not read the held messages: HTTP 500 from Mimecast"
    row = [line for line in render([report], "markdown").splitlines() if line.startswith("| acme |")][0]
    assert row.count("HTTP 500") == 1


# ------------------------------------------------------------------ 3. refused credentials stop the account

@pytest.mark.parametrize("refusal, code", [(V2_REFUSAL, "invalid_client"), (V1_REFUSAL, "err_xdk_invalid_signature")])
def test_refused_credentials_stop_the_account_with_one_error(refusal, code):
    result = probes_settings()
    report = evaluate(result, held=refusal, processing=SKIPPED, probe_results=[dict(SKIPPED, item=probe) for probe in result["probes"]],
                      now=NOW)
    assert (report["status"], report["stopped"]) == ("error", True)
    assert [(check["status"], check["observed_text"]) for check in report["checks"]] == [("error", "refused: " + code)]
    assert report["error"].startswith("credentials refused (%s) reading the held messages, so no further API call was made: " % code)
    assert report["error"].count(refusal["msg"]) == 1
    for fmt in ("markdown", "html", "text"):
        assert render(report, fmt).count("Hint:") <= 1, fmt
    assert render(report, "text").count(code) == 1
    assert report["held"]["read"] is False and report["processing"]["read"] is False


def test_a_refusal_later_on_stops_the_account_too():
    result = probes_settings()
    report = evaluate(result, held=held_result(), processing=processing_result(),
                      probe_results=[dict(V2_REFUSAL, item=result["probes"][0]), dict(SKIPPED, item=result["probes"][1])], now=NOW)
    assert report["stopped"] and report["error"].startswith("credentials refused (invalid_client) tracking probe invoice, ")
    no_code = dict(V2_REFUSAL, mimecast_errors=[], http_status=403)
    assert evaluate(result, held=no_code, now=NOW)["checks"][0]["observed_text"] == "refused: HTTP 403"


def test_other_module_failures_do_not_stop_the_account():
    result = probes_settings()
    transport = dict(changed=False, failed_when_result=False, error_type="MimecastTransportError", msg="connection refused")
    report = evaluate(result, held=transport, processing=processing_result(),
                      probe_results=[probe_result(probe, ("archived", 1)) for probe in result["probes"]], now=NOW)
    assert not report["stopped"] and report["counts"]["passed"] == 5 and report["counts"]["error"] == 2


def test_refusal_names_the_first_refused_read():
    assert guards.refusal([("a", SKIPPED), ("b", None), ("c", dict(failed=False))]) is None
    reason, label = guards.refusal([("reading x", V1_REFUSAL), ("reading y", V2_REFUSAL)])
    assert label == "refused: err_xdk_invalid_signature" and "reading x" in reason


def test_a_skipped_probe_is_an_error_not_a_crash():
    result = probes_settings()
    report = evaluate(result, held=held_result(), processing=processing_result(),
                      probe_results=[dict(SKIPPED, item=probe) for probe in result["probes"]], now=NOW)
    assert [check["status"] for check in report["checks"] if check["category"] == "probe"] == ["error", "error"]


# ------------------------------------------------------------------ 5. null from the command line

def test_the_text_null_for_an_age_says_how_to_give_null():
    with pytest.raises(ValueError) as caught:
        parse_age("null", P + "max_held_age")
    assert """give null as JSON: -e '{"mail_flow_compliance_max_held_age": null}'""" in str(caught.value)


# ------------------------------------------------------------------ 6. unknown expected statuses

def test_an_unknown_expected_status_is_a_warning_naming_the_probe_with_the_closest_status():
    checked = check_settings(variables(probes=[dict(message_id="<ok@x>"), dict(name="canary", sender="c@x", expected_status="deliverd"),
                                               dict(name="two", sender="d@x", expected_status=["held", "Bouncd"])]))
    assert checked["errors"] == []
    assert checked["warnings"] == [
        "mail_flow_compliance_probes[1].expected_status (probe canary): 'deliverd' is not a message tracking status Mimecast is "
        "known to report, so the probe may never pass; did you mean delivered?",
        "mail_flow_compliance_probes[2].expected_status (probe two): 'bouncd' is not a message tracking status Mimecast is "
        "known to report, so the probe may never pass; did you mean bounced?"]
    assert "did you mean" not in " ".join(guards.status_warnings(["quarantine-xyz"], "x", "p"))


@pytest.mark.parametrize("status", list(guards.KNOWN_STATUSES))
def test_known_statuses_give_no_warning(status):
    checked = check_settings(variables(probes=[dict(message_id="<a@b>", expected_status=[status, status.upper()])]))
    assert checked["warnings"] == [] and "warnings" not in checked["settings"]["probes"][0]


def test_the_report_notes_the_unknown_status():
    result = settings(probes=[dict(name="canary", sender="c@x", expected_status="deliverd")])
    report = evaluate(result, held=held_result(), processing=processing_result(),
                      probe_results=[probe_result(result["probes"][0], ("delivered", 1))], now=NOW)
    check = [check for check in report["checks"] if check["id"] == "probe:canary"][0]
    assert check["status"] == "failed"
    assert check["message"].endswith("(warning: 'deliverd' is not a message tracking status Mimecast is known to report, "
                                     "so the probe may never pass; did you mean delivered?)")
    assert report["warnings"] == check_settings(variables(probes=[dict(name="canary", sender="c@x", expected_status="deliverd")]))["warnings"]
