# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Time windows fetched at once lose and repeat nothing at their edges (issue 11), through real ansible-playbook runs.

With ``start``, mimecast_hold_info and mimecast_processing_info cut the query into time windows fetched at once,
neighbours overlapping by one second, duplicates dropped by id (plugins/module_utils/_windows.py). Mimecast does not
document whether ``start`` and ``end`` include their own second, so the emulator answers either way
(``--window-edges inclusive|exclusive``); here one emulator of each kind holds the same messages:

- one on every second from two before ``start`` to two after ``end``, so that every second a window can be cut at,
  and every second two windows share, holds a message;
- clusters on ``start``, ``end`` and the seconds next to them, and on the seconds the processing queue is first cut
  at (it has no ``totalCount``, so it is cut into two windows a worker, whatever it holds);
- a spike of held messages in one second, so that the window holding it is cut again.

Within a second the emulator keeps the records in an order that is not their ids', so the merged order (time, then
id) is the client's doing. Every module run goes into one playbook run (field_shapes.yml loops over them, each run
naming its emulator); each run's requests are told apart in its emulator's log by the token it fetches first.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import random
import time

import pytest

from harness import scheme_env, start_emulator, stop_emulator
from playbook_factory import FIELD_SHAPES, run_task
from tests import module_registry
from tests.emulator import dataset
from tests.emulator.mimecast_emulator import ENDPOINTS

from ansible_collections.mimecast.gateway.plugins.module_utils._windows import Window

# One worker for the whole file, so that its emulators and its one playbook run are made once.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("test_window_edges")]

KEYS = ("hold", "processing")
EDGES = ("inclusive", "exclusive")
CONCURRENCY = (1, 2, 4, 8)
SPAN = 120        # seconds from start to end
PAGE_SIZE = 10    # small, so that the range takes pages enough to be cut into windows
CLUSTER = 5       # messages on a cluster's second
SPIKE = 60        # held messages on one second: the window holding it has over six pages, and is cut again
MAX_RESULTS = 25
TOKEN = "/oauth/token"
# The record's date key (what the emulator's windows filter on) and the item's.
DATE_KEY = {"hold": ("dateReceived", "date_received"), "processing": ("created", "created")}
COLLECTION = {"hold": "held", "processing": "processing"}
ROUTES = {"hold": ("INBOUND", "OUTBOUND", "INTERNAL"), "processing": ("inbound", "outbound", "internal", "external")}


class Dataset:
    """The messages both emulators hold, by module key, and each id's second."""

    def __init__(self, base):
        self.start, self.end = base, base + SPAN
        self.clusters = set(range(self.start - 1, self.start + 2)) | set(range(self.end - 1, self.end + 2))
        for workers in CONCURRENCY[1:]:
            for window in Window(self.start, self.end).split(2 * workers):
                self.clusters.update((window.start, window.end))
        self.spike = self.start + 37
        rng = random.Random(11)
        self.records = {}
        for key in KEYS:
            counts = dict((second, CLUSTER if second in self.clusters else 1) for second in range(self.start - 2, self.end + 3))
            if key == "hold":
                counts[self.spike] = SPIKE
            records = [self.record(key, second, suffix, rng)
                       for second, count in counts.items() for suffix in rng.sample(range(100000), count)]
            rng.shuffle(records)  # the emulator sorts by time alone: within a second, this order, not the ids'
            self.records[key] = records
        self.times = dict((key, dict((r["id"], dataset.parse_api_time(r[DATE_KEY[key][0]])) for r in records))
                          for key, records in self.records.items())

    @staticmethod
    def record(key, second, suffix, rng):
        """A message of ``second``; its id names the second, and a suffix drawn at random, none twice in a second."""
        record = {"id": "%s-%d-%05d" % (key, second, suffix), DATE_KEY[key][0]: dataset.format_time(second), "subject": "edge"}
        if key == "hold":
            record.update(route=rng.choice(ROUTES[key]), reasonCode=rng.choice(("spam", "policy", "malware")))
        else:
            record.update(routing=rng.choice(ROUTES[key]), info=rng.choice(("queued", "greylisted")), attempts=rng.randint(1, 9))
        return record

    def expected(self, key, edges, bounded):
        """The ids in the query's range, worked out here from the records and the edge setting."""
        def inside(moment):
            if edges == "inclusive":
                return moment >= self.start and (not bounded or moment <= self.end)
            return moment > self.start and (not bounded or moment < self.end)
        return set(identifier for identifier, moment in self.times[key].items() if inside(moment))

    def merged_order(self, run, descending=True):
        """The run's ids sorted as documented: by time, then by id, both newest (greatest) first unless ascending."""
        times = self.times[run.key]
        return sorted(run.ids, key=lambda identifier: (times[identifier], identifier), reverse=descending)


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


