# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one model every renderer reads, and the words the renderers share.

A single account is an aggregate of one: ``document`` gives the same model for one account's report
and for several, so no renderer asks how many accounts there are. What differs is the document, not
the count: the aggregate file opens with a table of its accounts (``overview``), even of one account,
and its JSON is the run; an account's own file opens with the account, and its JSON is the report.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.checks import STATUSES, iso, now_or, placeholder


MARK = dict(passed="PASS", failed="FAIL", error="ERROR", skipped="off")
WORD = dict(passed="PASSED", failed="FAILED", error="ERROR")
TITLE = "Mimecast mail flow compliance"


def aggregate(reports, now=None, missing=None):
    """The run over several accounts: one row per account, in the order given, then the missing ones."""
    reports = list(reports) + [placeholder(str(name), now) for name in missing or []]
    checks = dict((status, sum(report["counts"][status] for report in reports)) for status in STATUSES)
    accounts = dict((status, sum(1 for report in reports if report["status"] == status)) for status in ("passed", "failed", "error"))
    status = "error" if accounts["error"] else "failed" if accounts["failed"] else "passed"
    run = dict(generated=iso(now_or(now)), status=status, account_counts=accounts, check_counts=checks, accounts=reports)
    return dict(run, summary=run_line(run))


def document(data, now=None, missing=None):
    """What the renderers read, for one account's report (a dict) or the aggregate of several (a list).

    ``accounts`` lists the reports; ``status``, ``generated`` and ``summary`` are the document's;
    ``overview`` says whether it opens with one row per account; ``record`` is what its JSON holds.
    ``missing`` names accounts without a report; the aggregate shows each as an account in error.
    """
    if isinstance(data, dict):
        run = aggregate([data], now)
        return dict(run, generated=data["generated"], summary=summary_line(data), overview=False, record=data)
    run = aggregate(data, now, missing)
    return dict(run, overview=True, record=run)


def summary_line(report):
    """One account's result in words: ``6 of 8 checks passed, 2 failed, 1 turned off``."""
    if report.get("stopped"):
        return "stopped before its checks"
    counts = report["counts"]
    active = len(report["checks"]) - counts["skipped"]
    parts = ["%d of %d checks passed" % (counts["passed"], active)]
    if counts["failed"]:
        parts.append("%d failed" % counts["failed"])
    if counts["error"]:
        parts.append("%d in error" % counts["error"])
    if counts["skipped"]:
        parts.append("%d turned off" % counts["skipped"])
    return ", ".join(parts)


def run_line(run):
    """Accounts in error (stopped, or a check could not be evaluated) are counted apart from those with failing checks."""
    accounts, counts = run["accounts"], run["account_counts"]
    return "%d account%s checked: %d passed, %d with failing checks, %d in error" % (
        len(accounts), "" if len(accounts) == 1 else "s", counts["passed"], counts["failed"], counts["error"])


def account_error(report):
    """Why an account is in error, each distinct message once (reports made before the ``error`` key included)."""
    if "error" in report:
        return report["error"]
    return "; ".join(sorted(set(check["message"] for check in report["checks"] if check["status"] == "error"))) or None


def problems(report):
    """An overview row's last cell: the failed checks, then why the account is in error."""
    failed = ", ".join(check["name"] for check in report["checks"] if check["status"] == "failed")
    error = account_error(report)
    return "; ".join(part for part in (failed, error and "error: " + error) if part) or "-"


def tally(counts):
    """``{"spam": 2, "malware": 5}`` -> ``malware 5, spam 2``: largest first."""
    return ", ".join("%s %d" % (key, value) for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"
