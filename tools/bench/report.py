# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a benchmark run found: the growth scenario's medians and the targets of issue 5, the machine, the report.

run_bench.py measures; this file turns its samples into medians and ratios, PASS/MISS, and the printed tables (the
remote scenario's own table comes from remote.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import os
import platform
import statistics

from tools.bench import fetch, remote

# A 1-minute load average above this, before or after the run, means other work competed for the CPU.
BUSY_LOAD = 1.0


def medians(result):
    """The median of every sample list of one queue size, and the ratios the targets use.

    Each ratio is the median of its per-round values: a round's raw fetch and tasks ran one after
    the other, so a change in the machine's load between rounds cancels out.
    """
    samples = result["samples"]
    tasks = result["tasks"]
    median = dict((name, statistics.median(values)) for name, values in samples.items())
    for kind, task in tasks.items():
        for measure, values in task.items():
            median["%s_%s" % (kind, measure)] = statistics.median(values)
    rounds = range(result["rounds"])
    raw = samples["raw_keep_alive"]
    one = tasks["one_record"]["seconds"]
    held = result["held"]
    if "full" in tasks:
        full, replay = tasks["full"], tasks["replay"]
        median["full_vs_raw_plus_replay"] = statistics.median(
            full["seconds"][index] / (raw[index] + replay["seconds"][index]) for index in rounds)
        median["full_rss_vs_replay_rss"] = statistics.median(
            full["max_rss_mib"][index] / replay["max_rss_mib"][index] for index in rounds)
        median["full_us_per_message"] = 1e6 * statistics.median(full["seconds"][index] - one[index] for index in rounds) / held
        median["replay_us_per_message"] = 1e6 * statistics.median(
            replay["seconds"][index] - one[index] for index in rounds) / held
    summary = tasks["summary_only"]["seconds"]
    median["summary_minus_one_vs_raw"] = statistics.median((summary[index] - one[index]) / raw[index] for index in rounds)
    median["summary_us_per_message"] = 1e6 * statistics.median(summary[index] - one[index] for index in rounds) / held
    median["raw_us_per_message"] = 1e6 * median["raw_keep_alive"] / held
    return median


# ------------------------------------------------------------------------------------------ targets

def evaluate_targets(results, headline):
    """PASS/MISS for each target of issue 5, all computed from this run."""
    sizes = results["sizes"]
    head = sizes.get(str(headline), {}).get("median", {})
    smallest, largest = sizes[min(sizes, key=int)], sizes[max(sizes, key=int)]
    small = results.get("small_tasks")
    where = "%s held" % format(headline, ",")

    def target(name, measured, limit, rule):
        status = "n/a" if measured is None else ("PASS" if measured <= limit else "MISS")
        return {"target": name, "rule": rule, "measured": measured, "limit": limit, "status": status}

    flat = None
    if smallest is not largest:
        flat = abs(largest["median"]["summary_only_max_rss_mib"] / smallest["median"]["summary_only_max_rss_mib"] - 1)
    return [
        target("Full result time", head.get("full_vs_raw_plus_replay"), 1.10,
               "full task / (raw fetch + replay task) at %s" % where),
        target("summary_only time", head.get("summary_minus_one_vs_raw"), 1.25,
               "(summary_only task - one-record task) / raw fetch at %s" % where),
        target("summary_only memory", flat, 0.10,
               "|peak RSS at %s / peak RSS at %s - 1|" % (format(largest["held"], ","), format(smallest["held"], ","))),
        target("Full result memory", head.get("full_rss_vs_replay_rss"), 1.15,
               "module peak RSS / replay module peak RSS at %s" % where),
        target("Small tasks", small["median"]["module_vs_uri"] if small else None, 1.10,
               "%d one-page module tasks / %d uri tasks" % ((small or {}).get("tasks_per_round", 0), (small or {}).get("tasks_per_round", 0))),
    ]


# ------------------------------------------------------------------------------------------ report

def machine():
    """What the figures were measured on."""
    info = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_average_before": os.getloadavg()[0]}
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as handle:
            models = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        info["cpu"] = models[0] if models else platform.processor()
    with contextlib.suppress(OSError, ValueError, IndexError):
        with open("/proc/meminfo") as handle:
            total_kib = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
        info["ram_gib"] = round(total_kib / 1024.0 / 1024.0, 1)
    from ansible.release import __version__ as ansible_version  # pylint: disable=import-outside-toplevel
    info["ansible_core"] = ansible_version
    info["requests"] = fetch.requests.__version__
    return info


def fmt(value, spec="%.2f"):
    return "-" if value is None else spec % value


def print_table(title, columns, results):
    print("\n" + title)
    rows = [[heading for heading, _spec, _key in columns]]
    for size in sorted(results["sizes"], key=int):
        result = results["sizes"][size]
        values = dict(result["median"], held=format(result["held"], ","), pages=result["pages"])
        rows.append([fmt(values.get(key), spec) for _heading, spec, key in columns])
    widths = [max(len(row[index]) for row in rows) for index in range(len(columns))]
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))


