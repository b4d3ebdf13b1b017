# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The report as JSON, JUnit XML, Markdown and a plain-text table, each from the model of ``model.document``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import xml.etree.ElementTree as ET

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.checks import STATUSES
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.model import (
    MARK,
    TITLE,
    WORD,
    account_error,
    problems,
    summary_line,
    tally,
)


EMOJI = dict(passed=":white_check_mark: pass", failed=":x: **FAIL**", error=":warning: **ERROR**", skipped="off")


def render_json(doc):
    # Tagged or lazy Ansible containers -> plain JSON types (json.dumps of subclasses is fine, but be explicit).
    plain = json.loads(json.dumps(doc["record"], default=str))
    return json.dumps(plain, indent=2, sort_keys=False) + "\n"


def _junit_suite(parent, report):
    counts = report["counts"]
    suite = ET.SubElement(parent, "testsuite", dict(
        name=report["account"], tests=str(len(report["checks"])), failures=str(counts["failed"]),
        errors=str(counts["error"]), skipped=str(counts["skipped"]), time="0", timestamp=report["generated"].rstrip("Z")))
    # The account's own result: in error (stopped, or a check could not be evaluated) is not the same as failed.
    ET.SubElement(ET.SubElement(suite, "properties"), "property", dict(name="status", value=report["status"]))
    for check in report["checks"]:
        case = ET.SubElement(suite, "testcase", dict(classname="%s.%s" % (report["account"], check["category"]),
                                                     name=check["name"], time="0"))
        detail = "observed: %s\nlimit: %s\n%s" % (check["observed_text"], check["limit_text"], check["message"])
        if check["status"] == "failed":
            ET.SubElement(case, "failure", dict(message=check["message"], type="threshold")).text = detail
        elif check["status"] == "error":
            ET.SubElement(case, "error", dict(message=check["message"], type="collection")).text = detail
        elif check["status"] == "skipped":
            ET.SubElement(case, "skipped", dict(message=check["message"]))


def render_junit(doc):
    """One testsuite per account, one testcase per check."""
    root = ET.Element("testsuites", dict(name=TITLE))
    for report in doc["accounts"]:
        _junit_suite(root, report)
    totals = doc["check_counts"]
    root.set("tests", str(sum(totals[status] for status in STATUSES)))
    root.set("failures", str(totals["failed"]))
    root.set("errors", str(totals["error"]))
    root.set("skipped", str(totals["skipped"]))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _md(text):
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _md_account(report):
    lines = ["## %s: %s" % (_md(report["account"]), WORD[report["status"]]), "",
             summary_line(report) + ". Generated " + report["generated"] + ".", ""]
    if report.get("stopped"):
        return lines + [":warning: **ERROR**: " + _md(account_error(report))]
    lines += ["| Result | Check | Observed | Limit | Details |", "| --- | --- | --- | --- | --- |"]
    for check in report["checks"]:
        lines.append("| %s | %s | %s | %s | %s |" % (EMOJI[check["status"]], _md(check["name"]), _md(check["observed_text"]),
                                                     _md(check["limit_text"]), _md(check["message"])))
    held, processing = report["held"], report["processing"]
    lines.append("")
    if held["read"]:
        lines.append("- Held: %d; by reason: %s; by route: %s" % (held["count"], _md(tally(held["by_reason_code"])), _md(tally(held["by_route"]))))
    if processing["read"]:
        lines.append("- Processing: %d; by route: %s; most attempts: %s"
                     % (processing["count"], _md(tally(processing["by_route"])), processing["max_attempts"]))
    buckets = report["age_buckets"]
    if held["read"] or processing["read"]:
        lines += ["", "| Age | " + " | ".join(_md(label) for label in buckets) + " |", "| --- |" + " --- |" * len(buckets)]
        for label, section in (("Held", held), ("Processing", processing)):
            if section["read"]:
                lines.append("| %s | %s |" % (label, " | ".join(str(count) for count in section["age_histogram"])))
    return lines


def _md_overview(doc):
    """The aggregate's heading: its result, and a row per account."""
    lines = ["# %s: %s" % (TITLE, WORD[doc["status"]]), "", doc["summary"] + ". Generated " + doc["generated"] + ".", "",
             "| Account | Result | Passed | Failed | Errors | Off | Failing checks or error |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for report in doc["accounts"]:
        counts = report["counts"]
        lines.append("| %s | %s | %d | %d | %d | %d | %s |" % (
            _md(report["account"]), EMOJI[report["status"]], counts["passed"], counts["failed"], counts["error"], counts["skipped"],
            _md(problems(report))))
    return lines


def render_markdown(doc):
    """The aggregate opens with its overview; an account's own document with the account's section, under a bare title."""
    lines = _md_overview(doc) if doc["overview"] else ["# " + TITLE]
    for report in doc["accounts"]:
        lines += [""] + _md_account(report)
    return "\n".join(lines) + "\n"


def render_text(doc):
    """A short table for a terminal: a line per check of every account, under the document's result."""
    rows = [("ACCOUNT", "RESULT", "CHECK", "OBSERVED", "LIMIT")]
    for report in doc["accounts"]:
        for check in report["checks"]:
            rows.append((report["account"], MARK[check["status"]], check["name"], check["observed_text"], check["limit_text"]))
    rows = [tuple(cell if len(cell) <= 56 else cell[:55] + "~" for cell in map(str, row)) for row in rows]
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    head = "Mail flow compliance %s: %s" % (WORD[doc["status"]], doc["summary"])
    return "\n".join([head] + ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows])
