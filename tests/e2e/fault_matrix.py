# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fault matrix's harness (test_faults.py): a scenario, the run it makes, what it left behind, and the two outcomes.

Each scenario ends in one of two outcomes and nothing else: ``complete`` (the exact result) or ``clear_error``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
import os
import re
import socket
import tempfile

import pytest

from harness import CREDENTIALS, start_emulator, stop_emulator
from playbook_factory import RUN_MODULE_FROM_FILE, run_task
from tests import module_registry
from tests.emulator.mimecast_emulator import ENDPOINTS


HOLD = module_registry.MODULES["hold"].path
PROCESSING = module_registry.MODULES["processing"].path
TRACK = module_registry.MODULES["track"].path
TOKEN = "/oauth/token"

# 230 held messages: enough for the silent clamp (500 asked, 100 served) to take three pages.
HELD = 230
# Time windows: a start before every generated message (the hold list's go back 7 days, the processing queue's
# 6.5), and the collection and date field the merged items are ordered by.
WINDOWS = dict(start="-8d", page_size=25)
DATES = {HOLD: ("held", "dateReceived"), PROCESSING: ("processing", "created")}
ATTEMPTS_OVER = re.compile(r"(\d+) attempts over (\d+\.\d) s")


def credentials(scheme, **overrides):
    """The emulator's credentials as module options (so -vvvv echoes them in ``invocation``)."""
    options = dict((name[len("MIMECAST_"):].lower(), value) for name, value in CREDENTIALS[scheme].items())
    options.update(overrides)
    return options


def at(path, *numbered):
    """Fault rules firing on exactly the given requests to ``path``: ``at(path, (2, rule), (5, rule))``.

    The emulator tries rules in order, and a rule only counts the requests no earlier rule answered, so
    the k-th rule (1-based), meant for the path's request number n, skips n - k of them.
    """
    rules = []
    for k, (number, rule) in enumerate(sorted(numbered, key=lambda pair: pair[0]), start=1):
        rules.append(dict(rule, path=path, count=1, after=number - k))
    return rules


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Scenario:
    """One row of the matrix: the emulator's faults and config, the module and its options, the check."""

    def __init__(self, name, check, faults=(), module="hold", args=None, scheme="v2", creds=None, config=None):
        self.name = name
        self.check = check
        self.faults = list(faults)
        self.module = module
        # A dict, or a function of the emulator's data (the ids of held messages to act on, say).
        self.args = args if callable(args) else dict(args or {})
        self.scheme = scheme
        self.creds = dict(creds or {})
        self.config = dict(config or {})

    def options(self, data):
        return self.args(data) if callable(self.args) else self.args

    @property
    def windowed(self):
        """A listing with a start, neither serial nor capped: the module fetches time windows (concurrency 4 by default)."""
        args = {} if callable(self.args) else self.args
        return (self.module in ("hold", "processing") and "start" in args and args.get("concurrency", 4) > 1
                and "max_results" not in args)

    def module_args(self, emulator, data):
        args = credentials(self.scheme, **self.creds)
        args.update(base_url=emulator.base_url)
        if module_registry.MODULES[self.module].read_only:  # only the modules that list take fields
            args.update(fields=["id"])
        args.update(self.options(data))
        if args["base_url"] == "closed-port":
            args["base_url"] = "http://127.0.0.1:%d" % unused_port()
        return args

    def __repr__(self):
        return self.name


class Record:
    """What one run left behind: the playbook run, the task result, the emulator's log and tokens."""

    def __init__(self, scenario, run, log, tokens, data, actions=()):
        module = module_registry.MODULES[scenario.module]
        # The path it pages through (or acts with first), and the key of the items in its result.
        self.path, self.items_key = module.path, module.fact
        self.scenario = scenario
        self.run = run
        self.result = run.results().get(run_task(module.key), {})
        self.log = log
        self.tokens = tokens
        self.data = data
        self.actions = list(actions)  # the releases and rejects the emulator applied

    @property
    def api(self):
        return [entry for entry in self.log if entry["path"] == self.path]

    @property
    def token_requests(self):
        return [entry for entry in self.log if entry["path"] == TOKEN]

    def statuses(self, entries=None):
        return [entry["status"] for entry in (self.api if entries is None else entries)]

    @property
    def windows(self):
        """The distinct queries (data[0]) the module asked, the whole range's first."""
        seen = []
        for entry in self.api:
            if entry["body"]["data"] not in seen:
                seen.append(entry["body"]["data"])
        return seen

    def merged(self, ids):
        """``ids`` in the windows' merged order: by the date field, then by id, newest first."""
        collection, field = DATES[self.path]
        times = dict((record["id"], record[field]) for record in self.data[collection])
        return sorted(ids, key=lambda identifier: (times[identifier], identifier), reverse=True)

    def asked_again(self, entry):
        """The later requests that asked what ``entry`` asked: the same query and page."""
        later = self.api[self.api.index(entry) + 1:]
        return [other for other in later if other["body"] == entry["body"]]

    def expected_ids(self):
        """The emulator's own answer to the query the module sent (data[0] of its first request), in order."""
        first = self.api[0]
        validate, search, _wrap = ENDPOINTS[self.path]
        return [record["id"] for record in search(self.data, validate(first["body"]["data"][0], first["time"]))]


