# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The mail_flow_compliance role's other behaviours through playbooks/compliance_check.yml, against the emulator:
a play's group module_defaults, several accounts in one run, the probes' expected status, held_since, bad input,
and accounts that stop early or whose credentials are refused. One account's reports are in
test_compliance_reports.py.

Issue 13: every run writes a fresh report for every account, also one that stopped early (its
variables are wrong, Mimecast refused its credentials), in error and saying why; the aggregate
counts accounts in error apart from those with failing checks; an unknown expected status is a
warning.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
import os
import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from compliance_playbook import COMPLIANCE_CHECK, DATASET, P, REPORT_FILES, read, task, thresholds, write_inventory
from harness import CREDENTIALS, scheme_env, start_emulator, stop_emulator

pytestmark = pytest.mark.e2e


def test_the_play_s_group_module_defaults_reach_the_role(fresh_emulator, ansible_playbook):
    connection = dict(base_url=fresh_emulator.base_url, client_id=CREDENTIALS["v2"]["MIMECAST_CLIENT_ID"],
                      client_secret=CREDENTIALS["v2"]["MIMECAST_CLIENT_SECRET"])
    run = ansible_playbook("compliance_module_defaults.yml", extra_vars=dict(connection=connection))
    assert run.rc == 2, run
    report = task(run, "Evaluate the checks")["ansible_facts"]["mail_flow_compliance_report"]
    assert [(check["id"], check["status"]) for check in report["checks"] if check["status"] != "skipped"] == [
        ("held_total", "passed"), ("held_oldest_age", "failed")]
    assert [request["path"] for request in fresh_emulator.api_requests()] == ["/api/gateway/get-hold-message-list"]


# ------------------------------------------------------------------ several accounts

CLEAN_ACCOUNT = {
    "held": [{"reasonCode": "spam", "reason": "Spam Signature", "route": "INBOUND", "dateReceived": "-1h", "subject": "Offer",
              "from": {"emailAddress": "a@promo.example"}, "to": {"emailAddress": "b@globex.example"}}],
    "processing": [{"created": "-10m", "attempts": 1, "routing": "outbound", "info": "Queued", "subject": "Report",
                    "fromEnv": {"emailAddress": "c@globex.example"}, "to": {"emailAddress": "d@partner.example"}}],
    "tracked": [],
}


