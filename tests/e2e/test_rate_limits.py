# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Many tasks paging one rate-limited tenant at once, as forks of one job do (issue 11).

Mimecast's rate limit is per API user, shared by every job, fork and source of that user (docs/mimecast-api.md,
"Rate limits"). Here 12 hosts (forks 12) read one emulator limited to 4 calls a second, each task with the modules'
default retries and max_retry_wait, and every one of them must come back with the exact result. A module that
spends its retries on 429s instead of waiting for the reset gives up ("Gave up after 6 attempts") on about half.

- The hold list without ``start``: one serial task per host, 300 held at 100 a page (3 pages each, 36 calls).
- The processing queue with ``start``: each task fetches time windows concurrently (the default concurrency),
  so the windows of one task share its budget and back-off, and 12 tasks share the tenant's.

Nothing here asserts on timing: only that every task succeeded with every id, none missing, none repeated.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import time

import pytest
import yaml

from harness import scheme_env, start_emulator, stop_emulator
from tests import module_registry
from tests.emulator.mimecast_emulator import ENDPOINTS

pytestmark = pytest.mark.e2e

HOSTS = 12
PER_SECOND = 4
HELD = 600
PROCESSING = 300
PAGE_SIZE = 100  # the emulator serves at most 100 a page, as the live service
COLLECT = "Collect every host's result"


@pytest.fixture(scope="module")
def limited():
    """One tenant limited to 4 calls a second; its generated processing queue lies within the last 7 days."""
    running = start_emulator("--held", str(HELD), "--processing", str(PROCESSING), "--tracked", "0",
                             "--rate-limit-per-second", str(PER_SECOND))
    yield running
    stop_emulator(running)


def play(tmp_path, module, module_args):
    """A playbook and an inventory of 12 local hosts, each running ``module`` once, and a task collecting the results."""
    inventory = {"tenants": {"hosts": dict(("tenant%02d" % index, {"ansible_connection": "local"}) for index in range(HOSTS))}}
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump(inventory))
    plays = [{
        "name": "Page one rate-limited tenant from every host at once",
        "hosts": "tenants",
        "gather_facts": False,
        "tasks": [
            # Default retries and max_retry_wait: no override.
            {"name": "Read the queue", module.fqcn: module_args, "register": "queue_read", "ignore_errors": True},
            {"name": COLLECT, "run_once": True, "ansible.builtin.debug": {
                "msg": "{{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars, 'queue_read'))) }}"}},
        ],
    }]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    return str(tmp_path / "play.yml"), {"ANSIBLE_INVENTORY": str(tmp_path / "hosts.yml"), "ANSIBLE_FORKS": str(HOSTS)}


def expected_ids(emulator, path, item):
    """The ids of the emulator's own answer to ``item`` (data[0]), in its order, computed from its data."""
    validate, search, _wrap = ENDPOINTS[path]
    return [record["id"] for record in search(emulator.data(), validate(item, time.time()))]


def run_everywhere(ansible_playbook, emulator, tmp_path, key, module_args):
    """Run the play; every host's result, by host."""
    module = module_registry.MODULES[key]
    emulator.reset()
    playbook, env = play(tmp_path, module, module_args)
    run = ansible_playbook(playbook, env=dict(scheme_env(emulator, "v2"), **env))
    results = run.results().get(COLLECT, {}).get("msg")
    assert isinstance(results, dict) and len(results) == HOSTS, run
    failed = dict((host, result.get("msg")) for host, result in results.items() if module.fact not in result)
    stats = emulator.stats()
    assert not failed, "%d of %d tasks failed (%s): %s" % (len(failed), HOSTS, stats, failed)
    assert run.rc == 0, run
    return dict((host, [item["id"] for item in result[module.fact]]) for host, result in results.items())


def test_twelve_forks_page_the_hold_list_of_one_tenant_limited_to_four_calls_a_second(limited, ansible_playbook, tmp_path):
    ids = run_everywhere(ansible_playbook, limited, tmp_path, "hold", {"page_size": PAGE_SIZE, "fields": ["id"]})
    expected = expected_ids(limited, module_registry.MODULES["hold"].path, {"admin": True})
    assert len(expected) == HELD
    for host, got in sorted(ids.items()):
        assert got == expected, host


def test_twelve_forks_fetch_processing_windows_of_one_tenant_limited_to_four_calls_a_second(limited, ansible_playbook, tmp_path):
    """With ``start``, each task fetches its windows concurrently: they share one budget, and so do the 12 tasks."""
    ids = run_everywhere(ansible_playbook, limited, tmp_path, "processing",
                         {"start": "-7d", "page_size": PAGE_SIZE, "fields": ["id"]})
    expected = [record["id"] for record in limited.data()["processing"]]
    assert len(expected) == PROCESSING
    for host, got in sorted(ids.items()):
        repeated = [item for item, count in collections.Counter(got).items() if count > 1]
        assert not repeated, "%s: repeated %s" % (host, repeated)
        assert sorted(got) == sorted(expected), host
    # Serially, each task asks for one first page; with windows, for one per window.
    first_pages = [entry for entry in limited.api_requests() if entry["status"] == 200
                   and "pageToken" not in (entry["body"].get("meta") or {}).get("pagination", {})]
    assert len(first_pages) > HOSTS, "each task fetched windows"
