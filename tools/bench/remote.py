# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The remote scenario of the benchmark (issue 11): a query with a start, fetched in time windows at once.

The emulator adds a round trip to every call (250 ms by default) and serves at most 100 items a page, as a
distant Mimecast does. Its held messages are spread over the last seven days, and every query starts at the
earliest of them, so that the start covers the whole queue. For each queue size, in one run:

- the serial floor: every page of that query (page size 100) over one kept-alive ``requests.Session``;
- ``mimecast_hold_info`` with the same start, ``fields: [id]`` and ``page_size: 100``, under ansible-playbook,
  at each concurrency (1 = serial paging);
- the module's own code alone, at each concurrency over 1: ``hold_list.read`` over a ``MimecastClient``, in this
  process, as the module runs it once Ansible has started it. Task minus client alone is what Ansible adds.

The emulator's counters (``/_emulator/stats``) are reset before each of them and read after it: how many TCP
connections and calls it took. The module's ids must be exactly the floor's: the same set, none twice.
Target: at concurrency 4, the task takes at most 0.35 x the floor, returns the same ids, and opens at most
8 connections.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import contextlib
import functools
import json
import statistics
import time

from tools.bench import fetch
from tests.emulator import with_emulator
from ansible_collections.mimecast.gateway.plugins.module_utils.client import MimecastClient
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.mimecast.gateway.plugins.module_utils.queries import hold_list

SIZES = (4000, 20000)
QUICK_SIZES = (1000,)
CONCURRENCY = (1, 2, 4, 8)
LATENCY_MS = 250
PAGE_SIZE = 100  # the live service's page cap, and the emulator's here
# The target, at this concurrency: task seconds / floor seconds, and connections opened.
TARGET_CONCURRENCY = 4
TARGET_RATIO = 0.35
TARGET_CONNECTIONS = 8


class RemoteError(Exception):
    """The remote scenario could not measure what it should (a wrong floor, missing runs)."""


def add_arguments(parser):
    group = parser.add_argument_group("remote scenario (issue 11)")
    group.add_argument("--remote-sizes", help="comma-separated held-message counts (default %s; --quick: %s)"
                       % (",".join(map(str, SIZES)), ",".join(map(str, QUICK_SIZES))))
    group.add_argument("--remote-concurrency", default=",".join(map(str, CONCURRENCY)),
                       help="comma-separated concurrency values of the module (default %(default)s)")
    group.add_argument("--remote-latency-ms", type=int, default=LATENCY_MS,
                       help="latency the emulator adds to every call (default %(default)s)")
    group.add_argument("--remote-rounds", type=int, default=1, help="repetitions whose median is reported (default 1)")


def check_arguments(parser, args):
    sizes = args.remote_sizes.split(",") if args.remote_sizes else (QUICK_SIZES if args.quick else SIZES)
    args.remote_sizes = sorted(int(size) for size in sizes)
    args.remote_concurrency = [int(value) for value in args.remote_concurrency.split(",")]
    if not all(1 <= value <= 8 for value in args.remote_concurrency):
        parser.error("--remote-concurrency values must be from 1 to 8")


def _epoch(text):
    return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))


