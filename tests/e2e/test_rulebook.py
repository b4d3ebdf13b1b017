# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Event-Driven Ansible end to end: real ansible-rulebook runs the event sources and the example rulebooks.

- ansible-rulebook finds ``mimecast.gateway.held_messages`` (and the example playbooks) the way it does in a
  decision environment: by FQCN, in the collection on ANSIBLE_COLLECTIONS_PATH (the .build/collections link to
  this checkout), with no ``-S`` and no PYTHONPATH.
- Each test has an emulator of its own: changing its hold list shows in no other test.
- The tests wait for what must happen, with generous deadlines, and assert on what happened, never on timing.
  ansible-rulebook is stopped with SIGINT (as Ctrl-C does), and killed if it does not end in time.
- Credentials reach ansible-rulebook as environment variables, rendered from the credential types in
  extensions/awx/ as EDA controller renders them; the secrets sweep greps everything ansible-rulebook printed
  at debug verbosity for them and for the bearer tokens and API 1.0 signatures of the run.
- ansible-rulebook needs Java 17+: without it the tests are skipped, except in CI (CI=true), where they fail
  (.ci/run installs Java).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

import jinja2
import pytest
import yaml
from jinja2.nativetypes import NativeTemplate

from awx_injection import TYPE_FILES, awx_inject_env, emulator_inputs, load_credential_type
from harness import ROOT, _collection_link, start_emulator, stop_emulator
from test_faults import credentials
from test_secrets import assert_no_secret, credential_secrets, run_secrets

pytestmark = pytest.mark.e2e

EDA = os.path.join(ROOT, "extensions", "eda")
INVENTORY = os.path.join(EDA, "inventory.yml")
BIN = os.path.dirname(sys.executable)
HOLD_LIST = "/api/gateway/get-hold-message-list"
PROCESSING_LIST = "/api/gateway/find-processing-messages"
# Seconds to wait for anything: the JVM's start, a few polls and a playbook run take well under a minute.
DEADLINE = 240


def rulebook_installed():
    """ansible-rulebook is in `make test`'s environment (requirements-dev.txt); the support matrix's lines run the
    other integration tests on other ansible-core versions, without it (tox-ansible.ini sets TEST_MATRIX_LINE)."""
    if os.path.isfile(os.path.join(BIN, "ansible-rulebook")):
        return
    if os.environ.get("CI") == "true" and not os.environ.get("TEST_MATRIX_LINE"):
        pytest.fail("ansible-rulebook is not installed in %s; `make venv` installs it from requirements-dev.txt" % BIN)
    pytest.skip("ansible-rulebook is not installed here; `make test` runs these tests")


def java_home():
    """The Java installation ansible-rulebook is to use: JAVA_HOME, else the one the java on PATH belongs to."""
    rulebook_installed()
    home = os.environ.get("JAVA_HOME")
    if home and os.path.isfile(os.path.join(home, "bin", "java")):
        return home
    java = shutil.which("java")
    if java:
        return os.path.dirname(os.path.dirname(os.path.realpath(java)))
    if os.environ.get("CI") == "true":
        pytest.fail("Java is not installed; .ci/run installs openjdk-17-jre-headless with apt-get before `make test`")
    pytest.skip("Java 17+ is not installed (apt-get install openjdk-17-jre-headless): ansible-rulebook cannot run")
    return None


@pytest.fixture
def own_emulator():
    running = start_emulator()
    yield running
    stop_emulator(running)


def credential_env(emulator, scheme):
    """The MIMECAST_* variables a credential of the scheme's type sets, pointed at the emulator."""
    return awx_inject_env(load_credential_type(scheme), emulator_inputs(scheme, base_url=emulator.base_url))


