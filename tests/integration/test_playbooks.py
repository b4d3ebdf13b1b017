# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ready-made playbooks in playbooks/ (held_report, track_message, queue_watch) against the emulator.

compliance_check.yml has its own tests in test_compliance.py. The emulator is seeded with
tests/emulator/datasets/compliance.json.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import threading
import time
import urllib.request

import pytest

from harness import ROOT, scheme_env, start_emulator, stop_emulator
from tests import module_registry

pytestmark = pytest.mark.integration

DATASET = os.path.join(ROOT, "tests", "emulator", "datasets", "compliance.json")
PROCESSING = module_registry.MODULES["processing"].path


def playbook(name):
    return os.path.join(ROOT, "playbooks", name)


def load(emulator, document):
    """Replace some of the emulator's collections (POST /_emulator/data)."""
    request = urllib.request.Request(emulator.base_url + "/_emulator/data", data=json.dumps(document).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read().decode())["ok"] is True


def seeded_data():
    with open(DATASET) as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def seeded():
    running = start_emulator("--dataset", DATASET)
    yield running
    stop_emulator(running)


@pytest.fixture
def fresh_seeded(seeded):
    """The seeded emulator with a clean request log, and its data as seeded again afterwards."""
    seeded.reset()
    yield seeded
    load(seeded, seeded_data())
    seeded.reset()


def message(run, task):
    return run.results()[task]["msg"]


# ------------------------------------------------------------------ held_report.yml

def test_held_report_groups_by_reason_and_route_and_lists_the_oldest(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("held_report.yml"), env=scheme_env(fresh_seeded, "v2"), extra_vars={"held_report_oldest": 3})
    assert run.rc == 0, run
    lines = message(run, "Print the held messages by reason code and route, and the oldest ones").splitlines()
    assert lines[:7] == [
        "HELD MESSAGES: 12",
        "  default_inbound_attachment_protect_definition: 3 (INBOUND 3)",
        "  impersonation: 2 (INBOUND 2)",
        "  malware: 1 (INBOUND 1)",
        "  policy: 1 (OUTBOUND 1)",
        "  spam: 5 (INBOUND 5)",
        "OLDEST 3:",
    ]
    oldest = [line.split("  ")[1:] for line in lines[7:]]
    assert [row[1:4] for row in oldest] == [
        ["impersonation", "INBOUND", "payroll@c0ntoso-payroll.com -> julia.larsen@contoso.com"],
        ["spam", "INBOUND", "promo@outlook.com -> emma.jensen@contoso.com"],
        ["default_inbound_attachment_protect_definition", "INBOUND", "ops@northwindtraders.com -> hana.tanaka@contoso.com"],
    ]
    assert [request["body"]["data"][0] for request in fresh_seeded.api_requests()] == [{"admin": True}]


def test_held_report_passes_its_window_to_mimecast(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("held_report.yml"), env=scheme_env(fresh_seeded, "v2"), extra_vars={"held_report_since": "-6h"})
    assert run.rc == 0, run
    assert message(run, "Print the held messages by reason code and route, and the oldest ones").startswith("HELD MESSAGES: 8 since -6h")
    assert "start" in fresh_seeded.api_requests()[0]["body"]["data"][0]


# ------------------------------------------------------------------ track_message.yml

def test_track_message_by_id_prints_route_and_status(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("track_message.yml"), env=scheme_env(fresh_seeded, "v2"),
                           extra_vars={"track_message_id": "<invoice-2026-0412@fabrikam.com>"})
    assert run.rc == 0, run
    lines = message(run, "Print the route and status of each message found").splitlines()
    assert lines[0] == "FOUND 1:"
    assert lines[1].split()[:3] == ["ARCHIVED", "route", "inbound"]
    assert lines[2].strip() == "from billing@fabrikam.com to ana.silva@contoso.com"
    search = fresh_seeded.api_requests()[0]["body"]["data"][0]
    assert search == {"messageId": "<invoice-2026-0412@fabrikam.com>",
                      "searchReason": "Tracked with the mimecast.gateway.track_message playbook"}


