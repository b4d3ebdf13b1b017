# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The mail_flow_compliance role through playbooks/compliance_check.yml, against the emulator.

The emulator is seeded with tests/emulator/datasets/compliance.json and the role runs with the
thresholds of compliance_thresholds.yml beside it: 6 checks pass and 5 fail. The expected
tallies are computed from the dataset file, not copied from a run. The probe invoice-delivered
tracks a message whose status is archived, as a delivered message shows on an account with
archiving, and passes under the default expectation, delivered.

Issue 13: every run writes a fresh report for every account, also one that stopped early (its
variables are wrong, Mimecast refused its credentials), in error and saying why; the aggregate
counts accounts in error apart from those with failing checks; the results table reads line by
line under Ansible's default output; an unknown expected status is a warning.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import collections
import html.parser
import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import pytest
import yaml

from harness import CREDENTIALS, ROOT, scheme_env, start_emulator, stop_emulator

pytestmark = pytest.mark.e2e

DATASETS = os.path.join(ROOT, "tests", "emulator", "datasets")
DATASET = os.path.join(DATASETS, "compliance.json")
COMPLIANCE_CHECK = os.path.join(ROOT, "playbooks", "compliance_check.yml")
REPORT_FILES = ["accounts/localhost.json", "accounts/localhost.junit.xml", "accounts/localhost.md", "accounts/localhost.html",
                "aggregate.json", "aggregate.junit.xml", "aggregate.md", "aggregate.html"]
FAILING = ["Oldest held message", "Forbidden hold reasons", "Held for default_inbound_attachment_protect_definition",
           "Delivery attempts", "Probe outbound-canary"]
PASSING = ["Held messages", "Held for spam", "Processing queue", "Oldest in processing", "Probe invoice-delivered", "Probe po-queued"]


P = "mail_flow_compliance_"


def thresholds():
    with open(os.path.join(DATASETS, "compliance_thresholds.yml")) as handle:
        return yaml.safe_load(handle)


def seeded_data():
    with open(DATASET) as handle:
        return json.load(handle)


def task(run, name):
    """The result of a task by its name, with or without the role's prefix."""
    found = [result for key, result in run.results().items() if key == name or key.endswith(" : " + name)]
    assert len(found) == 1, "no single task named %r in %s" % (name, sorted(run.results()))
    return found[0]


def read(folder, name):
    with open(os.path.join(str(folder), name)) as handle:
        return handle.read()


@pytest.fixture(scope="module")
def seeded():
    running = start_emulator("--dataset", DATASET)
    yield running
    stop_emulator(running)


@pytest.fixture(scope="module")
def single_account(seeded, ansible_playbook, tmp_path_factory):
    """One run of compliance_check.yml for the emulator's account, fail_on_violation left on."""
    reports = tmp_path_factory.mktemp("reports")
    # Ansible's default output, as AWX shows it: the default callback with its default (JSON) result format.
    env = dict(scheme_env(seeded, "v2"), ANSIBLE_STDOUT_CALLBACK="default", ANSIBLE_CALLBACK_RESULT_FORMAT="json")
    run = ansible_playbook(COMPLIANCE_CHECK, env=env, extra_vars=dict(thresholds(), mail_flow_compliance_report_dir=str(reports)))
    return run, reports, seeded.api_requests()


def test_the_play_fails_after_writing_every_report_and_lists_the_failing_checks(single_account):
    run, reports, _requests = single_account
    assert run.rc == 2, run
    for name in REPORT_FILES:
        assert os.path.getsize(os.path.join(str(reports), name)) > 0, name
    message = task(run, "Fail the account when a check failed")["msg"]
    assert message.startswith("Mail flow compliance of localhost: 5 check(s) failed: ")
    assert [name for name in FAILING + PASSING if name + " (" in message] == FAILING
    assert str(reports) in message


def test_the_terminal_table_shows_every_check(single_account):
    run, reports, _requests = single_account
    table = task(run, "Show the results")["msg"]
    assert table[0] == "Mail flow compliance FAILED: 1 account checked: 0 passed, 1 with failing checks, 0 in error"
    rows = dict((re.split(r"\s{2,}", line)[2], re.split(r"\s{2,}", line)[1]) for line in table[2:13])
    assert rows == dict([(name, "FAIL") for name in FAILING] + [(name, "PASS") for name in PASSING])
    assert table[-1] == "Reports: %s" % reports


def test_the_results_table_reads_one_line_per_check_in_ansible_s_default_output(single_account):
    """The default callback prints a string result as one JSON string, newlines escaped: the table is a list of lines."""
    run, _reports, _requests = single_account
    shown = run.stdout.split("Show the results] ***", 1)[1].split("\nTASK [", 1)[0]
    assert "\\n" not in shown, shown
    rows = [line.strip() for line in shown.splitlines() if line.strip().startswith('"localhost  ')]
    assert len(rows) == len(FAILING + PASSING), shown
    for name in FAILING + PASSING:
        assert len([row for row in rows if "  %s  " % name in row]) == 1, name


