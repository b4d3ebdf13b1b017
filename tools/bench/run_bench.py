# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmark of the hold module against the limits of issues 5 and 11 (run by ``make bench``).

For each queue size it starts the emulator over TLS on 127.0.0.1 and measures, in one run:

- the raw floor: every page over one kept-alive ``requests.Session``, json-decoded;
- Mimecast's sample-code style: one bare ``requests.post`` per page;
- under ``ansible-playbook``: the full result, ``summary_only: true``, a one-record task
  (``max_results: 1``) and the replay module (tools/bench/playbooks/library/bench_replay.py), which
  returns the module's own result loaded from disk: Ansible's cost of carrying it.

Each round runs the raw clients, then one playbook with the four tasks, so that a change in the
machine's load reaches both sides of every ratio.

Task times come from inside Ansible (callback_plugins/bench_timer.py), so playbook start-up is left
out; peak RSS comes from the module process itself (peak_rss.py wraps the interpreter). On the
smallest queue it also times one-page module tasks against ``ansible.builtin.uri`` tasks making the
same POST. It prints medians, ratios and PASS/MISS for each target, and writes them all to JSON.

The remote scenario of issue 11 (remote.py) follows: a query with a start, at 250 ms a call, fetched serially
and in concurrent time windows. ``--scenario growth`` or ``--scenario remote`` runs one of the two.

Usage: python tools/bench/run_bench.py [--quick] [--rounds N] [--latency-ms MS] [--profile] ...
(``--help`` lists every option). Run it with the Python of the virtualenv that has ansible-core.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import contextlib
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(BENCH_DIR))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, ".build", "collections"))  # the remote scenario runs the module's code too

# pylint: disable=wrong-import-position
from tools.bench import fetch, remote  # noqa: E402
from tools.bench.report import evaluate_targets, machine, medians, print_report  # noqa: E402
from tests.emulator import with_emulator  # noqa: E402
from tests.emulator.mimecast_emulator import CREDENTIALS  # noqa: E402

PLAYBOOKS = os.path.join(BENCH_DIR, "playbooks")
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
MODULE_FILE = os.path.join(ROOT, "plugins", "modules", "mimecast_hold_info.py")
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
# Certificates, saved results, playbook logs and timings of the last run; emptied at the start of each.
WORK_DIR = os.path.join(ROOT, ".build", "bench", "work")

DEFAULT_SIZES = (1000, 10000, 20000, 50000, 100000)
QUICK_SIZES = (200, 2000)

# Task names in the playbooks -> the keys used in the results.
GROWTH_TASKS = {"Full result": "full", "Summary only": "summary_only", "One record": "one_record", "Replay": "replay"}
SMALL_TASKS = {"One page with the module": "module", "One page with uri": "uri"}


class BenchError(Exception):
    """The benchmark could not measure what it should (a failed task, a wrong result)."""


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: queues of %s, one round, three small-task pairs" % " and ".join(map(str, QUICK_SIZES)))
    parser.add_argument("--sizes", help="comma-separated held-message counts (default %s)" % ",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--headline", type=int, help="queue size the time and memory targets are checked at (default 20000)")
    parser.add_argument("--rounds", type=int, help="repetitions whose median is reported (default 3)")
    parser.add_argument("--big-rounds", type=int,
                        help="repetitions for queues above the headline size, whose full results are slow (default 1)")
    parser.add_argument("--full-max", type=int, default=100000,
                        help="largest queue timed with the full result and the replay module (default 100000)")
    parser.add_argument("--small-tasks", type=int, help="one-page tasks of each kind per round (default 10)")
    parser.add_argument("--small-page-size", type=int, default=100, help="page size of the small tasks (default 100)")
    parser.add_argument("--page-size", type=int, default=500, help="page size of every other fetch (default 500)")
    parser.add_argument("--latency-ms", type=int, default=0, help="latency the emulator adds to every request (default 0)")
    parser.add_argument("--scheme", choices=("v2", "v1"), default="v2",
                        help="v2: API 2.0 bearer token (default); v1: API 1.0 HMAC signature on every request")
    parser.add_argument("--output", default=os.path.join(ROOT, ".build", "bench", "results.json"), help="JSON results file")
    parser.add_argument("--profile", action="store_true",
                        help="also run the module under cProfile at the headline size and print its top costs")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--scenario", choices=("all", "growth", "remote"), default="all",
                        help="growth: the queue sizes and small tasks (issue 5); remote: time windows at 250 ms a call "
                             "(issue 11); all: both (default)")
    remote.add_arguments(parser)
    args = parser.parse_args(argv)
    remote.check_arguments(parser, args)
    quick = args.quick
    args.sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else list(QUICK_SIZES if quick else DEFAULT_SIZES)
    args.sizes.sort()
    args.headline = args.headline or (QUICK_SIZES[-1] if quick else 20000)
    if args.headline not in args.sizes:
        parser.error("--headline %d is not one of --sizes" % args.headline)
    args.rounds = args.rounds or (1 if quick else 3)
    args.big_rounds = args.big_rounds or (1 if quick else min(args.rounds, 1))
    args.small_tasks = args.small_tasks or (3 if quick else 10)
    args.work = WORK_DIR
    return args