class Run:
    """One module run: its name, module key, edge setting and options; once run, its result and its requests."""

    def __init__(self, name, key, edges, **args):
        self.name, self.key, self.edges, self.args = name, key, edges, args
        self.result = {}
        self.log = []

    def __repr__(self):
        return self.name

    @property
    def items(self):
        return self.result[module_registry.MODULES[self.key].fact]

    @property
    def ids(self):
        return [item["id"] for item in self.items]

    @property
    def windows(self):
        """The distinct (start, end) of the run's API requests, in the order first asked."""
        seen = []
        for entry in self.log:
            item = entry["body"]["data"][0] if entry["path"] != TOKEN else None
            if item and (item.get("start"), item.get("end")) not in seen:
                seen.append((item.get("start"), item.get("end")))
        return seen


def name(edges, key, query, workers):
    return "%s-%s-%s-%s" % (edges, key, query, workers)


def plan(data):
    """Every run: on each emulator, each module's query from start to end at every concurrency, from start alone
    serially and at the default concurrency, and the processing queue ascending; on the inclusive one, summary_only
    and max_results, serially and at once. Items carry their id and date only."""
    bounded, open_ended = dict(start=iso(data.start), end=iso(data.end)), dict(start=iso(data.start))
    runs = []
    for edges in EDGES:
        for key in KEYS:
            fields = ["id", DATE_KEY[key][1]]
            runs += [Run(name(edges, key, "bounded", workers), key, edges, concurrency=workers, fields=fields, **bounded)
                     for workers in CONCURRENCY]
            runs += [Run(name(edges, key, "open", 1), key, edges, concurrency=1, fields=fields, **open_ended),
                     Run(name(edges, key, "open", "default"), key, edges, fields=fields, **open_ended)]
        runs.append(Run(name(edges, "processing", "ascending", 8), "processing", edges, concurrency=8,
                        sort_order="ascending", fields=["id", "created"], **bounded))
    for key in KEYS:
        for option, value in (("summary_only", True), ("max_results", MAX_RESULTS)):
            runs += [Run(name("inclusive", key, option, workers), key, "inclusive", concurrency=workers,
                         **dict(bounded, **{option: value})) for workers in (1, 4)]
    return collections.OrderedDict((run.name, run) for run in runs)


