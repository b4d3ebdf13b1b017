# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What playbooks/compliance_check.yml says in Ansible's default output beyond its results table, against the
emulator: a check-mode run (the reports it would write and remove, none touched), and an inventory given without
compliance_check_hosts (pointed out; checks that could not be evaluated are not called failed).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from compliance_playbook import COMPLIANCE_CHECK, task, write_inventory
from harness import scheme_env

pytestmark = pytest.mark.e2e


# ------------------------------------------------------------------ check mode

def test_a_check_mode_run_says_which_reports_it_would_write_and_remove_and_touches_none(fresh_emulator, ansible_playbook, tmp_path):
    reports = tmp_path / "reports"
    (reports / "accounts").mkdir(parents=True)
    (reports / "accounts" / "localhost.html").write_text("last week's report")
    run = ansible_playbook(COMPLIANCE_CHECK, env=scheme_env(fresh_emulator, "v2"), check=True, diff=True, extra_vars=dict(
        mail_flow_compliance_report_dir=str(reports), mail_flow_compliance_report_formats=["json", "markdown"],
        mail_flow_compliance_fail_on_violation=False))
    assert run.rc == 0, run
    written = task(run, "Write the account's reports")
    assert written["changed"] is True
    assert written["written"] == [str(reports / "accounts" / name) for name in ("localhost.json", "localhost.md")]
    assert written["removed"] == [str(reports / "accounts" / "localhost.html")]
    # Ansible's default output shows each file's diff; nothing was written or removed.
    assert "+++ after: %s" % (reports / "accounts" / "localhost.md") in run.stdout, run
    assert "--- before: %s" % (reports / "accounts" / "localhost.html") in run.stdout, run
    assert sorted(os.listdir(str(reports))) == ["accounts"]
    assert os.listdir(str(reports / "accounts")) == ["localhost.html"]
    assert task(run, "Show the results")["msg"][-1] == "Reports: %s (check mode: none written)" % reports


# ------------------------------------------------------------------ a slip: an inventory of accounts, no compliance_check_hosts

def test_an_inventory_without_compliance_check_hosts_is_pointed_out_and_checks_in_error_are_not_called_failed(
        ansible_playbook, tmp_path):
    """No MIMECAST_* variables either: localhost's reads cannot run, so its checks are in error, not failed."""
    inventory = write_inventory(tmp_path, {"contoso": {}, "fabrikam": {}})
    run = ansible_playbook(COMPLIANCE_CHECK, env=inventory, extra_vars=dict(
        mail_flow_compliance_report_dir=str(tmp_path / "reports"), mail_flow_compliance_report_formats=["json"],
        mail_flow_compliance_probes=[]))
    assert run.rc == 2, run
    assert task(run, "Say that the inventory's accounts are not checked without compliance_check_hosts")["msg"] == (
        "compliance_check_hosts is not set, so only localhost is checked, with the MIMECAST_* environment variables; the "
        "inventory's 2 host(s) are not. To check them, add -e compliance_check_hosts=<their group, or all>.")
    message = task(run, "Fail the account when a check failed")["msg"]
    assert message.startswith("Mail flow compliance of localhost: 5 check(s) could not be evaluated: Held messages ("), message
    assert "failed" not in message.split(":")[1]
    assert task(run, "Show the results")["msg"][0] == (
        "Mail flow compliance ERROR: 1 account checked: 0 passed, 0 with failing checks, 1 in error")
