# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: Record each task's wall time, for the benchmark
description:
  - Benchmark tooling, not part of the collection. Measures each task from its start to its result
    reaching the controller, so playbook start-up and parsing are left out, and writes the list to the
    JSON file named by E(BENCH_TIMINGS_FILE) at the end of the run.
  - Also keeps the few result facts the benchmark checks (C(count), C(truncated) and the length of the
    returned list), so a wrong result cannot pass for a fast one.
options: {}
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

# The result lists of the three modules, the replay module and ansible.builtin.uri.
LIST_KEYS = ("held_messages", "messages", "tracked_emails")


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.started = {}
        self.timings = []

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started[task._uuid] = time.perf_counter()

    def _record(self, result, status):
        finished = time.perf_counter()
        task = result._task
        facts = result._result
        entry = {
            "name": task.get_name(),
            "action": task.action,
            "status": status,
            "seconds": finished - self.started.get(task._uuid, finished),
            "count": facts.get("count"),
            "truncated": facts.get("truncated"),
        }
        for key in LIST_KEYS:
            if isinstance(facts.get(key), list):
                entry["items"] = len(facts[key])
        if isinstance(facts.get("json"), dict):  # ansible.builtin.uri
            entry["items"] = len(facts["json"].get("data") or [])
            entry["http_status"] = facts.get("status")
        if status == "failed":
            entry["msg"] = str(facts.get("msg"))[:500]
        self.timings.append(entry)

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("BENCH_TIMINGS_FILE")
        if path:
            with open(path, "w") as handle:
                json.dump(self.timings, handle, indent=1)