def test_two_accounts_with_their_own_credentials_in_parallel_with_an_aggregate(ansible_playbook, tmp_path):
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps(CLEAN_ACCOUNT))
    acme = start_emulator("--dataset", DATASET, "--client-id", "acme-client-id", "--client-secret", "acme-secret-Rk38")
    globex = start_emulator("--dataset", str(clean))
    reports = tmp_path / "reports"
    try:
        v1 = CREDENTIALS["v1"]
        inventory = {"mimecast_accounts": {
            "vars": dict(thresholds(), mail_flow_compliance_report_dir=str(reports)),
            "hosts": {
                "acme": {"mail_flow_compliance_connection": {
                    "base_url": acme.base_url, "client_id": "acme-client-id", "client_secret": "acme-secret-Rk38"}},
                "globex": {"mail_flow_compliance_probes": [], "mail_flow_compliance_connection": {
                    "base_url": globex.base_url, "access_key": v1["MIMECAST_ACCESS_KEY"], "secret_key": v1["MIMECAST_SECRET_KEY"],
                    "app_id": v1["MIMECAST_APP_ID"], "app_key": v1["MIMECAST_APP_KEY"]}},
            }}}
        (tmp_path / "hosts.yml").write_text(yaml.safe_dump(inventory))
        run = ansible_playbook(COMPLIANCE_CHECK, env={"ANSIBLE_INVENTORY": str(tmp_path / "hosts.yml"), "ANSIBLE_FORKS": "2"},
                               extra_vars={"compliance_check_hosts": "mimecast_accounts"})
        acme_calls, globex_calls = acme.requests(), globex.requests()
    finally:
        stop_emulator(acme)
        stop_emulator(globex)

    assert run.rc == 2, run
    assert re.search(r"^acme\s+: ok=\d+ .*failed=1 ", run.stdout, re.M), run
    assert re.search(r"^globex\s+: ok=\d+ .*failed=0 ", run.stdout, re.M), run
    # Each account was read with its own credentials (API 2.0 tokens, API 1.0 signatures), from its own endpoint.
    assert set(call["path"] for call in acme_calls if not call["path"].startswith("/api/")) == {"/oauth/token"}
    assert all("x-mc-app-id" not in call["headers"] for call in acme_calls)
    assert sorted(call["path"] for call in globex_calls) == ["/api/gateway/find-processing-messages", "/api/gateway/get-hold-message-list"]
    assert all(call["headers"]["x-mc-app-id"] == v1["MIMECAST_APP_ID"] for call in globex_calls)
    assert "acme-secret-Rk38" not in run.output and v1["MIMECAST_SECRET_KEY"] not in run.output

    aggregate = json.loads(read(reports, "aggregate.json"))
    assert [(item["account"], item["status"]) for item in aggregate["accounts"]] == [("acme", "failed"), ("globex", "passed")]
    assert aggregate["status"] == "failed" and aggregate["account_counts"] == dict(passed=1, failed=1, error=0)
    assert json.loads(read(reports, "accounts/globex.json"))["counts"] == dict(passed=8, failed=0, error=0, skipped=0)
    suites = ET.parse(str(reports / "aggregate.junit.xml")).getroot().findall("testsuite")
    assert [(suite.get("name"), suite.get("tests"), suite.get("failures")) for suite in suites] == [("acme", "11", "5"), ("globex", "8", "0")]
    markdown = read(reports, "aggregate.md")
    assert re.search(r"^\| acme \| :x: \*\*FAIL\*\* \| 6 \| 5 \| 0 \| 0 \|", markdown, re.M)
    assert re.search(r"^\| globex \| :white_check_mark: pass \| 8 \| 0 \| 0 \| 0 \| - \|$", markdown, re.M)
    page = read(reports, "aggregate.html")
    assert re.findall(r'<tr class="status-(\w+)" data-account="(\w+)"', page) == [("failed", "acme"), ("passed", "globex")]
    assert page.count('<svg class="chart-held-by-reason"') == 2
    table = task(run, "Show the results")["msg"]
    assert table[0] == "Mail flow compliance FAILED: 2 accounts checked: 1 passed, 1 with failing checks, 0 in error"


# ------------------------------------------------------------------ probe expectations

def test_the_role_accepts_one_expected_status_or_a_list(ansible_playbook, tmp_path):
    """The role's argument spec and its own checks take expected_status as a string or a list, in a real run."""
    emulator = start_emulator("--dataset", DATASET)
    invoice, canary = "<invoice-2026-0412@fabrikam.com>", dict(sender="canary@contoso.com", subject="Mail flow canary")
    probes = [dict(name="default", message_id=invoice),
              dict(canary, name="one-status", expected_status="held"),
              dict(canary, name="a-list", expected_status=["held", "bounced"]),
              dict(name="delivered-in-a-list", message_id=invoice, expected_status=["Delivered", "held"]),
              dict(name="text-list", message_id=invoice, expected_status="held,bounced")]
    off = dict((P + name, None) for name in ("max_held", "max_held_age", "max_processing", "max_attempts", "max_processing_age"))
    try:
        run = ansible_playbook(COMPLIANCE_CHECK, env=scheme_env(emulator, "v2"), extra_vars=dict(
            off, mail_flow_compliance_probes=probes, mail_flow_compliance_report_dir=str(tmp_path),
            mail_flow_compliance_report_formats=["json"], mail_flow_compliance_fail_on_violation=False))
    finally:
        stop_emulator(emulator)
    assert run.rc == 0, run
    report = json.loads(read(tmp_path, "accounts/localhost.json"))
    checks = [(check["name"], check["status"], check["observed"], check["limit"], check["accepted_statuses"], check["limit_text"])
              for check in report["checks"] if check["category"] == "probe"]
    assert checks == [
        ("Probe default", "passed", "archived", "delivered", ["archived", "delivered"], "delivered (archived or delivered)"),
        ("Probe one-status", "passed", "held", "held", ["held"], "held"),
        ("Probe a-list", "passed", "held", ["held", "bounced"], ["held", "bounced"], "held or bounced"),
        ("Probe delivered-in-a-list", "passed", "archived", ["delivered", "held"], ["archived", "delivered", "held"],
         "delivered or held (archived, delivered or held)"),
        ("Probe text-list", "failed", "archived", ["held", "bounced"], ["held", "bounced"], "held or bounced"),
    ]


