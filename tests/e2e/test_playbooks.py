# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ready-made playbooks in playbooks/ (held_report, track_message, queue_report, queue_watch) against the emulator.

compliance_check.yml has its own tests in test_compliance_reports.py and test_compliance_accounts.py. The emulator
is seeded with tests/emulator/datasets/compliance.json.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import threading
import time
import urllib.request

import pytest
import yaml

from compliance_playbook import seeded_data
from compliance_playbook import seeded  # noqa: F401 pylint: disable=unused-import
from harness import ROOT, scheme_env
from tests import module_registry

pytestmark = pytest.mark.e2e

PROCESSING = module_registry.MODULES["processing"].path
# The guide whose table lists the ready-made playbooks and their variables.
PLAYBOOKS_GUIDE = os.path.join(ROOT, "docs", "docsite", "rst", "guide_compliance.rst")

HELD_REPORT = "Print the held messages by reason code and route, and the oldest ones"
TRACKED = "Print the route and status of each message found"
QUEUE_REPORT = "Print the report"
WATCH = "Wait until the queue is down to at most this many messages, %s"

# Ansible's own output settings, whatever the environment running the tests sets: the default stdout callback
# with its default result format (json), as in a terminal and in AWX (whose callback is the default one's).
DEFAULT_OUTPUT = {"ANSIBLE_STDOUT_CALLBACK": "default", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json"}


def playbook(name):
    return os.path.join(ROOT, "playbooks", name)


def load(emulator, document):
    """Replace some of the emulator's collections (POST /_emulator/data)."""
    request = urllib.request.Request(emulator.base_url + "/_emulator/data", data=json.dumps(document).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read().decode())["ok"] is True


@pytest.fixture
def fresh_seeded(seeded):
    """The seeded emulator with a clean request log, and its data as seeded again afterwards."""
    seeded.reset()
    yield seeded
    load(seeded, seeded_data())
    seeded.reset()


def message(run, task):
    return run.results()[task]["msg"]


def report(run, task):
    """A report's lines: the debug message must be a list of one-line strings."""
    lines = message(run, task)
    assert isinstance(lines, list), "%s: %r is not a list of lines" % (task, lines)
    assert all(isinstance(line, str) and "\n" not in line for line in lines), lines
    return lines


def printed(run, task):
    """The text the default callback printed for the task's result, and the result it shows."""
    header = run.stdout.index("TASK [%s]" % task)
    start = run.stdout.index("ok: [localhost] => ", header) + len("ok: [localhost] => ")
    shown, end = json.JSONDecoder().raw_decode(run.stdout, start)
    return run.stdout[start:end], shown


def assert_one_line_per_item(run, task):
    """Under the default callback, each line of the report is a line of the output, with no escaped newline."""
    lines = report(run, task)
    text, shown = printed(run, task)
    assert shown["msg"] == lines
    body = text.splitlines()
    assert body[:2] == ["{", '    "msg": ['] and body[-2:] == ["    ]", "}"], text
    assert [json.loads(line.strip().rstrip(",")) for line in body[2:-2]] == lines, text
    assert "\\n" not in run.stdout, run


def header_variables(name):
    """The variables a playbook's header comment documents, with the default it names (or None)."""
    with open(playbook(name)) as handle:
        header = [line[1:].strip() for line in handle.read().split("\n- name:")[0].splitlines() if line.startswith("#")]
    documented = {}
    for line in header[header.index("Variables:") + 1:]:
        found = re.match(r"(\w+)\s+(.*)$", line)
        if found and found.group(1).startswith(name.split(".")[0]):
            default = re.search(r"\(default (-?\w+)", found.group(2))
            documented[found.group(1)] = default.group(1) if default else None
    return documented


def play_variables(name):
    with open(playbook(name)) as handle:
        return yaml.safe_load(handle)[0]["vars"]


def guide_row(name):
    """The guide's list-table row for the playbook: its cells, joined."""
    with open(PLAYBOOKS_GUIDE) as handle:
        rows = re.findall(r"^   \* - ``mimecast\.gateway\.%s``\n((?:     - .*\n)+)" % name, handle.read(), re.M)
    assert len(rows) == 1, rows
    return rows[0]


# ------------------------------------------------------------------ held_report.yml

def test_held_report_groups_by_reason_and_route_and_lists_the_oldest(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("held_report.yml"), env=scheme_env(fresh_seeded, "v2"), extra_vars={"held_report_oldest": 3})
    assert run.rc == 0, run
    lines = report(run, HELD_REPORT)
    # Routes in lower case, as the modules' summaries count them, whatever case the items carry.
    assert lines[:7] == [
        "HELD MESSAGES: 12",
        "  default_inbound_attachment_protect_definition: 3 (inbound 3)",
        "  impersonation: 2 (inbound 2)",
        "  malware: 1 (inbound 1)",
        "  policy: 1 (outbound 1)",
        "  spam: 5 (inbound 5)",
        "OLDEST 3:",
    ]
    oldest = [line.split("  ")[1:] for line in lines[7:]]
    assert [row[1:4] for row in oldest] == [
        ["impersonation", "inbound", "payroll@c0ntoso-payroll.com -> julia.larsen@contoso.com"],
        ["spam", "inbound", "promo@outlook.com -> emma.jensen@contoso.com"],
        ["default_inbound_attachment_protect_definition", "inbound", "ops@northwindtraders.com -> hana.tanaka@contoso.com"],
    ]
    assert [row[4] for row in oldest] == ["Payroll update needed", "Spring sale", "Shipping schedule.xlsm"]
    assert [request["body"]["data"][0] for request in fresh_seeded.api_requests()] == [{"admin": True}]


def test_held_report_passes_its_window_to_mimecast(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("held_report.yml"), env=scheme_env(fresh_seeded, "v2"), extra_vars={"held_report_since": "-6h"})
    assert run.rc == 0, run
    assert report(run, HELD_REPORT)[0] == "HELD MESSAGES: 8 since -6h"
    assert "start" in fresh_seeded.api_requests()[0]["body"]["data"][0]


def test_held_report_says_when_nothing_is_held(fresh_seeded, ansible_playbook):
    load(fresh_seeded, {"held": []})
    run = ansible_playbook(playbook("held_report.yml"), env=scheme_env(fresh_seeded, "v2"))
    assert run.rc == 0, run
    assert report(run, HELD_REPORT) == ["HELD MESSAGES: 0", "  nothing is held"]


# ------------------------------------------------------------------ track_message.yml

def test_track_message_by_id_prints_route_and_status(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("track_message.yml"), env=scheme_env(fresh_seeded, "v2"),
                           extra_vars={"track_message_id": "<invoice-2026-0412@fabrikam.com>"})
    assert run.rc == 0, run
    lines = report(run, TRACKED)
    assert lines[0] == "FOUND 1:"
    assert len(lines) == 2
    status, route, received, addresses, _subject = lines[1].split("  ")[1:]
    assert (status, route, addresses) == ("ARCHIVED", "inbound", "billing@fabrikam.com -> ana.silva@contoso.com")
    assert re.match(r"\d{4}-\d\d-\d\dT", received), received
    search = fresh_seeded.api_requests()[0]["body"]["data"][0]
    assert search == {"messageId": "<invoice-2026-0412@fabrikam.com>",
                      "searchReason": "Tracked with the mimecast.gateway.track_message playbook"}


def test_track_message_by_sender_and_recipient_lists_every_match(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("track_message.yml"), env=scheme_env(fresh_seeded, "v1"),
                           extra_vars={"track_message_sender": "canary@contoso.com", "track_message_recipient": "canary-inbox@fabrikam.com"})
    assert run.rc == 0, run
    lines = report(run, TRACKED)
    assert lines[0] == "FOUND 2:"
    rows = [line.split("  ")[1:] for line in lines[1:]]
    assert [row[0] for row in rows] == ["HELD", "DELIVERED"]
    assert [row[1] for row in rows] == ["outbound", "outbound"]
    assert [row[3] for row in rows] == ["canary@contoso.com -> canary-inbox@fabrikam.com"] * 2
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


# ------------------------------------------------------------------ queue_report.yml

def test_queue_report_reports_each_queue(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("queue_report.yml"), env=scheme_env(fresh_seeded, "v2"))
    assert run.rc == 0, run
    lines = report(run, QUEUE_REPORT)
    held = lines.index("HELD MESSAGES: 12")
    tracked = lines.index("TRACKED MESSAGES: 6")
    processing, oldest_held = lines[:held], lines[held:tracked]
    assert processing[0] == "PROCESSING QUEUE: 6 messages"
    assert re.match(r"  oldest: \d{4}-\d\d-\d\dT\S+ \(\d+\.\d h ago\)$", processing[1]), processing
    # by_route keys: lower case on every module now; the test does not depend on their case.
    assert processing[2].lower() == "  by route: inbound=1, internal=1, outbound=4"
    # One status a line, the most frequent first, each of Mimecast's free-text statuses cut to 100 characters.
    assert processing[3] == "  by status:" and processing[-1] == "  most attempts: 7"
    statuses = [re.match(r"    (\d+)  (.+)$", line).groups() for line in processing[4:-1]]
    by_info = run.results()["Read the processing queue"]["summary"]["by_info"]
    assert [(int(number), text) for number, text in statuses] == sorted(
        ((number, info if len(info) <= 100 else info[:97] + "...") for info, number in sorted(by_info.items())),
        key=lambda pair: -pair[0])
    assert sum(int(number) for number, _text in statuses) == 6
    assert re.match(r"  oldest: \d{4}-\d\d-\d\dT\S+ \(\d+\.\d h ago\)$", oldest_held[1]), oldest_held
    assert oldest_held[2].lower() == "  by route: inbound=11, outbound=1"
    assert oldest_held[4:] == ["  oldest 5:"] + oldest_held[5:] and len(oldest_held[5:]) == 5
    assert [line.split("  ")[3] for line in oldest_held[5:7]] == ["impersonation", "spam"]
    assert lines[tracked + 1].lower() == "  by route: inbound=2, internal=1, outbound=3"
    assert "None" not in "".join(lines)


def test_queue_report_says_when_a_queue_is_empty(fresh_seeded, ansible_playbook):
    load(fresh_seeded, {"processing": [], "held": [], "tracked": []})
    run = ansible_playbook(playbook("queue_report.yml"), env=scheme_env(fresh_seeded, "v2"), extra_vars={"queue_report_since": "-24h"})
    assert run.rc == 0, run
    assert report(run, QUEUE_REPORT) == [
        "PROCESSING QUEUE: 0 messages, the queue is empty",
        "HELD MESSAGES: 0, none held since -24h",
        "TRACKED MESSAGES: 0, none since -24h",
    ]
    assert "None" not in run.stdout and "0.0 h ago" not in run.stdout


def test_queue_report_variables_are_documented():
    variables = play_variables("queue_report.yml")
    documented = header_variables("queue_report.yml")
    assert sorted(documented) == sorted(variables)
    assert {name: str(value) for name, value in variables.items()} == documented
    row = guide_row("queue_report")
    assert all("``%s``" % name in row for name in variables), row


# ------------------------------------------------------------------ every report, under Ansible's default output

@pytest.mark.parametrize("name, task, variables", [
    ("held_report.yml", HELD_REPORT, {}),
    ("queue_report.yml", QUEUE_REPORT, {}),
    ("track_message.yml", TRACKED, {"track_message_sender": "canary@contoso.com"}),
], ids=["held_report", "queue_report", "track_message"])
def test_reports_read_as_lines_under_the_default_callback(fresh_seeded, ansible_playbook, name, task, variables):
    run = ansible_playbook(playbook(name), env=dict(scheme_env(fresh_seeded, "v2"), **DEFAULT_OUTPUT), extra_vars=variables)
    assert run.rc == 0, run
    assert len(report(run, task)) > 2
    assert_one_line_per_item(run, task)


# ------------------------------------------------------------------ queue_watch.yml

def looks(emulator):
    return [request for request in emulator.api_requests() if request["path"] == PROCESSING]


def test_queue_watch_returns_at_once_when_the_queue_is_short_enough(fresh_seeded, ansible_playbook):
    run = ansible_playbook(playbook("queue_watch.yml"), env=scheme_env(fresh_seeded, "v2"),
                           extra_vars={"queue_watch_max": 6, "queue_watch_delay": 1})
    assert run.rc == 0, run
    assert message(run, "Report the drained queue") == "The processing queue holds 6 messages (at most 6 wanted), after 1 look."
    assert [request["path"] for request in fresh_seeded.api_requests()] == [PROCESSING]


def test_queue_watch_waits_until_the_queue_drains(fresh_seeded, ansible_playbook):
    drained = threading.Event()

    def drain():
        # Empty the queue once the playbook has seen it full: its next look must find it empty.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if looks(fresh_seeded):
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
    seen = looks(fresh_seeded)
    assert len(seen) >= 2
    assert message(run, "Report the drained queue") == (
        "The processing queue holds 0 messages (at most 0 wanted), after %d looks." % len(seen))


@pytest.mark.parametrize("retries", [1, 3])
def test_queue_watch_gives_up_after_as_many_looks_as_documented(fresh_seeded, ansible_playbook, retries):
    """queue_watch_retries is how many times it looks, as the header and the guide say; then one failure."""
    run = ansible_playbook(playbook("queue_watch.yml"), env=dict(scheme_env(fresh_seeded, "v2"), **DEFAULT_OUTPUT),
                           extra_vars={"queue_watch_max": 2, "queue_watch_delay": 0, "queue_watch_retries": retries})
    assert run.rc == 2, run
    assert len(looks(fresh_seeded)) == retries
    oldest = run.results()[WATCH % 2]["summary"]["oldest"]
    expected = ("The processing queue still holds 6 messages (oldest since %s) after %d look%s 0 s apart; at most 2 wanted"
                % (oldest, retries, "" if retries == 1 else "s"))
    assert message(run, "Say why the wait failed") == expected
    # One failure, saying why: no "Unknown error", no dump of the module's result before it.
    assert run.stdout.count("FAILED!") == 1, run
    assert "Unknown error" not in run.output and '"by_info"' not in run.stdout, run
    assert expected in run.stdout.split("FAILED!")[1]


def test_queue_watch_stops_at_once_on_an_error(fresh_seeded, ansible_playbook):
    env = dict(scheme_env(fresh_seeded, "v2"), MIMECAST_CLIENT_SECRET="wrong-secret-4b1d", **DEFAULT_OUTPUT)
    run = ansible_playbook(playbook("queue_watch.yml"), env=env, extra_vars={"queue_watch_delay": 0, "queue_watch_retries": 5})
    assert run.rc == 2, run
    assert "client_id and client_secret" in message(run, "Say why the wait failed")
    assert [request["path"] for request in fresh_seeded.requests()] == ["/oauth/token"], "no retries on a refused secret"
    assert run.stdout.count("FAILED!") == 1, run


@pytest.mark.parametrize("variables", [{"queue_watch_retries": 0}, {"queue_watch_delay": -1}], ids=["retries", "delay"])
def test_queue_watch_refuses_settings_that_make_no_sense(fresh_seeded, ansible_playbook, variables):
    run = ansible_playbook(playbook("queue_watch.yml"), env=scheme_env(fresh_seeded, "v2"), extra_vars=variables)
    assert run.rc == 2, run
    assert "queue_watch_retries must be 1 or more" in message(run, "Check the variables")
    assert fresh_seeded.requests() == []


def test_queue_watch_defaults_fit_a_maintenance_window_and_are_documented():
    variables = play_variables("queue_watch.yml")
    # The last look comes (retries - 1) delays after the first: at most 10 minutes, and not a token wait either.
    waited = (int(variables["queue_watch_retries"]) - 1) * int(variables["queue_watch_delay"])
    assert 5 * 60 <= waited <= 10 * 60, variables
    documented = header_variables("queue_watch.yml")
    assert sorted(documented) == sorted(variables)
    for name in ("queue_watch_max", "queue_watch_retries", "queue_watch_delay"):
        assert documented[name] == str(variables[name]), (name, documented)
    row = guide_row("queue_watch")
    for name in ("queue_watch_retries", "queue_watch_delay"):
        assert "``%s`` times (default %s)" % (name, variables[name]) in row or \
            "``%s`` seconds (default %s)" % (name, variables[name]) in row, row
