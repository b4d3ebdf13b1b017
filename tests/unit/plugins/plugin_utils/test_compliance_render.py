# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The reports of one account and of the aggregate, in every format, from one model."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import html.parser
import json
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.checks import evaluate
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.model import document
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.render import render
from ansible_collections.mimecast.gateway.tests.unit.plugins.plugin_utils.compliance_fixtures import (
    NOW,
    full_settings,
    held_result,
    probe_result,
    processing_result,
    settings,
)


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


def test_one_account_is_an_aggregate_of_one(two_reports):
    report = two_reports[0]
    own, aggregate = document(report, now=NOW), document([report], now=NOW)
    assert own["accounts"] == aggregate["accounts"] == [report]
    assert own["status"] == aggregate["status"] == report["status"] == "failed"
    assert own["check_counts"] == aggregate["check_counts"] == report["counts"]
    # An account's own file opens with the account, the aggregate file with a row per account, even for one.
    assert (own["overview"], aggregate["overview"]) == (False, True)
    assert own["record"] is report and aggregate["record"]["accounts"] == [report]
    assert (own["summary"], aggregate["summary"]) == ("7 of 9 checks passed, 2 failed",
                                                      "1 account checked: 0 passed, 1 with failing checks, 0 in error")


def test_an_account_s_own_report_shows_it_as_the_aggregate_of_it_does(two_reports):
    report = two_reports[0]
    assert render(report, "junit") == render([report], "junit")
    assert render(report, "text").splitlines()[1:] == render([report], "text", now=NOW).splitlines()[1:]
    section = render(report, "markdown").split("\n", 2)[2]
    assert section.startswith("## acme: FAILED\n\n7 of 9 checks passed, 2 failed. Generated 2026-05-04T12:00:00Z.\n")
    assert render([report], "markdown").endswith("\n\n" + section)
    page, aggregate = render(report, "html"), render([report], "html")
    section = page[page.index('<section class="account"'):page.index("</section>")]
    assert section in aggregate
    assert '<table class="accounts">' in aggregate and '<table class="accounts">' not in page


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render({}, "pdf")
