# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""playbooks/compliance_check.yml for test_compliance_reports.py, test_compliance_accounts.py and
test_compliance_output.py: its path, the compliance dataset and thresholds the emulator and the role are given, an
inventory of accounts, and reading what a run left behind.

test_playbooks.py runs its emulator on the same dataset: the ``seeded`` fixture.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest
import yaml

from harness import ROOT, start_emulator, stop_emulator

DATASETS = os.path.join(ROOT, "tests", "emulator", "datasets")
DATASET = os.path.join(DATASETS, "compliance.json")
COMPLIANCE_CHECK = os.path.join(ROOT, "playbooks", "compliance_check.yml")
REPORT_FILES = ["accounts/localhost.json", "accounts/localhost.junit.xml", "accounts/localhost.md", "accounts/localhost.html",
                "aggregate.json", "aggregate.junit.xml", "aggregate.md", "aggregate.html"]

P = "mail_flow_compliance_"


def thresholds():
    with open(os.path.join(DATASETS, "compliance_thresholds.yml")) as handle:
        return yaml.safe_load(handle)


def seeded_data():
    with open(DATASET) as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def seeded():
    running = start_emulator("--dataset", DATASET)
    yield running
    stop_emulator(running)


def task(run, name):
    """The result of a task by its name, with or without the role's prefix."""
    found = [result for key, result in run.results().items() if key == name or key.endswith(" : " + name)]
    assert len(found) == 1, "no single task named %r in %s" % (name, sorted(run.results()))
    return found[0]


def read(folder, name):
    with open(os.path.join(str(folder), name)) as handle:
        return handle.read()


def write_inventory(folder, hosts, **group_vars):
    """An inventory of accounts (group mimecast_accounts, local connection) in ``folder``; the environment naming it."""
    inventory = {"mimecast_accounts": {"vars": group_vars, "hosts": dict(
        (name, dict(host_vars, ansible_connection="local")) for name, host_vars in hosts.items())}}
    path = folder / "hosts.yml"
    path.write_text(yaml.safe_dump(inventory))
    return {"ANSIBLE_INVENTORY": str(path)}