def test_held_since_reads_only_the_mail_held_since_then_in_time_windows(ansible_playbook, tmp_path):
    """mail_flow_compliance_held_since becomes the hold list's start, so the module may fetch it in windows."""
    recent = [{"reasonCode": "spam", "reason": "Spam", "route": "INBOUND", "dateReceived": "-%dm" % minutes,
               "subject": "Recent %d" % minutes, "from": {"emailAddress": "a@promo.example"}, "to": {"emailAddress": "b@globex.example"}}
              for minutes in range(1, 301, 2)]
    old = dict(recent[0], dateReceived="-3d", subject="Held for days")
    dataset_file = tmp_path / "held.json"
    dataset_file.write_text(json.dumps(dict(CLEAN_ACCOUNT, held=recent + [old])))
    emulator = start_emulator("--dataset", str(dataset_file))
    off = dict((P + name, None) for name in ("max_processing", "max_attempts", "max_processing_age"))
    try:
        run = ansible_playbook(COMPLIANCE_CHECK, env=scheme_env(emulator, "v2"), extra_vars=dict(
            off, mail_flow_compliance_held_since="-6h", mail_flow_compliance_max_held=len(recent),
            mail_flow_compliance_max_held_age="24h", mail_flow_compliance_connection=dict(page_size=20),
            mail_flow_compliance_report_dir=str(tmp_path / "reports"), mail_flow_compliance_report_formats=["json"]))
        calls = emulator.api_requests()
    finally:
        stop_emulator(emulator)
    assert run.rc == 0, run
    report = json.loads(read(tmp_path / "reports", "accounts/localhost.json"))
    observed = dict((check["id"], (check["status"], check["observed"])) for check in report["checks"] if check["status"] != "skipped")
    # The message held for three days lies before held_since: not counted, so the age check passes.
    assert observed["held_total"] == ("passed", len(recent))
    assert observed["held_oldest_age"][0] == "passed"
    starts = [call["body"]["data"][0].get("start") for call in calls if call["path"] == "/api/gateway/get-hold-message-list"]
    assert starts and all(starts), "every hold list request carried a start"
    # 150 held at 20 a page: more than one first page, so the list was fetched in windows.
    first_pages = [call for call in calls if "pageToken" not in call["body"]["meta"]["pagination"]]
    assert len(first_pages) > 1, first_pages


def test_held_since_later_than_the_age_limit_is_a_warning_in_the_output(fresh_emulator, ansible_playbook, tmp_path):
    run = ansible_playbook(COMPLIANCE_CHECK, env=scheme_env(fresh_emulator, "v2"), extra_vars=dict(
        mail_flow_compliance_held_since="-1h", mail_flow_compliance_report_dir=str(tmp_path),
        mail_flow_compliance_report_formats=["json"], mail_flow_compliance_fail_on_violation=False))
    assert run.rc == 0, run
    assert "held_since (-1h) is later than mail_flow_compliance_max_held_age (24h) ago" in run.stdout, run


# ------------------------------------------------------------------ bad input

