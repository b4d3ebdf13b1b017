# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One account's reports from playbooks/compliance_check.yml, against the emulator: the results table, the JSON,
JUnit, Markdown and HTML reports (the HTML in headless Chromium), and the reads the role makes.

The emulator is seeded with tests/emulator/datasets/compliance.json and the role runs with the
thresholds of compliance_thresholds.yml beside it: 6 checks pass and 5 fail. The expected
tallies are computed from the dataset file, not copied from a run. The probe invoice-delivered
tracks a message whose status is archived, as a delivered message shows on an account with
archiving, and passes under the default expectation, delivered.

Every test reads the one run of the module-scoped ``single_account`` fixture, made with Ansible's default output
(issue 13: the results table reads line by line there). The role's other behaviours are in test_compliance_accounts.py.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

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

from compliance_playbook import COMPLIANCE_CHECK, REPORT_FILES, read, seeded_data, task, thresholds
from compliance_playbook import seeded  # noqa: F401 pylint: disable=unused-import
from harness import scheme_env

pytestmark = pytest.mark.e2e

FAILING = ["Oldest held message", "Forbidden hold reasons", "Held for default_inbound_attachment_protect_definition",
           "Delivery attempts", "Probe outbound-canary"]
PASSING = ["Held messages", "Held for spam", "Processing queue", "Oldest in processing", "Probe invoice-delivered", "Probe po-queued"]


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