def test_track_message_by_sender_and_recipient_lists_every_match(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("track_message.yml"), env=scheme_env(fresh_seeded, "v1"),
                           extra_vars={"track_message_sender": "canary@contoso.com", "track_message_recipient": "canary-inbox@fabrikam.com"})
    assert run.rc == 0, run
    lines = message(run, "Print the route and status of each message found").splitlines()
    assert lines[0] == "FOUND 2:"
    assert [line.split()[0] for line in lines[1:] if not line.startswith("    ")] == ["HELD", "DELIVERED"]
    assert all("route outbound" in line for line in lines[1::3])
    assert fresh_seeded.api_requests()[0]["body"]["data"][0]["advancedTrackAndTraceOptions"] == {
        "from": "canary@contoso.com", "to": "canary-inbox@fabrikam.com"}


def test_track_message_says_when_nothing_matches(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("track_message.yml"), env=scheme_env(fresh_seeded, "v2"),
                           extra_vars={"track_message_id": "<never-sent@example.net>"})
    assert run.rc == 0, run
    assert message(run, "Say that nothing was found") == "No message found."
    assert run.results()["Print the route and status of each message found"]["_status"] == "skipped"


@pytest.mark.parametrize("variables", [{}, {"track_message_id": "<a@b>", "track_message_sender": "x@y"}], ids=["nothing", "both"])
def test_track_message_needs_an_id_or_a_search_but_not_both(fresh_seeded, ansible_playbook, variables):
    run = ansible_playbook(playbook("track_message.yml"), env=scheme_env(fresh_seeded, "v2"), extra_vars=variables)
    assert run.rc == 2, run
    assert "Give track_message_id, or any of track_message_sender" in message(run, "Check that a message id or a search was given, not both")
    assert fresh_seeded.requests() == []


# ------------------------------------------------------------------ queue_watch.yml

def test_queue_watch_returns_at_once_when_the_queue_is_short_enough(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("queue_watch.yml"), env=scheme_env(fresh_seeded, "v2"),
                           extra_vars={"queue_watch_max": 6, "queue_watch_delay": 1})
    assert run.rc == 0, run
    assert message(run, "Report the drained queue") == "The processing queue holds 6 messages (at most 6 wanted), after 1 look(s)."
    assert [request["path"] for request in fresh_seeded.api_requests()] == [PROCESSING]


def test_queue_watch_waits_until_the_queue_drains(fresh_seeded, ansible_playbook):
    drained = threading.Event()

    def drain():
        # Empty the queue once the playbook has seen it full: its next look must find it empty.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if any(request["path"] == PROCESSING for request in fresh_seeded.api_requests()):
                load(fresh_seeded, {"processing": []})
                drained.set()
                return
            time.sleep(0.1)

    helper = threading.Thread(target=drain, daemon=True)
    helper.start()
    run = ansible_playbook(playbook("queue_watch.yml"), env=scheme_env(fresh_seeded, "v2"),
                           extra_vars={"queue_watch_max": 0, "queue_watch_delay": 1, "queue_watch_retries": 60})
    helper.join(timeout=10)
    assert drained.is_set()
    assert run.rc == 0, run
    looks = [request for request in fresh_seeded.api_requests() if request["path"] == PROCESSING]
    assert len(looks) >= 2
    assert message(run, "Report the drained queue").startswith("The processing queue holds 0 messages (at most 0 wanted), after %d look(s)"
                                                               % len(looks))


def test_queue_watch_gives_up_saying_how_many_are_left(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("queue_watch.yml"), env=scheme_env(fresh_seeded, "v2"),
                           extra_vars={"queue_watch_max": 2, "queue_watch_delay": 0, "queue_watch_retries": 2})
    assert run.rc == 2, run
    looks = [request for request in fresh_seeded.api_requests() if request["path"] == PROCESSING]
    assert message(run, "Say why the wait failed") == (
        "The processing queue still holds 6 messages (oldest since %s) after %d looks 0 s apart; at most 2 wanted"
        % (run.results()["Wait until the queue is down to at most this many messages, 2"]["summary"]["oldest"], len(looks)))


def test_queue_watch_stops_at_once_on_an_error(fresh_seeded, ansible_playbook):
    env = dict(scheme_env(fresh_seeded, "v2"), MIMECAST_CLIENT_SECRET="wrong-secret-4b1d")
    run = ansible_playbook(playbook("queue_watch.yml"), env=env, extra_vars={"queue_watch_delay": 0, "queue_watch_retries": 5})
    assert run.rc == 2, run
    assert "client_id and client_secret" in message(run, "Say why the wait failed")
    assert [request["path"] for request in fresh_seeded.requests()] == ["/oauth/token"], "no retries on a refused secret"
