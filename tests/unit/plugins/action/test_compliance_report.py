# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The compliance_report action: its options as documented, and a run in and out of check mode."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest
import yaml

from unittest.mock import MagicMock

from ansible.errors import AnsibleActionFail

from ansible_collections.mimecast.gateway.plugins.action import compliance_report as action
from ansible_collections.mimecast.gateway.plugins.modules import compliance_report as documented
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.checks import evaluate
from ansible_collections.mimecast.gateway.tests.unit.plugins.plugin_utils.compliance_fixtures import NOW, held_result, settings


@pytest.fixture
def report():
    return evaluate(settings(account="acme"), held=held_result(("spam", "INBOUND", 2, "")), now=NOW)


def run(args, check_mode=False, diff=False):
    task = MagicMock(args=args, async_val=0, check_mode=check_mode, diff=diff, action="mimecast.gateway.compliance_report")
    connection = MagicMock()
    connection._shell.tmpdir = "unused"  # an action that needs no remote temporary directory
    plugin = action.ActionModule(task, connection, MagicMock(), MagicMock(), MagicMock(), MagicMock())
    return plugin.run(task_vars={})


def test_the_options_are_the_documented_ones():
    options = yaml.safe_load(documented.DOCUMENTATION)["options"]
    assert sorted(options) == sorted(action.ARGUMENT_SPEC)
    for name, spec in action.ARGUMENT_SPEC.items():
        doc = options[name]
        assert (doc["type"], doc.get("required", False), doc.get("default"), doc.get("choices"), doc.get("elements")) == (
            spec["type"], spec.get("required", False), spec.get("default"), spec.get("choices"), spec.get("elements")), name


def test_a_run_writes_every_format_and_a_second_changes_nothing(report, tmp_path):
    first = run(dict(report=report, directory=str(tmp_path)))
    assert first["changed"] and len(first["written"]) == 4 and "diff" not in first
    assert sorted(os.listdir(str(tmp_path))) == ["acme.html", "acme.json", "acme.junit.xml", "acme.md"]
    second = run(dict(report=report, directory=str(tmp_path)))
    assert (second["changed"], second["written"], second["files"]) == (False, [], first["files"])


def test_check_mode_says_what_would_change_with_a_diff_and_writes_nothing(report, tmp_path):
    result = run(dict(report=report, directory=str(tmp_path / "reports"), formats=["json"]), check_mode=True, diff=True)
    assert result["changed"] and result["written"] == [str(tmp_path / "reports" / "acme.json")]
    assert result["diff"][0]["after"].startswith("{")
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("args, words", [
    (dict(mode="u=rw"), "compliance_report: mode must be an octal file mode such as 0644 or 0640, not 'u=rw'"),
    (dict(formats=["pdf"]), "value of formats must be one or more of: json, junit, markdown, html. Got no match for: pdf"),
    (dict(report="text"), "compliance_report: expects a report or a list of reports, got str"),
    (dict(name="a/b"), "compliance_report: name must be a file name without a directory"),
])
def test_a_bad_option_fails_naming_it(report, tmp_path, args, words):
    with pytest.raises(AnsibleActionFail) as raised:
        run(dict(dict(report=report, directory=str(tmp_path)), **args))
    assert words in str(raised.value)
    assert os.listdir(str(tmp_path)) == []