# ------------------------------------------------------------------------------------------ setup

def make_tls(folder):
    """A throw-away CA and a certificate for 127.0.0.1: (cert, key, ca) paths."""
    # A dev requirement that only the benchmark needs.
    import trustme  # pylint: disable=import-outside-toplevel

    authority = trustme.CA()
    server = authority.issue_cert("127.0.0.1")
    cert, key, ca_path = (os.path.join(folder, name) for name in ("server.pem", "server.key", "ca.pem"))
    server.cert_chain_pems[0].write_to_path(cert)
    for extra in server.cert_chain_pems[1:]:
        extra.write_to_path(cert, append=True)
    server.private_key_pem.write_to_path(key)
    authority.cert_pem.write_to_path(ca_path)
    return cert, key, ca_path


def write_launcher(folder):
    """The interpreter Ansible runs modules with: the real one, wrapped by peak_rss.py."""
    path = os.path.join(folder, "python-peak-rss")
    with open(path, "w") as handle:
        # -S: the wrapper needs only the standard library, so it skips site-packages and starts faster.
        handle.write('#!/bin/sh\nexec "%s" -S "%s" "%s" "$@"\n' % (sys.executable, os.path.join(BENCH_DIR, "peak_rss.py"), sys.executable))
    os.chmod(path, 0o755)
    return path