# reported: the role's own checks found the mistake, so the account's report is written, in error,
# saying why; a value the argument spec refuses stops the role before its first task.
@pytest.mark.parametrize("variables, words, reported", [
    ({"mail_flow_compliance_max_held": -1},
     "mail_flow_compliance_max_held must be 0 or more (or null to turn the check off), not -1", True),
    ({"mail_flow_compliance_report_formats": ["json", "pdf"]},
     "value of mail_flow_compliance_report_formats must be one or more of: json, junit, markdown, html. Got no match for: pdf", False),
    ({"mail_flow_compliance_max_held_age": "a day"},
     "mail_flow_compliance_max_held_age 'a day' is not an age; give an age such as 30m, 24h, 2d or 1w", True),
    ({"mail_flow_compliance_max_hled": 5},
     "unknown variable mail_flow_compliance_max_hled; did you mean mail_flow_compliance_max_held?", True),
    ({"mail_flow_compliance_probes": [{"message_id": "<a@b>"}, {"message_id": "<c@d>", "expected_status": []}]},
     "mail_flow_compliance_probes[1].expected_status is empty; give a tracking status such as delivered, held or bounced", True),
    ({"mail_flow_compliance_probes": [{"message_id": "<a@b>", "expected_status": ["held", 3]}]},
     "mail_flow_compliance_probes[0].expected_status must list non-empty strings, each a tracking status such as delivered, held or "
     "bounced; not 3", True),
    ({"mail_flow_compliance_held_since": "30d"},
     "mail_flow_compliance_held_since '30d' is not a time: relative times count back from now and start with a minus", True),
], ids=["negative-threshold", "unknown-format", "unreadable-age", "misspelt-name", "empty-expected-status", "non-string-status",
        "held-since-not-a-time"])
def test_bad_role_input_fails_before_any_api_call(fresh_emulator, ansible_playbook, tmp_path, variables, words, reported):
    reports = tmp_path / "reports"
    run = ansible_playbook(COMPLIANCE_CHECK, env=scheme_env(fresh_emulator, "v2"),
                           extra_vars=dict(variables, mail_flow_compliance_report_dir=str(reports)))
    assert run.rc == 2, run
    assert words in run.stdout, run
    assert fresh_emulator.requests() == [], "no request, not even for a token"
    if not reported:
        assert not reports.exists()
        return
    report = json.loads(read(reports, "accounts/localhost.json"))
    assert (report["status"], report["stopped"]) == ("error", True)
    assert report["error"].startswith("invalid role variables: ") and words in report["error"]
    assert sorted(os.listdir(str(reports / "accounts"))) == sorted(name.split("/")[1] for name in REPORT_FILES if "/" in name)


# ------------------------------------------------------------------ issue 13: no report is left from an earlier run

def test_a_run_that_stops_early_still_replaces_every_report_of_the_account(fresh_emulator, ansible_playbook, tmp_path):
    """Last week's report must never pass for today's: an account stopped by its variables gets a fresh one, in error."""
    reports = tmp_path / "reports"
    only_held = dict((P + name, None) for name in ("max_held_age", "max_processing", "max_attempts", "max_processing_age"))
    accounts = ["acme", "initech", "umbrella"]
    inventory = write_inventory(tmp_path, dict((name, {}) for name in accounts), **dict(only_held, mail_flow_compliance_report_dir=str(reports)))
    env = dict(scheme_env(fresh_emulator, "v2"), **inventory)
    first = ansible_playbook(COMPLIANCE_CHECK, env=env, extra_vars={"compliance_check_hosts": "mimecast_accounts"})
    assert first.rc == 0, first
    before = dict((name, json.loads(read(reports, "accounts/%s.json" % name))) for name in accounts)
    assert set(report["status"] for report in before.values()) == {"passed"}

    # initech misspells a variable (the role's own check); umbrella gives a count the argument spec refuses,
    # which stops the play for it before the role's first task.
    inventory = write_inventory(tmp_path, {"acme": {}, "initech": {P + "max_hled": 5}, "umbrella": {P + "max_held": "ten"}},
                                **dict(only_held, mail_flow_compliance_report_dir=str(reports)))
    fresh_emulator.reset()
    second = ansible_playbook(COMPLIANCE_CHECK, env=dict(env, **inventory), extra_vars={"compliance_check_hosts": "mimecast_accounts"})
    assert second.rc == 2, second
    after = dict((name, json.loads(read(reports, "accounts/%s.json" % name))) for name in accounts)
    for name in accounts:
        assert after[name]["generated"] >= before[name]["generated"]
        assert after[name] != before[name], name
    assert after["acme"]["status"] == "passed"
    assert (after["initech"]["status"], after["initech"]["stopped"]) == ("error", True)
    assert "unknown variable mail_flow_compliance_max_hled; did you mean mail_flow_compliance_max_held?" in after["initech"]["error"]
    assert (after["umbrella"]["status"], after["umbrella"]["stopped"]) == ("error", True)
    assert "the play failed for this account before its checks ran" in after["umbrella"]["error"]
    # Every format says so, not only the JSON.
    for name in ("initech", "umbrella"):
        assert read(reports, "accounts/%s.md" % name).startswith("# Mimecast mail flow compliance\n\n## %s: ERROR\n" % name)
        assert '<span class="badge error">ERROR</span>' in read(reports, "accounts/%s.html" % name)
        suite = ET.parse(str(reports / "accounts" / ("%s.junit.xml" % name))).getroot().find("testsuite")
        assert (suite.get("errors"), suite.get("failures")) == ("1", "0")
    aggregate = json.loads(read(reports, "aggregate.json"))
    assert [(item["account"], item["status"]) for item in aggregate["accounts"]] == [
        ("acme", "passed"), ("initech", "error"), ("umbrella", "error")]
    assert aggregate["summary"] == "3 accounts checked: 1 passed, 0 with failing checks, 2 in error"

    # A later run that writes fewer formats removes the others, so none is left looking current.
    inventory = write_inventory(tmp_path, dict((name, {}) for name in accounts),
                                **dict(only_held, mail_flow_compliance_report_dir=str(reports), mail_flow_compliance_report_formats=["json"]))
    third = ansible_playbook(COMPLIANCE_CHECK, env=dict(env, **inventory), extra_vars={"compliance_check_hosts": "mimecast_accounts"})
    assert third.rc == 0, third
    assert sorted(os.listdir(str(reports / "accounts"))) == ["acme.json", "initech.json", "umbrella.json"]
    assert sorted(name for name in os.listdir(str(reports)) if name != "accounts") == ["aggregate.json"]