@pytest.fixture(scope="module")
def edge_runs(ansible_playbook):
    """(the data, every run of the plan by name, each emulator's data by edge setting), all run in one playbook."""
    data = Dataset(int(time.time()) // 60 * 60 - 300)
    emulators = dict((edges, start_emulator("--held", "0", "--processing", "0", "--tracked", "0", "--window-edges", edges))
                     for edges in EDGES)
    try:
        for running in emulators.values():
            running._call("/_emulator/data", dict((COLLECTION[key], records) for key, records in data.records.items()))  # pylint: disable=protected-access
        runs = plan(data)
        specs = [dict(id=run.name, module=run.key, args=dict(run.args, base_url=emulators[run.edges].base_url, page_size=PAGE_SIZE))
                 for run in runs.values()]
        played = ansible_playbook(FIELD_SHAPES, env=scheme_env(emulators["inclusive"], "v2"), extra_vars=dict(runs=specs))
        assert played.rc == 0, played
        assert "Traceback" not in played.output
        for key in KEYS:
            for result in played.results()[run_task(key)]["results"]:
                runs[result["item"]["id"]].result = result
        for edges, running in emulators.items():
            # field_shapes.yml runs the hold list's runs first, then the processing queue's, each in the plan's order.
            attribute_requests(running, [run for key in KEYS for run in runs.values() if (run.key, run.edges) == (key, edges)])
        yield data, runs, dict((edges, running.data()) for edges, running in emulators.items())
    finally:
        for running in emulators.values():
            stop_emulator(running)


def attribute_requests(emulator, runs):
    """Give each run (in the order they ran) its requests: each module run starts by fetching a token."""
    segments = []
    for entry in emulator.requests():
        if entry["path"] == TOKEN:
            segments.append([])
        segments[-1].append(entry)
    assert len(segments) == len(runs), "one token fetched per module run"
    for run, segment in zip(runs, segments):
        run.log = segment


def emulator_answer(emulator_data, run):
    """The ids of the emulator's own answer to the whole query (the run's first request), under the run's edges."""
    first = run.log[1]
    validate, search, _wrap = ENDPOINTS[first["path"]]
    query = validate(first["body"]["data"][0], first["time"])
    query["edges"] = run.edges
    return [record["id"] for record in search(emulator_data, query)]


def complete(run):
    """The run's ids: none twice, as many as ``count``, nothing truncated."""
    assert not run.result.get("failed") and module_registry.MODULES[run.key].fact in run.result, run.result
    ids = run.ids
    repeated = sorted(identifier for identifier, times in collections.Counter(ids).items() if times > 1)
    assert repeated == [], "%s repeats %s" % (run, repeated)
    assert run.result["count"] == len(ids) == run.result["summary"]["total"], run
    assert run.result["truncated"] is False, run
    return ids


def lasting(result):
    """A result's facts that do not depend on the moment it was made: all but the run's own and the summary's age."""
    facts = dict((key, value) for key, value in result.items() if key not in ("item", "invocation", "ansible_loop_var", "_ansible_item_label"))
    facts["summary"] = dict((key, value) for key, value in facts["summary"].items() if key != "oldest_age_seconds")
    return facts


def windowed(data, run, bounded):
    """The premise of a concurrent run: it fetched windows, from and to seconds holding messages when bounded."""
    windows = run.windows
    assert len(windows) > 2, "%s fetched no windows: %s" % (run, windows)
    if bounded:
        edges = set(dataset.parse_api_time(edge) for window in windows for edge in window)
        assert edges <= set(data.times[run.key].values()), "%s: a window edge on a second with no message" % run
        assert edges & data.clusters - {data.start, data.end}, "%s: no window edge on a cluster" % run
    return windows


@pytest.mark.parametrize("query", ["bounded", "open"])
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("edges", EDGES)
def test_windows_lose_and_repeat_nothing_at_their_edges(edge_runs, edges, key, query):
    data, runs, emulator_data = edge_runs
    serial = runs[name(edges, key, query, 1)]
    expected = data.expected(key, edges, query == "bounded")
    assert expected < set(data.times[key]) and len(expected) > 10 * PAGE_SIZE, "the edge setting leaves messages out"
    assert len(serial.windows) == 1, "concurrency 1 pages one query"
    assert complete(serial) == emulator_answer(emulator_data[edges], serial), "serially, the emulator's answer in its order"
    assert set(serial.ids) == expected
    for workers in CONCURRENCY[1:] if query == "bounded" else ["default"]:
        run = runs[name(edges, key, query, workers)]
        ids = complete(run)
        windowed(data, run, query == "bounded")
        assert set(ids) == set(serial.ids) == set(emulator_answer(emulator_data[edges], run)), run
        assert lasting(run.result)["summary"] == lasting(serial.result)["summary"], run
        assert [sorted(item) for item in run.items] == [sorted(["id", DATE_KEY[key][1]])] * len(ids), "only the fields asked"


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("edges", EDGES)
def test_windows_merge_by_time_then_id_newest_first(edge_runs, edges, key):
    data, runs, _emulator_data = edge_runs
    serial = runs[name(edges, key, "bounded", 1)]
    assert serial.ids != data.merged_order(serial), "within a second, the emulator's order is not the ids'"
    for run in [runs[name(edges, key, "bounded", workers)] for workers in CONCURRENCY[1:]] + [runs[name(edges, key, "open", "default")]]:
        assert run.ids == data.merged_order(run), run
        assert [item[DATE_KEY[key][1]] for item in run.items] == [dataset.format_time(data.times[key][i]) for i in run.ids]


@pytest.mark.parametrize("edges", EDGES)
def test_the_processing_queue_ascending_merges_oldest_first(edge_runs, edges):
    data, runs, _emulator_data = edge_runs
    run = runs[name(edges, "processing", "ascending", 8)]
    ids = complete(run)
    windowed(data, run, bounded=True)
    assert run.log[1]["body"]["data"][0]["sortOrder"] == "ascending"
    assert set(ids) == set(runs[name(edges, "processing", "bounded", 1)].ids)
    assert ids == data.merged_order(run, descending=False), "oldest first, and within a second by id ascending"


@pytest.mark.parametrize("key", KEYS)
def test_summary_only_and_max_results_as_serially(edge_runs, key):
    """summary_only: the same facts (no items, the same summary); max_results stays serial: the very same items."""
    data, runs, _emulator_data = edge_runs
    serial, at_once = runs[name("inclusive", key, "summary_only", 1)], runs[name("inclusive", key, "summary_only", 4)]
    windowed(data, at_once, bounded=True)
    assert lasting(at_once.result) == lasting(serial.result)
    assert serial.items == [] and serial.result["count"] == len(runs[name("inclusive", key, "bounded", 1)].ids)
    assert lasting(serial.result)["summary"] == lasting(runs[name("inclusive", key, "bounded", 1)].result)["summary"]
    serial, at_once = runs[name("inclusive", key, "max_results", 1)], runs[name("inclusive", key, "max_results", 4)]
    assert len(at_once.windows) == 1 and len(at_once.log) == 1 + 3, "max_results keeps the query serial: 3 pages of 10"
    assert lasting(at_once.result) == lasting(serial.result)
    assert len(serial.ids) == MAX_RESULTS and serial.result["truncated"] is True
    assert serial.ids == runs[name("inclusive", key, "bounded", 1)].ids[:MAX_RESULTS]
    assert sorted(serial.items[0]) == sorted(at_once.items[0]) and len(serial.items[0]) > 2, "every field"