class Bench:
    """One benchmark run: its options, work files and the emulator of the queue being measured."""

    def __init__(self, args):
        self.args = args
        shutil.rmtree(args.work, ignore_errors=True)  # the benchmark's own scratch folder: results of an earlier run
        os.makedirs(args.work)
        self.cert, self.key, self.ca_path = make_tls(args.work)
        self.launcher = write_launcher(args.work)
        self.credentials = CREDENTIALS[args.scheme]
        self.base_url = None
        self.warmup_file = self.work_file("warmup-result.json")
        with open(self.warmup_file, "w") as handle:
            json.dump({"changed": False, "count": 0, "held_messages": []}, handle)

    def work_file(self, name):
        return os.path.join(self.args.work, name)

    @contextlib.contextmanager
    def emulator(self, held):
        # --max-page-size 0: no cap. The emulator serves at most 100 items a page by default, as the live
        # service does; these scenarios were measured with whole 500-item pages, and keep that meaning.
        process, self.base_url = with_emulator.start_emulator([
            "--quiet", "--held", str(held), "--processing", "0", "--tracked", "0", "--max-page-size", "0",
            "--latency-ms", str(self.args.latency_ms), "--tls-cert", self.cert, "--tls-key", self.key])
        try:
            yield self.base_url
        finally:
            with_emulator.stop_emulator(process)
            self.base_url = None

    def env(self, **extra):
        """The environment of ansible-playbook and of direct module runs: one scheme's credentials only."""
        env = dict((name, value) for name, value in os.environ.items() if not name.startswith("MIMECAST_"))
        env.update(self.credentials)
        env["MIMECAST_BASE_URL"] = self.base_url
        env.update(extra)
        return env

    # --------------------------------------------------------------------------- raw clients

    def raw(self, client, held):
        seconds, received = client(self.base_url, self.args.scheme, self.credentials, self.ca_path, self.args.page_size)
        if received != held:
            raise BenchError("%s received %d items, expected %d" % (client.__name__, received, held))
        return seconds

    # --------------------------------------------------------------------------- modules

    def run_module_directly(self, module_args, stdout, profile_to=None):
        """Run the hold module outside Ansible (as ansible-doc's 'debugging' mode allows), for its exact output."""
        command = [sys.executable, MODULE_FILE, json.dumps({"ANSIBLE_MODULE_ARGS": module_args})]
        if profile_to:
            command[1:1] = ["-m", "cProfile", "-o", profile_to]
        env = self.env(PYTHONPATH=COLLECTIONS)
        subprocess.run(command, env=env, stdout=stdout, check=True, cwd=self.args.work)

    def save_full_result(self, held):
        """Save the module's full result once, for the replay module."""
        path = self.work_file("result-%d.json" % held)
        with open(path, "w") as handle:
            self.run_module_directly({"page_size": self.args.page_size, "ca_path": self.ca_path}, handle)
        with open(path) as handle:
            result = json.load(handle)
        if result.get("failed") or result.get("count") != held:
            raise BenchError("the saved result is wrong: failed=%s count=%s msg=%s"
                             % (result.get("failed"), result.get("count"), result.get("msg")))
        return path, os.path.getsize(path)

    def run_playbook(self, name, extra_vars, measure_rss):
        """Run one playbook; return (timings of its module tasks, peak-RSS records paired with them or None)."""
        prefix = self.work_file(name)
        timings_file, rss_file, vars_file = prefix + "-timings.json", prefix + "-rss.jsonl", prefix + "-vars.json"
        for stale in (timings_file, rss_file):
            if os.path.exists(stale):
                os.unlink(stale)
        # The implicit localhost sets ansible_python_interpreter itself: only an extra var overrides it.
        extra_vars = dict(extra_vars, ansible_python_interpreter=self.launcher if measure_rss else sys.executable)
        with open(vars_file, "w") as handle:
            json.dump(extra_vars, handle)
        env = self.env(
            ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
            ANSIBLE_CALLBACK_PLUGINS=os.path.join(BENCH_DIR, "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="bench_timer",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_RETRY_FILES_ENABLED="false",
            ANSIBLE_NOCOLOR="1",
            BENCH_TIMINGS_FILE=timings_file,
            BENCH_RSS_FILE=rss_file,
        )
        playbook = os.path.join(PLAYBOOKS, name.split("-")[0] + ".yml")
        with open(prefix + ".log", "w") as log:
            completed = subprocess.run([ANSIBLE_PLAYBOOK, playbook, "--extra-vars", "@" + vars_file],
                                       env=env, cwd=self.args.work, stdout=log, stderr=subprocess.STDOUT, check=False)
        if completed.returncode != 0:
            with open(prefix + ".log") as log:
                raise BenchError("%s failed (exit %d):\n%s" % (playbook, completed.returncode, log.read()[-3000:]))
        with open(timings_file) as handle:
            timings = [entry for entry in json.load(handle) if "include" not in entry["action"]]
        failed = [entry for entry in timings if entry["status"] != "ok"]
        if failed:
            raise BenchError("%s: task %r failed: %s" % (playbook, failed[0]["name"], failed[0].get("msg")))
        if not measure_rss:
            return timings, None
        with open(rss_file) as handle:
            rss = [json.loads(line) for line in handle]
        # One module process per task, in task order: check the pairing by module name.
        if len(rss) != len(timings) or any(entry["action"].split(".")[-1] not in record["script"]
                                           for entry, record in zip(timings, rss)):
            raise BenchError("cannot pair %d module processes with %d tasks" % (len(rss), len(timings)))
        return timings, rss

    # --------------------------------------------------------------------------- one queue size

    def measure_size(self, held, rounds, full):
        """Every measurement of one queue size, as medians and the raw samples."""
        print("== %s held messages: %d round(s)%s" % (format(held, ","), rounds, "" if full else ", full result not timed"), flush=True)
        samples = {"raw_keep_alive": [], "one_post_per_page": []}
        tasks = {}
        with self.emulator(held):
            replay_file, result_bytes = self.save_full_result(held) if full else (self.warmup_file, None)
            self.raw(fetch.keep_alive, held)  # warm-up: the emulator computes the query's matches once
            # Raw fetches and Ansible tasks alternate round by round, so a change in the machine's load
            # during the run reaches both sides of every ratio.
            for index in range(rounds):
                samples["raw_keep_alive"].append(self.raw(fetch.keep_alive, held))
                samples["one_post_per_page"].append(self.raw(fetch.one_post_per_page, held))
                timings, rss = self.run_playbook("growth-%d-%d" % (held, index + 1), {
                    "bench_full": full, "bench_page_size": self.args.page_size, "bench_ca_path": self.ca_path,
                    "bench_replay_file": replay_file, "bench_warmup_file": self.warmup_file,
                }, measure_rss=True)
                for entry, record in zip(timings, rss):
                    kind = GROWTH_TASKS.get(entry["name"])
                    if kind is None:
                        continue  # a warm-up
                    check_growth_result(kind, entry, held)
                    task = tasks.setdefault(kind, {"seconds": [], "max_rss_mib": [], "module_process_seconds": [],
                                                   "module_cpu_seconds": []})
                    task["seconds"].append(entry["seconds"])
                    task["max_rss_mib"].append(record["max_rss_kib"] / 1024.0)
                    task["module_process_seconds"].append(record["wall_seconds"])
                    task["module_cpu_seconds"].append(record["user_seconds"] + record["system_seconds"])
        result = {"held": held, "pages": -(-held // self.args.page_size), "rounds": rounds, "full_result_timed": full,
                  "result_json_bytes": result_bytes, "samples": samples, "tasks": tasks}
        result["median"] = medians(result)
        return result

    def measure_small_tasks(self, held):
        """Ten one-page module tasks against ten uri tasks with the same POST, in interleaved pairs."""
        args = self.args
        count = args.small_tasks * args.rounds + 1  # the first pair is a warm-up
        print("== small tasks: %d x %d one-page tasks of each kind on %s held messages"
              % (args.rounds, args.small_tasks, format(held, ",")), flush=True)
        with self.emulator(held):
            self.raw(fetch.keep_alive, held)
            if args.scheme == "v1":
                headers = [fetch.api_v1_headers(self.credentials, fetch.HOLD_PATH) for _index in range(count)]
            else:
                token = fetch.bearer_token(lambda url, **kw: fetch.requests.post(url, verify=self.ca_path, **kw),
                                           self.base_url, self.credentials)
                headers = [{"Authorization": "Bearer " + token}] * count
            timings, _rss = self.run_playbook("small_tasks", {
                "bench_uri_headers": headers, "bench_page_size": args.small_page_size,
                "bench_ca_path": self.ca_path, "bench_base_url": self.base_url,
            }, measure_rss=False)
        per_kind = {"module": [], "uri": []}
        for entry in timings:
            kind = SMALL_TASKS[entry["name"]]
            if entry.get("items") != args.small_page_size:
                raise BenchError("%r returned %s items, expected %d" % (entry["name"], entry.get("items"), args.small_page_size))
            per_kind[kind].append(entry["seconds"])
        sums = {}
        for kind, seconds in per_kind.items():
            seconds = seconds[1:]  # drop the warm-up
            sums[kind] = [sum(seconds[start:start + args.small_tasks]) for start in range(0, len(seconds), args.small_tasks)]
        median = dict((kind, statistics.median(values)) for kind, values in sums.items())
        median["module_vs_uri"] = statistics.median(module / uri for module, uri in zip(sums["module"], sums["uri"]))
        return {"held": held, "tasks_per_round": args.small_tasks, "page_size": args.small_page_size,
                "samples": sums, "median": median}

    def profile(self, held):
        """cProfile the module's own process (full result and summary_only) and print its top costs."""
        reports = {}
        with self.emulator(held):
            self.raw(fetch.keep_alive, held)
            for kind, extra in (("full", {}), ("summary_only", {"summary_only": True})):
                out = self.work_file("profile-%s-%d.prof" % (kind, held))
                module_args = dict({"page_size": self.args.page_size, "ca_path": self.ca_path}, **extra)
                with open(os.devnull, "w") as devnull:
                    self.run_module_directly(module_args, devnull, profile_to=out)
                reports[kind] = out
        for kind, out in reports.items():
            print("\n-- cProfile of the module process, %s, %s held (%s): top 20 by own time" % (kind, format(held, ","), out))
            pstats.Stats(out, stream=sys.stdout).sort_stats("tottime").print_stats(20)
        return reports


def check_growth_result(kind, entry, held):
    """The task returned what it should: a fast wrong answer must not count."""
    expected = {
        "full": (held, held), "replay": (held, held), "summary_only": (held, 0), "one_record": (1, 1),
    }[kind]
    if (entry.get("count"), entry.get("items")) != expected:
        raise BenchError("%s on %d held returned count=%s with %s items, expected count=%d with %d"
                         % (entry["name"], held, entry.get("count"), entry.get("items"), expected[0], expected[1]))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.monotonic()
    bench = Bench(args)
    results = {
        "machine": machine(),
        "config": {"sizes": args.sizes, "headline": args.headline, "rounds": args.rounds, "big_rounds": args.big_rounds,
                   "full_max": args.full_max, "page_size": args.page_size, "small_tasks": args.small_tasks,
                   "small_page_size": args.small_page_size, "latency_ms": args.latency_ms, "scheme": args.scheme,
                   "scenario": args.scenario},
        "sizes": {},
        "targets": [],
    }
    try:
        if args.scenario in ("all", "growth"):
            for held in args.sizes:
                rounds = args.rounds if held <= args.headline else args.big_rounds
                results["sizes"][str(held)] = bench.measure_size(held, rounds, full=held <= args.full_max)
            results["small_tasks"] = bench.measure_small_tasks(args.sizes[0])
            if args.profile:
                results["profiles"] = bench.profile(args.headline)
        if args.scenario in ("all", "remote"):
            results["remote"] = remote.Remote(bench, args).run()
    except (BenchError, remote.RemoteError) as err:
        print("benchmark error: %s" % err, file=sys.stderr)
        return 2
    results["machine"]["load_average_after"] = os.getloadavg()[0]
    if results["sizes"]:
        results["targets"] = evaluate_targets(results, args.headline)
    if "remote" in results:
        results["remote_targets"] = remote.evaluate_targets(results["remote"])
    results["elapsed_seconds"] = time.monotonic() - started
    print_report(results)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
    print("Results: %s (%.0f s)" % (args.output, results["elapsed_seconds"]))
    missed = [target for target in results["targets"] + results.get("remote_targets", []) if target["status"] == "MISS"]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