# ------------------------------------------------------------------ issue 13: refused credentials

@pytest.mark.parametrize("scheme, wrong, code", [
    ("v2", {"MIMECAST_CLIENT_SECRET": "not-the-secret"}, "invalid_client"),
    ("v1", {"MIMECAST_SECRET_KEY": base64.b64encode(b"not-the-secret-key").decode()}, "err_xdk_invalid_signature"),
])
def test_refused_credentials_stop_the_account_at_once_with_one_error(ansible_playbook, tmp_path, scheme, wrong, code):
    emulator = start_emulator("--dataset", DATASET)
    try:
        run = ansible_playbook(COMPLIANCE_CHECK, env=dict(scheme_env(emulator, scheme), **wrong),
                               extra_vars=dict(thresholds(), mail_flow_compliance_report_dir=str(tmp_path)))
        calls = [request["path"] for request in emulator.requests()]
    finally:
        stop_emulator(emulator)
    assert run.rc == 2, run
    # The token call (API 2.0) or the first API call (API 1.0), and nothing after: no queue read, no probe tracked.
    assert calls == (["/oauth/token"] if scheme == "v2" else ["/api/gateway/get-hold-message-list"]), calls

    # One error naming the account and Mimecast's code; the module's long refusal only in that one failure.
    message = task(run, "Fail the account when a check failed")["msg"]
    assert message.startswith("Mail flow compliance of localhost stopped before its checks: credentials refused (%s) "
                              "reading the held messages, so no further API call was made: " % code), message
    assert message.count("Hint:") == 1
    shown = [line for line in run.stdout.splitlines() if "Hint:" in line]
    assert shown and all(line.startswith(("fatal: [localhost]", "[ERROR]: Task failed")) for line in shown), shown
    assert task(run, "Show the results")["msg"][1:3] == [
        "ACCOUNT    RESULT  CHECK            OBSERVED%s  LIMIT" % (" " * (len("refused: " + code) - len("OBSERVED"))),
        "localhost  ERROR   Account checked  refused: %s  -" % code]

    report = json.loads(read(tmp_path, "accounts/localhost.json"))
    assert (report["status"], report["stopped"], report["counts"]) == ("error", True, dict(passed=0, failed=0, error=1, skipped=0))
    assert report["error"] == message.split("stopped before its checks: ", 1)[1].rsplit(". Reports: ", 1)[0]
    assert len(report["checks"]) == 1 and report["checks"][0]["message"] == report["error"]
    row = [line for line in read(tmp_path, "aggregate.md").splitlines() if line.startswith("| localhost |")]
    assert row == ["| localhost | :warning: **ERROR** | 0 | 0 | 1 | 0 | error: %s |" % report["error"].replace("|", "\\|")]
    assert read(tmp_path, "accounts/localhost.md").count("Hint:") == 1