def test_the_json_report_matches_the_seeded_data(single_account):
    _run, reports, _requests = single_account
    data = seeded_data()
    report = json.loads(read(reports, "accounts/localhost.json"))
    assert report["account"] == "localhost" and report["status"] == "failed"
    assert report["counts"] == dict(passed=6, failed=5, error=0, skipped=0)
    assert report["held"]["count"] == len(data["held"])
    assert report["held"]["by_reason_code"] == dict(collections.Counter(item["reasonCode"] for item in data["held"]))
    # Whatever the case of the route keys (the modules lower-case them).
    assert dict((route.lower(), count) for route, count in report["held"]["by_route"].items()) == \
        dict(collections.Counter(item["route"].lower() for item in data["held"]))
    assert report["processing"]["count"] == len(data["processing"])
    assert report["processing"]["max_attempts"] == max(item["attempts"] for item in data["processing"])
    # Ages from the dataset's relative stamps: held 30m, 45m | 1h..5h (6) | 8h, 10h, 20h | 30h.
    assert report["held"]["age_histogram"] == [2, 6, 3, 1, 0, 0]
    assert report["processing"]["age_histogram"] == [3, 3, 0, 0, 0, 0]
    checks = dict((check["name"], check) for check in report["checks"])
    assert sorted(name for name, check in checks.items() if check["status"] == "failed") == sorted(FAILING)
    assert checks["Forbidden hold reasons"]["observed"] == {"impersonation": 2}
    tracked = dict((item["messageId"], item["status"]) for item in data["tracked"])
    invoice = checks["Probe invoice-delivered"]
    assert tracked["<invoice-2026-0412@fabrikam.com>"] == "archived"
    assert (invoice["status"], invoice["observed"], invoice["limit"], invoice["accepted_statuses"]) == (
        "passed", "archived", "delivered", ["archived", "delivered"])
    assert invoice["limit_text"] == "delivered (archived or delivered)"
    assert invoice["message"].startswith("status archived, expected delivered (archived or delivered); received ")
    queued = checks["Probe po-queued"]
    assert (queued["status"], queued["observed"], queued["limit"], queued["limit_text"]) == (
        "passed", tracked["<po-5512@contoso.com>"], ["delivery", "deferred"], "delivery or deferred")
    canary = checks["Probe outbound-canary"]
    assert (canary["observed"], canary["limit_text"]) == ("held", "delivered (archived or delivered)")
    assert canary["message"].startswith("status held, expected delivered (archived or delivered); newest of 2 matches, ")
    aggregate = json.loads(read(reports, "aggregate.json"))
    assert [item["account"] for item in aggregate["accounts"]] == ["localhost"]
    assert aggregate["accounts"][0]["checks"] == report["checks"]


def test_the_reports_show_what_each_probe_expected_and_observed(single_account):
    run, reports, _requests = single_account
    rows = dict((cells[2], cells[3:]) for cells in (re.split(r"\s{2,}", line) for line in task(run, "Show the results")["msg"][2:13]))
    assert rows["Probe invoice-delivered"] == ["archived", "delivered (archived or delivered)"]
    assert rows["Probe po-queued"] == ["delivery", "delivery or deferred"]
    assert rows["Probe outbound-canary"] == ["held", "delivered (archived or delivered)"]
    assert "| :white_check_mark: pass | Probe invoice-delivered | archived | delivered (archived or delivered) | status archived" \
        in read(reports, "accounts/localhost.md")
    assert "<td>Probe po-queued</td><td>delivery</td><td>delivery or deferred</td>" in read(reports, "accounts/localhost.html")
    root = ET.parse(os.path.join(str(reports), "accounts", "localhost.junit.xml")).getroot()
    failure = root.find("testsuite/testcase[@name='Probe outbound-canary']/failure")
    assert failure.text.startswith("observed: held\nlimit: delivered (archived or delivered)\nstatus held, expected delivered")


def test_the_junit_report_has_a_testcase_per_check(single_account):
    _run, reports, _requests = single_account
    root = ET.parse(os.path.join(str(reports), "accounts", "localhost.junit.xml")).getroot()
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert (root.tag, suite.get("name"), suite.get("tests"), suite.get("failures"), suite.get("errors")) == \
        ("testsuites", "localhost", "11", "5", "0")
    assert sorted(case.get("name") for case in cases) == sorted(FAILING + PASSING)
    assert sorted(case.get("name") for case in cases if case.find("failure") is not None) == sorted(FAILING)