class Rulebook:
    """ansible-rulebook running in the background, everything it prints going to a file."""

    def __init__(self, rulebook, env, folder, verbosity=0):
        self.log_path = os.path.join(str(folder), "ansible-rulebook.log")
        full_env = dict((name, value) for name, value in os.environ.items()
                        if not name.startswith("MIMECAST_") and name != "PYTHONPATH")
        full_env.update({
            "ANSIBLE_COLLECTIONS_PATH": _collection_link(),
            # ansible-rulebook finds collections with ansible-galaxy, and playbooks run with ansible-playbook.
            "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
            "JAVA_HOME": java_home(),
            "ANSIBLE_HOME": os.path.join(str(folder), "ansible-home"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_LOCALHOST_WARNING": "false",
        })
        full_env.update(env)
        command = [os.path.join(BIN, "ansible-rulebook"), "--rulebook", rulebook, "--inventory", INVENTORY]
        if verbosity:
            command.append("-" + "v" * verbosity)
        with open(self.log_path, "w") as log:
            # A session of its own, so stopping it reaches the playbook runs it started too.
            self.process = subprocess.Popen(command, env=full_env, cwd=str(folder), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def output(self):
        with open(self.log_path, errors="replace") as log:
            return log.read()

    def __str__(self):
        return "ansible-rulebook (rc=%s) printed:\n%s" % (self.process.poll(), self.output[-8000:])

    def wait_for(self, what, check, deadline=DEADLINE):
        """Poll ``check()`` until it returns something true; fail when ansible-rulebook ends or the deadline passes."""
        end = time.monotonic() + deadline
        while True:
            found = check()
            if found:
                return found
            if self.process.poll() is not None:
                pytest.fail("ansible-rulebook ended while waiting for %s\n%s" % (what, self))
            if time.monotonic() > end:
                pytest.fail("no %s after %d s\n%s" % (what, deadline, self))
            time.sleep(0.5)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever is left of the session
        except OSError:
            pass
        self.process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def answered(emulator, path):
    return [entry for entry in emulator.requests() if entry["path"] == path and entry["status"] == 200]


def wait_until_polling(run, emulator, path):
    """Two answered polls: the first, which tells what was there before, is over."""
    run.wait_for("second poll of %s" % path, lambda: len(answered(emulator, path)) >= 2)


def hold_new_message(emulator, **fields):
    """Add a message to the emulator's hold list, in the API's camelCase shape; its id."""
    record = {
        "id": "eNoRulebookTest-" + uuid.uuid4().hex,
        "reason": "Impersonation",
        "reasonId": "Impersonation",
        "reasonCode": "impersonation",
        "from": {"emailAddress": "ceo@contoso-payments.example", "displayableName": "The CEO"},
        "fromHeader": {"emailAddress": "ceo@contoso-payments.example", "displayableName": "The CEO"},
        "to": {"emailAddress": "payables@contoso.com", "displayableName": "Accounts Payable"},
        "subject": "Urgent: wire transfer before noon",
        "route": "INBOUND",
        "hasAttachments": False,
        "size": 2048,
        "dateReceived": "now",
        "policyInfo": "Impersonation Protection",
        "senderIP": "192.0.2.77",
    }
    record.update(fields)
    emulator._call("/_emulator/data", {"held": emulator.data()["held"] + [record]})  # pylint: disable=protected-access
    return record["id"]


def example_rulebook(name, folder, **action_args):
    """A shipped rulebook as is, but polling every second (and with the given run_playbook arguments)."""
    with open(os.path.join(EDA, "rulebooks", name)) as handle:
        rulesets = yaml.safe_load(handle)
    for ruleset in rulesets:
        for source in ruleset["sources"]:
            args = source[next(key for key in source if key.startswith("mimecast.gateway."))]
            args["interval"] = 1
        for rule in ruleset["rules"]:
            rule["action"]["run_playbook"].update(action_args)
    path = os.path.join(str(folder), name)
    with open(path, "w") as handle:
        yaml.safe_dump(rulesets, handle, sort_keys=False)
    return path


RECORDING_PLAYBOOK = """---
- name: Record the event
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Write the held message to a file named by its id
      ansible.builtin.copy:
        content: "{{ ansible_eda.event.held_message | to_json }}"
        dest: "{{ record_dir }}/{{ ansible_eda.event.held_message.id }}.json"
        mode: "0600"
"""


def test_a_newly_held_message_runs_the_playbook_with_its_event(own_emulator, tmp_path):
    """held_messages with emit_existing false: only the message held after the start reaches the playbook."""
    records = tmp_path / "events"
    records.mkdir()
    (tmp_path / "playbook").mkdir()
    playbook = tmp_path / "playbook" / "record_event.yml"
    playbook.write_text(RECORDING_PLAYBOOK)
    rulebook = tmp_path / "held.yml"
    rulebook.write_text(yaml.safe_dump([{
        "name": "Record messages held for impersonation",
        "hosts": "all",
        "sources": [{"mimecast.gateway.held_messages": {"interval": 1, "emit_existing": False}}],
        "rules": [{
            "name": "Record it",
            "condition": 'event.held_message.reason_code == "impersonation"',
            "action": {"run_playbook": {"name": str(playbook), "extra_vars": {"record_dir": str(records)}}},
        }],
    }], sort_keys=False))
    already_held = [held for held in own_emulator.data()["held"] if held.get("reasonCode") == "impersonation"]
    assert already_held, "the emulator's data must hold impersonation messages that are not to be emitted"

    with Rulebook(str(rulebook), credential_env(own_emulator, "v2"), tmp_path) as run:
        wait_until_polling(run, own_emulator, HOLD_LIST)
        held_id = hold_new_message(own_emulator)
        recorded = run.wait_for("event file", lambda: sorted(os.listdir(str(records))))

    # Events come in order, so had the messages held before the start been emitted, their files would be here.
    assert recorded == [held_id + ".json"], run
    event = json.loads((records / recorded[0]).read_text())
    assert event["id"] == held_id
    assert event["reason_code"] == "impersonation"
    assert event["from"]["email_address"] == "ceo@contoso-payments.example"
    assert event["to"]["email_address"] == "payables@contoso.com"
    assert event["subject"] == "Urgent: wire transfer before noon"
    assert event["has_attachments"] is False
    assert event["date_received"].endswith("+0000")


@pytest.mark.parametrize("scheme", ["v2", "v1"])
def test_example_rulebook_rejects_what_is_newly_held_for_impersonation_and_leaks_no_secret(own_emulator, tmp_path, scheme):
    """extensions/eda/rulebooks/reject_impersonation.yml at debug verbosity, its playbook at -vvvv."""
    rulebook = example_rulebook("reject_impersonation.yml", tmp_path, verbosity=4)
    with Rulebook(rulebook, credential_env(own_emulator, scheme), tmp_path, verbosity=2) as run:
        wait_until_polling(run, own_emulator, HOLD_LIST)
        held_id = hold_new_message(own_emulator)
        run.wait_for("reject of the new message", own_emulator.actions)
        run.wait_for("report of the playbook", lambda: "REJECTED: impersonation" in run.output)

    actions = own_emulator.actions()
    assert [(action["action"], action["id"], action["reasonType"]) for action in actions] == [
        ("reject", held_id, "INAPPROPRIATE COMMUNICATION")], run
    assert ('REJECTED: impersonation from ceo@contoso-payments.example to payables@contoso.com, '
            'subject \\"Urgent: wire transfer before noon\\" [%s]' % held_id) in run.output, run

    output = run.output
    # What the sweep covers: ansible-rulebook's debug log and the playbook's -vvvv output.
    assert "DEBUG" in output and "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in output, run
    tokens = own_emulator._call("/_emulator/tokens")["tokens"]  # pylint: disable=protected-access
    assert bool(tokens) == (scheme == "v2")
    secrets = credential_secrets(credentials(scheme))
    secrets.update(run_secrets(own_emulator.requests(), tokens))
    assert_no_secret(output, secrets)


def test_example_rulebook_reports_a_processing_queue_backlog_once(own_emulator, tmp_path):
    """extensions/eda/rulebooks/processing_queue_backlog.yml: the emulator's queue is old enough to report on."""
    queued = own_emulator.data()["processing"]
    assert queued, "the emulator's processing queue must not be empty"
    rulebook = example_rulebook("processing_queue_backlog.yml", tmp_path)
    with Rulebook(rulebook, credential_env(own_emulator, "v2"), tmp_path) as run:
        run.wait_for("queue report", lambda: "PROCESSING QUEUE: %d messages" % len(queued) in run.output)
        # The source goes on reporting the backlog every second; the throttle lets one report through an hour.
        polls = len(answered(own_emulator, PROCESSING_LIST))
        run.wait_for("three more polls", lambda: len(answered(own_emulator, PROCESSING_LIST)) >= polls + 3)
    assert run.output.count("PROCESSING QUEUE:") == 1, run


# eda-server's rules for a credential type (src/aap_eda/core/utils/credentials.py: validate_schema and
# validate_injectors); EDA controller (AAP 2.5 and later) sets a rulebook activation's environment from
# injectors.env, so the AWX types in extensions/awx/ serve it as they are.
EDA_FIELD_TYPES = ("string", "boolean")
EDA_INJECTOR_KEYS = {"env", "extra_vars", "file"}


@pytest.mark.parametrize("scheme", sorted(TYPE_FILES))
def test_credential_types_pass_eda_controller_validation(scheme):
    credential_type = load_credential_type(scheme)
    inputs, injectors = credential_type["inputs"], credential_type["injectors"]
    ids = [field["id"] for field in inputs["fields"]]
    assert len(ids) == len(set(ids))
    for field in inputs["fields"]:
        assert isinstance(field["label"], str) and field["label"]
        assert field.get("type", "string") in EDA_FIELD_TYPES
        assert not field["id"].upper().startswith("EDA_")
        assert all(isinstance(choice, str) for choice in field.get("choices", []))
        assert isinstance(field.get("secret", False), bool)
        assert isinstance(field.get("default", ""), (str, bool))
    assert set(inputs["required"]) <= set(ids)
    assert set(injectors) <= EDA_INJECTOR_KEYS
    # Saving renders every template with StrictUndefined, each field "" or its default or first choice.
    context = dict((field["id"], field.get("default") or (field.get("choices") or [""])[0]) for field in inputs["fields"])
    for name, template in injectors["env"].items():
        assert name.startswith("MIMECAST_")
        NativeTemplate(template, undefined=jinja2.StrictUndefined).render(context)
