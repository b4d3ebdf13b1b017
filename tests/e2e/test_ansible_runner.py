# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A playbook of this collection run the way AWX runs jobs: `ansible-runner run` on a private data directory.

The private data directory holds what AWX writes there for a job: project/ (the checkout),
inventory/hosts, env/envvars (the environment the job's credentials inject, here rendered from
extensions/awx/ exactly as AWX renders it) and env/settings. The emulator stands in for Mimecast.
The checks read the job events and artifacts that AWX would store, and look for the secrets in them.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import glob
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest
import yaml

from awx_injection import awx_inject_env, emulator_inputs, load_credential_type, secret_fields
from harness import ROOT
from tests import module_registry

pytestmark = pytest.mark.e2e

IDENT = "job"

# The playbooks to run as AWX jobs. playbook: in playbooks/; modules: those whose results the
# job events must carry (FQCNs from tests/module_registry.py); shows: a text the job output must
# show; extravars: the job template's extra variables, where "{private_data_dir}" stands for the
# job's private data directory; writes: files the job must leave in the private data directory.
JOBS = [
    # The queue report reads the processing, hold and tracking queues; it changes nothing.
    pytest.param(dict(playbook="queue_report.yml",
                      modules=[module_registry.MODULES[key].fqcn for key in ("processing", "hold", "track")],
                      shows="HELD MESSAGES:", extravars={}, writes=[]), id="queue_report"),
    # The compliance job as an MSP would template it: reports kept, violations reported but not failing the job.
    pytest.param(dict(playbook="compliance_check.yml",
                      modules=[module_registry.MODULES[key].fqcn for key in ("processing", "hold")],
                      shows="Mail flow compliance",
                      extravars=dict(mail_flow_compliance_report_dir="{private_data_dir}/reports",
                                     mail_flow_compliance_fail_on_violation=False),
                      writes=["reports/aggregate.json", "reports/aggregate.junit.xml", "reports/aggregate.html",
                              "reports/accounts/localhost.json"]),
                 id="compliance_check"),
]


def write_private_data_dir(root, playbook, envvars, extravars):
    project = os.path.join(root, "project")
    # AWX checks the project out; a copy of playbooks/ is this collection's "project".
    shutil.copytree(os.path.join(ROOT, "playbooks"), os.path.join(project, "playbooks"))
    os.makedirs(os.path.join(root, "inventory"))
    with open(os.path.join(root, "inventory", "hosts"), "w") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    os.makedirs(os.path.join(root, "env"))
    with open(os.path.join(root, "env", "envvars"), "w") as handle:
        yaml.safe_dump(envvars, handle)
    with open(os.path.join(root, "env", "extravars"), "w") as handle:
        yaml.safe_dump(dict((name, value.replace("{private_data_dir}", root) if isinstance(value, str) else value)
                            for name, value in extravars.items()), handle)
    with open(os.path.join(root, "env", "settings"), "w") as handle:
        # A hung job fails the test instead of blocking it.
        yaml.safe_dump({"job_timeout": 300, "idle_timeout": 120}, handle)
    return os.path.join("playbooks", playbook)


def run_job(root, playbook_path):
    """`ansible-runner run` in a process environment like an execution environment's: the collection installed,
    no MIMECAST_* variables but those the job's env/envvars bring."""
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(("MIMECAST_", "ANSIBLE_")))
    # ANSIBLE_INJECT_INVOCATION: ansible-core 2.21+ returns the module arguments (no_log masked) only when asked;
    # ask, so the events show them on every version, the hardest test for leaked secrets.
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INJECT_INVOCATION="true",
               PATH=os.path.dirname(sys.executable) + os.pathsep + env["PATH"])
    runner = os.path.join(os.path.dirname(sys.executable), "ansible-runner")
    # -vvv: the job's output then shows every module invocation, the hardest test for leaked secrets.
    return subprocess.run([runner, "run", root, "--playbook", playbook_path, "--ident", IDENT, "-vvv"],
                          env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=600, check=False)


def job_events(artifacts):
    events = []
    for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
        with open(path) as handle:
            events.append(json.load(handle))
    return sorted(events, key=lambda event: event["counter"])


def secrets_of(credential_type, inputs):
    values = [inputs[name] for name in secret_fields(credential_type)]
    if "secret_key" in inputs:  # the modules sign with the decoded key; it must not show either
        values.append(base64.b64decode(inputs["secret_key"]).decode("latin-1"))
    return values


@pytest.mark.parametrize("scheme", ["v2", "v1"])
@pytest.mark.parametrize("job", JOBS)
def test_playbook_runs_as_an_awx_job(fresh_emulator, tmp_path, scheme, job):
    modules = job["modules"]
    credential_type = load_credential_type(scheme)
    inputs = emulator_inputs(scheme, base_url=fresh_emulator.base_url)
    envvars = awx_inject_env(credential_type, inputs)
    root = str(tmp_path / "private_data_dir")
    completed = run_job(root, write_private_data_dir(root, job["playbook"], envvars, job["extravars"]))
    artifacts = os.path.join(root, "artifacts", IDENT)
    assert completed.returncode == 0, completed.stdout[-6000:]

    # Artifacts: AWX reads the status and return code from these.
    with open(os.path.join(artifacts, "status")) as handle:
        assert handle.read().strip() == "successful"
    with open(os.path.join(artifacts, "rc")) as handle:
        assert handle.read().strip() == "0"

    # Job events: a play that ran every task on localhost, with no failure.
    events = job_events(artifacts)
    kinds = [event["event"] for event in events if event["event"] != "verbose"]  # -vvv adds "verbose" events
    assert kinds[0] == "playbook_on_start" and kinds[-1] == "playbook_on_stats"
    assert "playbook_on_play_start" in kinds and kinds.count("playbook_on_task_start") >= len(modules)
    assert not [kind for kind in kinds if kind in ("runner_on_failed", "runner_on_unreachable")]
    stats = [event for event in events if event["event"] == "playbook_on_stats"][0]["event_data"]
    assert stats["ok"].get("localhost", 0) >= len(modules) and not stats["failures"] and not stats["dark"]
    results = dict((event["event_data"]["resolved_action"], event["event_data"]["res"])
                   for event in events if event["event"] == "runner_on_ok")
    for module in modules:
        assert module in results, sorted(results)
        assert results[module]["changed"] is False and results[module]["count"] > 0
    assert job["shows"] in "".join(event.get("stdout", "") for event in events)
    assert fresh_emulator.api_requests(), "the job never reached the emulator"
    for written in job["writes"]:
        assert os.path.getsize(os.path.join(root, written)) > 0, written

    # Secrets: in no job event, no artifact, not in the runner's own output.
    secrets = secrets_of(credential_type, inputs)
    assert secrets
    leaks = [name for name, text in [("runner output", completed.stdout)] if any(s in text for s in secrets)]
    for path in glob.glob(os.path.join(artifacts, "**"), recursive=True):
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        if os.path.basename(path) == "command":
            # ansible-runner records the job's full environment, credentials included, in this one file
            # (0600). The recorded command line itself must carry none.
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
            text = json.dumps(json.loads(text)["command"])
        if any(secret in text for secret in secrets):
            leaks.append(os.path.relpath(path, root))
    assert not leaks, "secrets found in: %s" % leaks