def test_the_markdown_report_has_a_row_per_check(single_account):
    _run, reports, _requests = single_account
    text = read(reports, "accounts/localhost.md")
    for name in FAILING:
        assert re.search(r"^\| :x: \*\*FAIL\*\* \| %s \|" % re.escape(name), text, re.M), name
    for name in PASSING:
        assert re.search(r"^\| :white_check_mark: pass \| %s \|" % re.escape(name), text, re.M), name


def test_the_role_reads_each_queue_once_and_tracks_each_probe(single_account):
    _run, _reports, requests = single_account
    paths = collections.Counter(request["path"] for request in requests)
    assert paths == {"/api/gateway/get-hold-message-list": 1, "/api/gateway/find-processing-messages": 1, "/api/message-finder/search": 3}
    searches = [request["body"]["data"][0] for request in requests if request["path"] == "/api/message-finder/search"]
    assert [search.get("messageId") for search in searches] == ["<invoice-2026-0412@fabrikam.com>", None, "<po-5512@contoso.com>"]
    assert searches[1]["advancedTrackAndTraceOptions"] == {"from": "canary@contoso.com", "subject": "Mail flow canary"}
    assert searches[1]["searchReason"] == "Mail flow compliance probe outbound-canary"


# ------------------------------------------------------------------ the HTML report in a real browser

class _Dom(html.parser.HTMLParser):
    """Elements of the DOM Chromium dumps: tag names with their attributes, in document order."""

    def __init__(self):
        html.parser.HTMLParser.__init__(self)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def find(self, tag, **attributes):
        return [attrs for name, attrs in self.elements
                if name == tag and all(value in (attrs.get(key) or "").split() for key, value in attributes.items())]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed; .ci/run installs it with apt-get before `make test`")
    pytest.skip("chromium is not installed (apt-get install chromium): the HTML report is not checked in a browser")
    return None


def headless(browser, *arguments):
    """Run Chromium headless with a throw-away profile and home, so nothing persists between runs."""
    scratch = tempfile.mkdtemp(prefix="chromium-")
    try:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--user-data-dir=" + os.path.join(scratch, "profile")] + list(arguments)
        env = dict(os.environ, HOME=scratch, XDG_CONFIG_HOME=scratch, XDG_CACHE_HOME=scratch)
        return subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                              timeout=120, check=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def test_the_html_report_renders_its_table_and_charts_in_a_headless_browser(single_account):
    _run, reports, _requests = single_account
    browser = chromium()
    page = "file://" + os.path.join(str(reports), "accounts", "localhost.html")
    dumped = headless(browser, "--dump-dom", page)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = _Dom()
    dom.feed(dumped.stdout)
    assert len(dom.find("table", **{"class": "checks"})) == 1
    rows = dom.find("tr")
    assert sorted(row["class"] for row in rows if row.get("data-check")) == sorted(["status-failed"] * 5 + ["status-passed"] * 6)
    by_reason = dom.find("svg", **{"class": "chart-held-by-reason"})
    histogram = dom.find("svg", **{"class": "chart-age-histogram"})
    assert len(by_reason) == 1 and len(histogram) == 1
    bars = dom.find("rect", **{"class": "bar"})
    reason_bars = dict((rect["data-label"], int(rect["data-count"])) for rect in bars if "data-series" not in rect)
    assert reason_bars == dict(collections.Counter(item["reasonCode"] for item in seeded_data()["held"]))
    assert all(float(rect["width"]) > 0 for rect in bars if int(rect["data-count"]) > 0)
    age_bars = [rect for rect in bars if "data-series" in rect]
    assert sum(int(rect["data-count"]) for rect in age_bars if rect["data-series"] == "held") == 12
    assert sum(int(rect["data-count"]) for rect in age_bars if rect["data-series"] == "processing") == 6
    assert not [attrs for _tag, attrs in dom.elements if attrs.get("src") or (attrs.get("href") or "#").startswith(("http", "//"))]

    screenshot = os.path.join(str(reports), "localhost.png")
    shot = headless(browser, "--window-size=1200,1700", "--hide-scrollbars", "--screenshot=" + screenshot, page)
    assert shot.returncode == 0, shot.stderr[-2000:]
    with open(screenshot, "rb") as handle:
        picture = handle.read()
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    # A blank page compresses to a few kilobytes; the tables and charts do not.
    assert len(picture) > 40000


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

def write_inventory(folder, hosts, **group_vars):
    inventory = {"mimecast_accounts": {"vars": group_vars, "hosts": dict(
        (name, dict(host_vars, ansible_connection="local")) for name, host_vars in hosts.items())}}
    path = folder / "hosts.yml"
    path.write_text(yaml.safe_dump(inventory))
    return {"ANSIBLE_INVENTORY": str(path)}


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