def run_scenario(emulator, ansible_playbook, scenario):
    emulator.reset()
    try:
        if scenario.config:
            emulator.configure(**scenario.config)
        if scenario.faults:
            emulator.faults(*scenario.faults)
        data = emulator.data()
        run = run_with_args_file(ansible_playbook, scenario.module, scenario.module_args(emulator, data), verbosity=4)
        tokens = emulator._call("/_emulator/tokens")["tokens"]  # pylint: disable=protected-access
        return Record(scenario, run, emulator.requests(), tokens, data, emulator.actions())
    finally:
        # A module that changes state changed the data: the next scenario starts from the same records as the first.
        emulator._call("/_emulator/reset", {} if module_registry.MODULES[scenario.module].read_only else {"reseed": 1})  # pylint: disable=protected-access


def run_with_args_file(ansible_playbook, module, module_args, **kwargs):
    """Run one module with its options in a vars file, as vault variables would be, never on the command line."""
    handle, path = tempfile.mkstemp(prefix="module-args-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as args_file:
            json.dump(dict(module=module, module_args=module_args), args_file)
        return ansible_playbook(RUN_MODULE_FROM_FILE, extra_vars=dict(args_file=path), **kwargs)
    finally:
        os.unlink(path)


_RECORDS = {}


def matrix_record(request, scenario):
    """The run of one scenario, made on first use and shared with test_secrets.py."""
    if scenario.name not in _RECORDS:
        _RECORDS[scenario.name] = run_scenario(
            request.getfixturevalue("fault_emulator"), request.getfixturevalue("ansible_playbook"), scenario)
    return _RECORDS[scenario.name]


@pytest.fixture(scope="session")
def fault_emulator():
    running = start_emulator("--held", str(HELD))
    yield running
    stop_emulator(running)


# -- what the outcomes must look like -------------------------------------------------------------


def complete(record):
    """The whole result, exact and in order; each page asked with the same query, or each failed attempt of a
    window asked again, the same window and page."""
    assert record.run.rc == 0, record.run
    ids = [item["id"] for item in record.result[record.items_key]]
    expected = record.expected_ids()
    assert len(expected) > 1 and len([s for s in record.statuses() if s == 200]) > 1, "the query must span pages"
    assert record.result["count"] == len(expected)
    assert record.result["truncated"] is False
    if not record.scenario.windowed:
        assert ids == expected
        assert len(record.windows) == 1, "every page and every retry asks the same query"
        return
    assert len(record.windows) > 2, "the query was cut into windows"
    # The emulator's answer to the whole query (no id twice in it), in the merged order: none lost, none repeated.
    assert ids == record.merged(expected)
    for entry in record.api:
        if entry["status"] != 200 or entry["fault"] == "fail":
            last = (record.asked_again(entry) or [entry])[-1]
            assert (last["status"], last["fault"]) == (200, None), "a failed attempt asked again until answered"


def clear_error(record, error_type, *words):
    """A failure: the error type, the words that explain it, no partial result, no traceback."""
    result = record.result
    assert record.run.rc != 0, record.run
    assert result["_status"] == "failed"
    assert result["error_type"] == error_type, result
    for word in words:
        assert word in result["msg"], result["msg"]
    assert record.items_key not in result
    assert "Traceback" not in record.run.output
    return result


def window_error(record, error_type, status, *words):
    """A clear error about one window's request: its HTTP status and request id, the request not sent again."""
    result = clear_error(record, error_type, *words)
    assert record.scenario.windowed and len(record.windows) >= 2, "the query was cut into windows"
    assert result["http_status"] == status
    assert result["request_id"] and result["request_id"] in result["msg"]
    [faulted] = [entry for entry in record.api if entry["fault"]]
    assert faulted["body"]["data"] != record.api[0]["body"]["data"], "the fault landed in a window"
    if record.scenario.scheme == "v1":  # the x-mc-req-id the client signed with: the very request that failed
        assert result["request_id"] == faulted["headers"]["x-mc-req-id"]
    return result, faulted


def waits_after(record, status, entries=None):
    """(gap to the next request, the answer's entry) for every answer with ``status``."""
    entries = record.api if entries is None else entries
    return [(entries[i + 1]["time"] - entry["time"], entry) for i, entry in enumerate(entries[:-1]) if entry["status"] == status]


def pagination(entry):
    return entry["body"]["meta"]["pagination"]


# -- faults the scenarios inject ------------------------------------------------------------------


def rate_limit(reset_ms):
    return dict(kind="rate_limit", reset_ms=reset_ms)


def status(code, html=True):
    return dict(kind="status", status=code, html=html)


DROP = dict(kind="drop")
APPLIED_THEN_DROPPED = dict(kind="drop", apply=True)
RELEASE = module_registry.MODULES["held"].paths[0]
REJECT = module_registry.MODULES["held"].paths[1]
RETRYABLE_FAIL = dict(kind="fail", code="err_internal_busy", message="try again", retryable=True)
WRONG_SECRET_KEY = base64.b64encode(b"not-the-emulator-secret-key").decode("ascii")
