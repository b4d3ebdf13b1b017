# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mimecast.gateway.plugins.filter import compliance_evaluate, compliance_render, compliance_settings


def test_each_file_exports_its_filter_under_its_own_name():
    for module in (compliance_settings, compliance_evaluate, compliance_render):
        name = module.__name__.rsplit(".", 1)[1]
        assert list(module.FilterModule().filters()) == [name]


def test_the_three_filters_chain():
    checked = compliance_settings.compliance_settings(
        {"mail_flow_compliance_account": "acme", "mail_flow_compliance_max_held": 1, "mail_flow_compliance_report_dir": "/tmp/r",
         "mail_flow_compliance_report_formats": ["json"], "mail_flow_compliance_fail_on_violation": True},
        ["mail_flow_compliance_max_held"])
    assert checked["errors"] == []
    held = dict(count=2, held_messages=[], summary=dict(total=2, by_reason_code={"spam": 2}, by_route={}, oldest=None, oldest_age_seconds=None))
    report = compliance_evaluate.compliance_evaluate(checked["settings"], held=held)
    assert report["status"] == "failed"
    assert json.loads(compliance_render.compliance_render(report, "json"))["failing"] == ["Held messages (2 held, at most 1 allowed)"]
    aggregate = json.loads(compliance_render.compliance_render(report, "json", missing=["globex"]))
    assert [item["account"] for item in aggregate["accounts"]] == ["acme", "globex"]


def test_probe_expectations_chain_through_the_filters():
    given = {"mail_flow_compliance_account": "acme", "mail_flow_compliance_report_dir": "/tmp/r", "mail_flow_compliance_report_formats": [],
             "mail_flow_compliance_fail_on_violation": True,
             "mail_flow_compliance_probes": [{"name": "invoice", "message_id": "<i@x>"},
                                             {"name": "quarantine", "sender": "eicar@x", "expected_status": ["held", "bounced"]}]}
    bad = dict(given, mail_flow_compliance_probes=given["mail_flow_compliance_probes"] + [{"message_id": "<b@x>", "expected_status": []}])
    assert compliance_settings.compliance_settings(bad)["errors"] == [
        "mail_flow_compliance_probes[2].expected_status is empty; give a tracking status such as delivered, held or bounced, or a list of them"]
    checked = compliance_settings.compliance_settings(given)
    assert checked["errors"] == []
    probes = checked["settings"]["probes"]
    found = [dict(item=probes[0], count=1, tracked_emails=[dict(status="archived", received="2026-05-04T11:00:00+0000")], summary={}),
             dict(item=probes[1], count=1, tracked_emails=[dict(status="delivered", received="2026-05-04T11:00:00+0000")], summary={})]
    report = compliance_evaluate.compliance_evaluate(checked["settings"], probes=found)
    assert [(check["status"], check["observed"], check["limit_text"]) for check in report["checks"] if check["category"] == "probe"] == [
        ("passed", "archived", "delivered (archived or delivered)"), ("failed", "delivered", "held or bounced")]
    assert report["failing"] == ["Probe quarantine (status delivered, expected held or bounced; received 2026-05-04T11:00:00+0000, "
                                 "route unknown)"]


@pytest.mark.parametrize("call, words", [
    (lambda: compliance_settings.compliance_settings(["not", "a", "dict"]), "expects a dict of the role's variables"),
    (lambda: compliance_evaluate.compliance_evaluate({}), "expects the settings returned by"),
    (lambda: compliance_render.compliance_render({"account": "a", "checks": []}, "pdf"), "unknown format 'pdf'"),
    (lambda: compliance_render.compliance_render("report", "json"), "expects a report or a list of reports"),
    (lambda: compliance_render.compliance_render([{"account": "a"}], "json"), "made by mimecast.gateway.compliance_evaluate"),
])
def test_misuse_fails_with_a_filter_error(call, words):
    with pytest.raises(AnsibleFilterError, match=words):
        call()


def test_an_account_stopped_by_its_variables_still_gets_a_report_through_the_filters():
    """Issue 13: the role evaluates (and writes) a report in error, with the reason, instead of stopping before any report."""
    given = {"mail_flow_compliance_account": "acme", "mail_flow_compliance_report_dir": "/tmp/r", "mail_flow_compliance_report_formats": ["json"],
             "mail_flow_compliance_fail_on_violation": True, "mail_flow_compliance_max_held_age": "soon"}
    checked = compliance_settings.compliance_settings(given, ["mail_flow_compliance_max_hled"])
    assert len(checked["errors"]) == 2
    assert [item["dest"] for item in checked["settings"]["report_files"]] == ["/tmp/r/accounts/acme.json"]
    report = compliance_evaluate.compliance_evaluate(checked["settings"], stopped="invalid role variables: " + "; ".join(checked["errors"]))
    assert (report["status"], report["stopped"]) == ("error", True)
    assert "mail_flow_compliance_max_hled" in report["error"]
    assert json.loads(compliance_render.compliance_render(report, "json"))["checks"][0]["status"] == "error"
    aggregate = json.loads(compliance_render.compliance_render([report], "json"))
    assert aggregate["summary"] == "1 account checked: 0 passed, 0 with failing checks, 1 in error"


def test_the_settings_filter_returns_warnings_for_unknown_probe_statuses():
    checked = compliance_settings.compliance_settings({"mail_flow_compliance_account": "acme", "mail_flow_compliance_report_dir": "/tmp/r",
                                                       "mail_flow_compliance_report_formats": [], "mail_flow_compliance_fail_on_violation": True,
                                                       "mail_flow_compliance_probes": [{"name": "canary", "sender": "c@x", "expected_status": "deliverd"}]})
    assert checked["errors"] == []
    assert len(checked["warnings"]) == 1 and "(probe canary)" in checked["warnings"][0] and "did you mean delivered?" in checked["warnings"][0]