def print_report(results):
    if results["sizes"]:
        print_growth_report(results)
    if results.get("remote"):
        remote.print_report(results["remote"])
        print("\nTargets of issue 11 (API %s):" % results["config"]["scheme"])
        print_targets(results["remote_targets"])
    print_machine(results)


def print_targets(targets):
    for target in targets:
        print("  %-4s  %-20s %s <= %.2f: %s" % (target["status"], target["target"], fmt(target["measured"], "%.3f"),
                                                target["limit"], target["rule"]))


def print_growth_report(results):
    config = results["config"]
    title = "Task times from inside Ansible (s), peak RSS of the module process (MiB): medians; ratios: medians of the per-round ratios"
    print_table(title, [
        ("held", "%s", "held"), ("pages", "%s", "pages"),
        ("raw", "%.2f", "raw_keep_alive"), ("post/page", "%.2f", "one_post_per_page"),
        ("full", "%.2f", "full_seconds"), ("replay", "%.2f", "replay_seconds"),
        ("summary", "%.2f", "summary_only_seconds"), ("one rec", "%.2f", "one_record_seconds"),
        ("full MiB", "%.0f", "full_max_rss_mib"), ("replay MiB", "%.0f", "replay_max_rss_mib"),
        ("summ MiB", "%.0f", "summary_only_max_rss_mib"),
        ("full/(raw+rep)", "%.2f", "full_vs_raw_plus_replay"), ("(summ-one)/raw", "%.2f", "summary_minus_one_vs_raw"),
        ("full/rep MiB", "%.2f", "full_rss_vs_replay_rss"),
    ], results)
    print_table("Cost per message beyond a one-record task (us), and the module processes alone (wall / CPU s): medians", [
        ("held", "%s", "held"),
        ("raw us/msg", "%.0f", "raw_us_per_message"), ("full us/msg", "%.0f", "full_us_per_message"),
        ("replay us/msg", "%.0f", "replay_us_per_message"), ("summ us/msg", "%.0f", "summary_us_per_message"),
        ("full wall", "%.2f", "full_module_process_seconds"), ("full CPU", "%.2f", "full_module_cpu_seconds"),
        ("replay wall", "%.2f", "replay_module_process_seconds"), ("replay CPU", "%.2f", "replay_module_cpu_seconds"),
        ("summ wall", "%.2f", "summary_only_module_process_seconds"), ("summ CPU", "%.2f", "summary_only_module_cpu_seconds"),
    ], results)
    small = results.get("small_tasks")
    if small:
        print("\n%d one-page tasks (page size %d), medians of %d rounds: module %.2f s, uri %.2f s, ratio %.2f"
              % (small["tasks_per_round"], small["page_size"], len(small["samples"]["module"]), small["median"]["module"],
                 small["median"]["uri"], small["median"]["module_vs_uri"]))
    print("\nTargets (checked at %s held messages; %d rounds; latency %d ms; API %s):"
          % (format(config["headline"], ","), config["rounds"], config["latency_ms"], config["scheme"]))
    print_targets(results["targets"])


def print_machine(results):
    info = dict({"cpu": "?", "ram_gib": "?"}, **results["machine"])
    print("\nMachine: %(cores)s cores, %(cpu)s, %(ram_gib)s GiB RAM, Python %(python)s, ansible-core %(ansible_core)s, "
          "requests %(requests)s" % info)
    busy = max(info["load_average_before"], info["load_average_after"])
    if busy > BUSY_LOAD:
        print("WARNING: the machine was busy (1-minute load average up to %.1f): other processes competed for the CPU, "
              "so these figures are noisier and slower than a quiet machine's." % busy)
