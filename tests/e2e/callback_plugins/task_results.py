# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: task_results
type: aggregate
short_description: Write each task's result to a JSON file, for the integration tests
description:
  - Test tooling, not part of the collection. Writes a JSON object mapping task names to their last result
    to the file named by E(TASK_RESULTS_FILE), so tests can assert on what a module returned.
options: {}
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.results = {}
        self.item_failed = {}

    def _record(self, result, status):
        entry = dict(result._result)
        entry["_status"] = status
        # ansible-core 2.21 no longer leaves "failed" in the results it hands to callbacks, neither the
        # task's nor each loop item's; put it back so the tests read the same on every version.
        if status == "failed":
            entry.setdefault("failed", True)
        failed_items = self.item_failed.pop(self._key(result), [])
        if isinstance(entry.get("results"), list) and len(entry["results"]) == len(failed_items):
            entry["results"] = [dict(item, failed=item.get("failed", failed)) if isinstance(item, dict) else item
                                for item, failed in zip(entry["results"], failed_items)]
        self.results[result._task.get_name()] = entry

    @staticmethod
    def _key(result):
        return result._task._uuid, result._host.get_name()

    def v2_runner_item_on_ok(self, result):
        self.item_failed.setdefault(self._key(result), []).append(False)

    def v2_runner_item_on_failed(self, result):
        self.item_failed.setdefault(self._key(result), []).append(True)

    def v2_runner_item_on_skipped(self, result):
        self.item_failed.setdefault(self._key(result), []).append(False)

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("TASK_RESULTS_FILE")
        if path:
            with open(path, "w") as handle:
                json.dump(self.results, handle, default=str)