class Remote:
    """The remote scenario, run with a run_bench.Bench (its TLS files, credentials and playbook runner)."""

    def __init__(self, bench, args):
        self.bench = bench
        self.args = args

    @contextlib.contextmanager
    def emulator(self, held):
        bench = self.bench
        process, bench.base_url = with_emulator.start_emulator([
            "--quiet", "--held", str(held), "--processing", "0", "--tracked", "0",
            "--max-page-size", str(PAGE_SIZE), "--latency-ms", str(self.args.remote_latency_ms),
            "--tls-cert", bench.cert, "--tls-key", bench.key])
        try:
            yield bench.base_url
        finally:
            with_emulator.stop_emulator(process)
            bench.base_url = None

    def control(self, method, name):
        response = fetch.requests.request(method, self.bench.base_url + "/_emulator/" + name, verify=self.bench.ca_path)
        response.raise_for_status()
        return response.json()

    def earliest(self, held):
        """The earliest dateReceived of the generated queue, in whole seconds: the start that covers it all."""
        records = self.control("GET", "data")["held"]
        if len(records) != held:
            raise RemoteError("the emulator holds %d messages, expected %d" % (len(records), held))
        return min(_epoch(record["dateReceived"]) for record in records)

    def warm_up(self, query):
        """One page of the query (and a token): the emulator computes its matches once, outside any timing."""
        bench = self.bench
        with fetch.requests.Session() as session:
            post = functools.partial(session.post, verify=bench.ca_path)
            headers = fetch.header_source(post, bench.base_url, self.args.scheme, bench.credentials)(fetch.HOLD_PATH)
            headers["Content-Type"] = "application/json"
            body = {"meta": {"pagination": {"pageSize": PAGE_SIZE}}, "data": [query]}
            post(bench.base_url + fetch.HOLD_PATH, data=json.dumps(body), headers=headers).raise_for_status()

    def floor(self, query, held):
        """(seconds, ids, stats) of the serial floor: one kept-alive session paging the whole query."""
        bench = self.bench
        self.control("POST", "reset")
        ids = []
        seconds, received = fetch.keep_alive(bench.base_url, self.args.scheme, bench.credentials, bench.ca_path,
                                             PAGE_SIZE, query=query, ids=ids)
        stats = self.control("GET", "stats")
        if received != held or len(set(ids)) != held:
            raise RemoteError("the floor received %d items (%d distinct ids), expected %d" % (received, len(set(ids)), held))
        return seconds, ids, stats

    def client_alone(self, start, level):
        """(seconds, ids) of the module's code without Ansible: the same options, the same client."""
        bench = self.bench
        # The credentials as the module's options: MIMECAST_CLIENT_ID is client_id, and so on.
        params = dict((name[len("MIMECAST_"):].lower(), value) for name, value in bench.credentials.items())
        params.update(base_url=bench.base_url, ca_path=bench.ca_path, page_size=PAGE_SIZE, admin=True, start=start,
                      concurrency=level)
        started = time.perf_counter()
        with MimecastClient(ConnectionSettings.from_params(params)) as client:
            facts = hold_list.read(client, params, fields=["id"])
        seconds = time.perf_counter() - started
        return seconds, [item["id"] for item in facts["held_messages"]]

    def measure_size(self, held):
        args = self.args
        levels = args.remote_concurrency
        print("== remote: %s held messages, %d ms a call, %d a page, concurrency %s: %d round(s)"
              % (format(held, ","), args.remote_latency_ms, PAGE_SIZE, ",".join(map(str, levels)), args.remote_rounds),
              flush=True)
        floor = {"seconds": [], "connections": [], "requests": []}
        runs = dict((level, {"seconds": [], "ratio": [], "connections": [], "requests": [], "same_ids": []})
                    for level in levels)
        alone = dict((level, {"seconds": [], "ratio": [], "same_ids": []}) for level in levels if level > 1)
        with self.emulator(held):
            start = self.earliest(held)
            query = {"admin": True, "start": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(start))}
            bench_start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start))  # the same instant, as a user writes it
            self.warm_up(query)
            for index in range(args.remote_rounds):
                seconds, floor_ids, stats = self.floor(query, held)
                floor["seconds"].append(seconds)
                floor["connections"].append(stats["connections"])
                floor["requests"].append(stats["requests"])
                expected = set(floor_ids)
                for level, run in sorted(alone.items()):
                    alone_seconds, ids = self.client_alone(bench_start, level)
                    run["seconds"].append(alone_seconds)
                    run["ratio"].append(alone_seconds / seconds)
                    run["same_ids"].append(same_ids(ids, expected))
                prefix = self.bench.work_file("remote-%d-%d" % (held, index + 1))
                timings, _rss = self.bench.run_playbook("remote-%d-%d" % (held, index + 1), {
                    "bench_ca_path": self.bench.ca_path, "bench_base_url": self.bench.base_url,
                    "bench_page_size": PAGE_SIZE, "bench_start": bench_start,
                    "bench_concurrency": levels, "bench_out_prefix": prefix,
                }, measure_rss=False)
                timed = [entry for entry in timings if entry["name"] == "Windowed query"]
                if len(timed) != len(levels):
                    raise RemoteError("%d timed tasks for %d concurrency values" % (len(timed), len(levels)))
                for level, entry in zip(levels, timed):
                    with open("%s-%d.json" % (prefix, level)) as handle:
                        saved = json.load(handle)
                    ids = saved["ids"]
                    run = runs[level]
                    run["seconds"].append(entry["seconds"])
                    run["ratio"].append(entry["seconds"] / seconds)
                    run["connections"].append(saved["stats"]["connections"])
                    run["requests"].append(saved["stats"]["requests"])
                    run["same_ids"].append(same_ids(ids, expected) and saved["count"] == held)
        result = {"held": held, "pages": -(-held // PAGE_SIZE), "start": query["start"], "floor": floor,
                  "runs": dict((str(level), run) for level, run in runs.items()),
                  "client_alone": dict((str(level), run) for level, run in alone.items())}
        result["median"] = medians(result)
        return result

    def run(self):
        args = self.args
        return {"latency_ms": args.remote_latency_ms, "page_size": PAGE_SIZE, "rounds": args.remote_rounds,
                "concurrency": args.remote_concurrency,
                "sizes": dict((str(held), self.measure_size(held)) for held in args.remote_sizes)}


def same_ids(ids, expected):
    """Whether ``ids`` are exactly the set ``expected``, none twice."""
    return len(ids) == len(expected) and set(ids) == expected


def medians(result):
    """Medians of every measure; ids count as the same only when they were in every round."""
    floor = result["floor"]
    median = {"floor": dict((key, statistics.median(values)) for key, values in floor.items())}
    for level, run in result["runs"].items():
        median[level] = dict((key, statistics.median(values)) for key, values in run.items() if key != "same_ids")
        median[level]["connections_max"] = max(run["connections"])
        median[level]["same_ids"] = all(run["same_ids"])
    for level, run in result.get("client_alone", {}).items():
        median["alone " + level] = dict(seconds=statistics.median(run["seconds"]), ratio=statistics.median(run["ratio"]),
                                        same_ids=all(run["same_ids"]))
    return median


def evaluate_targets(remote):
    """PASS/MISS of the issue 11 target at each queue size: time, ids and connections at TARGET_CONCURRENCY."""
    targets = []
    level = str(TARGET_CONCURRENCY)

    def target(name, measured, limit, rule):
        status = "n/a" if measured is None else ("PASS" if measured <= limit else "MISS")
        return {"target": name, "rule": rule, "measured": measured, "limit": limit, "status": status}

    for size in sorted(remote["sizes"], key=int):
        median = remote["sizes"][size]["median"].get(level)
        where = "concurrency %s, %s held, %d ms a call" % (level, format(int(size), ","), remote["latency_ms"])
        targets.extend([
            target("Remote time", median and median["ratio"], TARGET_RATIO, "task / serial floor at " + where),
            target("Remote ids", None if median is None else (0 if median["same_ids"] else 1), 0,
                   "runs whose ids differ from the floor's at " + where),
            target("Remote connections", median and median["connections_max"], TARGET_CONNECTIONS,
                   "TCP connections opened at " + where),
        ])
    return targets


def print_report(remote):
    print("\nRemote scenario: %d ms a call, %d a page, a start covering the whole queue; task times from inside Ansible (s), "
          "medians of %d round(s); connections and calls as the emulator counted them; client alone: the module's code "
          "in the benchmark's process, without Ansible" % (remote["latency_ms"], remote["page_size"], remote["rounds"]))
    rows = [["held", "pages", "client", "seconds", "x floor", "connections", "calls", "same ids"]]
    for size in sorted(remote["sizes"], key=int):
        result = remote["sizes"][size]
        median = result["median"]
        floor = median["floor"]
        rows.append([format(result["held"], ","), str(result["pages"]), "floor", "%.2f" % floor["seconds"], "1.00",
                     "%d" % floor["connections"], "%d" % floor["requests"], "-"])
        for level in remote["concurrency"]:
            run = median[str(level)]
            rows.append(["", "", "concurrency %d" % level, "%.2f" % run["seconds"], "%.2f" % run["ratio"],
                         "%d" % run["connections_max"], "%d" % run["requests"], "yes" if run["same_ids"] else "NO"])
        for level in remote["concurrency"]:
            run = median.get("alone %d" % level)
            if run:
                rows.append(["", "", "client alone, %d" % level, "%.2f" % run["seconds"], "%.2f" % run["ratio"],
                             "", "", "yes" if run["same_ids"] else "NO"])
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