def test_an_account_in_error_is_counted_apart_from_one_with_failing_checks(ansible_playbook, tmp_path):
    emulator = start_emulator("--dataset", DATASET)
    reports = tmp_path / "reports"
    v2 = CREDENTIALS["v2"]
    try:
        inventory = write_inventory(tmp_path, {
            "contoso": {P + "connection": {"client_id": v2["MIMECAST_CLIENT_ID"], "client_secret": v2["MIMECAST_CLIENT_SECRET"]}},
            "fabrikam": {P + "connection": {"client_id": v2["MIMECAST_CLIENT_ID"], "client_secret": "rotated-last-week"}},
        }, **dict(thresholds(), mail_flow_compliance_report_dir=str(reports), mail_flow_compliance_fail_on_violation=False))
        run = ansible_playbook(COMPLIANCE_CHECK, env=dict(inventory, MIMECAST_BASE_URL=emulator.base_url),
                               extra_vars={"compliance_check_hosts": "mimecast_accounts"})
    finally:
        stop_emulator(emulator)
    assert run.rc == 0, run
    line = "2 accounts checked: 0 passed, 1 with failing checks, 1 in error"
    assert task(run, "Show the results")["msg"][0] == "Mail flow compliance ERROR: " + line
    aggregate = json.loads(read(reports, "aggregate.json"))
    assert aggregate["summary"] == line and aggregate["account_counts"] == dict(passed=0, failed=1, error=1)
    markdown = read(reports, "aggregate.md")
    assert line + "." in markdown
    assert re.search(r"^\| contoso \| :x: \*\*FAIL\*\* \| 6 \| 5 \| 0 \| 0 \| Oldest held message, ", markdown, re.M)
    assert re.search(r"^\| fabrikam \| :warning: \*\*ERROR\*\* \| 0 \| 0 \| 1 \| 0 \| error: credentials refused \(invalid_client\) ",
                     markdown, re.M)
    page = read(reports, "aggregate.html")
    assert line + "." in page and "<td>error: credentials refused (invalid_client) reading the held messages" in page
    suites = ET.parse(str(reports / "aggregate.junit.xml")).getroot().findall("testsuite")
    assert [(suite.get("name"), suite.find("properties/property").get("value"), suite.get("failures"), suite.get("errors"))
            for suite in suites] == [("contoso", "failed", "5", "0"), ("fabrikam", "error", "0", "1")]


# ------------------------------------------------------------------ issue 13: a probe's expected status that cannot match

def test_an_unknown_expected_status_is_a_warning_in_the_output_and_a_note_in_the_report(fresh_emulator, ansible_playbook, tmp_path):
    off = dict((P + name, None) for name in ("max_held", "max_held_age", "max_processing", "max_attempts", "max_processing_age"))
    run = ansible_playbook(COMPLIANCE_CHECK, env=scheme_env(fresh_emulator, "v2"), extra_vars=dict(
        off, mail_flow_compliance_probes=[{"name": "canary", "sender": "canary@contoso.com", "expected_status": "deliverd"}],
        mail_flow_compliance_report_dir=str(tmp_path), mail_flow_compliance_report_formats=["json"],
        mail_flow_compliance_fail_on_violation=False))
    assert run.rc == 0, run
    warning = ("mail_flow_compliance_probes[0].expected_status (probe canary): 'deliverd' is not a message tracking status Mimecast "
               "is known to report, so the probe may never pass; did you mean delivered?")
    assert task(run, "Warn about probe statuses Mimecast is not known to report")["msg"] == [warning]
    assert warning in run.stdout
    report = json.loads(read(tmp_path, "accounts/localhost.json"))
    assert report["warnings"] == [warning]
    assert report["checks"][-1]["message"].endswith("(warning: 'deliverd' is not a message tracking status Mimecast is known to "
                                                    "report, so the probe may never pass; did you mean delivered?)")
