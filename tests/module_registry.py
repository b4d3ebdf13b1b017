# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's modules, as the test suites know them: the one list every suite takes its modules from.

Import it as ``from tests import module_registry`` in tests/e2e (harness.py puts the repository root
on sys.path), and as ``from ansible_collections.mimecast.gateway.tests import module_registry`` in tests/unit
and tests/release (tests/conftest.py makes the collection importable).

Who reads it:

- every entry: the generated playbooks run_module.yml, run_module_from_file.yml and bad_input.yml (one task
  per entry: tests/e2e/playbook_factory.py), the bad-input table (test_bad_input.py), the secrets
  sweep (test_secrets.py), and the tarball's expected module files and doc pages (tests/release/test_tarball.py);
- read-only entries only: field_shapes.yml and test_field_shapes.py, the fault matrix's paging table
  (test_faults.py), the queue report's module list as an AWX job (test_ansible_runner.py), and summary_only
  and fields (tests/unit/plugins/modules/test_result_options.py).

Adding a module takes one ``Module(...)`` below, with:

- ``key``: a short name the tests use for it (``module="hold"`` in the playbooks' extra vars);
- ``name``: plugins/modules/<name>.py; the FQCN is mimecast.gateway.<name>, the tasks are "Run <name>" and
  "Bad input for <name>", and docs/reference/<name>_module.md must exist (``make docs``);
- ``paths``: the API paths it calls, the one it pages through (or acts with first) first;
- ``fact``: the list its result carries for a run with ``args`` (``held_messages``, ``released``...);
- ``args``: the options, beside the connection, it cannot run without; every bad-input row starts from them,
  and the secrets sweep runs the module with them against the emulator if no fault scenario runs it;
- ``read_only``: False for a module that changes state; such a module needs nothing else below;
- for a read-only module: ``list_all``, options that list everything the emulator holds, and ``answer_items``,
  where the items sit in the API's answer (``data[0][answer_items]``; None: ``data`` is the list itself).
  tests/unit/plugins/modules/test_result_options.py also needs a raw item of its answer in RAW_ITEMS.

Then its own tests, and at least one row of its own in test_bad_input.py's ROWS (a test there fails until
every module has rows).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections

NAMESPACE = "mimecast.gateway"


class Module:
    """One module of the collection; see the module docstring for each attribute."""

    def __init__(self, key, name, paths, fact, args=None, read_only=True, list_all=None, answer_items=None):
        if read_only and list_all is None:
            raise ValueError("%s: a read-only module needs list_all" % name)
        self.key = key
        self.name = name
        self.fqcn = "%s.%s" % (NAMESPACE, name)
        self.paths = tuple(paths)
        self.fact = fact
        self.args = dict(args or {})
        self.read_only = read_only
        self.list_all = list_all
        self.answer_items = answer_items

    @property
    def path(self):
        """The API path it pages through (or acts with first)."""
        return self.paths[0]

    def __repr__(self):
        return self.key


def _by_key(*modules):
    return collections.OrderedDict((module.key, module) for module in modules)


MODULES = _by_key(
    Module("hold", "mimecast_hold_info", ["/api/gateway/get-hold-message-list"], "held_messages", list_all={}),
    Module("processing", "mimecast_processing_info", ["/api/gateway/find-processing-messages"], "messages",
           answer_items="messages",
           # The processing queue defaults to the last 7 days; the emulator's messages go back further.
           list_all=dict(start="-30d")),
    Module("track", "mimecast_track_info", ["/api/message-finder/search"], "tracked_emails",
           answer_items="trackedEmails",
           # Tracking refuses to run without a criterion: a sender, a Message-ID or some advanced option.
           args=dict(sender="alice@fabrikam.com"),
           list_all=dict(route=["inbound", "outbound", "internal"], start="-7d")),
    Module("held", "mimecast_held_message",
           ["/api/gateway/hold-release", "/api/gateway/hold-reject", "/api/gateway/get-hold-message-list"], "released",
           # An id that is not held: the module reads the hold list and acts on nothing.
           args=dict(ids=["no-such-held-message"], state="released"), read_only=False),
)

ALL = tuple(MODULES.values())
READ_ONLY = tuple(module for module in ALL if module.read_only)
