# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's modules, as the test suites know them: read from each module's test profile.

A module's test profile is ``tests/integration/targets/<module>/vars/profile.yml``, in the module's own
integration target, under the one variable ``module_profile`` (ansible-test never loads it: only vars/main.yml
is a target's own). Adding a module adds its profile there; no test file keeps a list of modules.
tests/unit/test_module_registry.py fails, naming the file, for a module without a profile, a profile without a
module, or a module missing from meta/runtime.yml's action group.

Import it as ``from tests import module_registry`` in tests/e2e (harness.py puts the repository root
on sys.path), and as ``from ansible_collections.mimecast.gateway.tests import module_registry`` in tests/unit
and tests/release (tests/conftest.py makes the collection importable).

A profile's keys:

- ``key``: a short name the tests use for it (``module="hold"`` in the playbooks' extra vars);
- ``paths``: the API paths it calls, the one it pages through (or acts with first) first;
- ``fact``: the list its result carries for a run with ``args`` (``held_messages``, ``released``...);
- ``args`` (optional): the options, beside the connection, it cannot run without; every bad-input row starts from
  them, and the secrets sweep runs the module with them against the emulator if no fault scenario runs it;
- ``read_only``: false for a module that changes state; such a module needs none of the next three;
- for a read-only module: ``list_all``, options that list everything the emulator holds; ``answer_items``, where
  the items sit in the API's answer (``data[0][answer_items]``; null: ``data`` is the list itself); and
  ``raw_answer_item``, one item of that answer as Mimecast sends it (tests/unit/.../test_result_options.py);
- ``bad_input``: its own rows of the bad-input table (tests/e2e/test_bad_input.py, where the rows on the
  connection options, common to every module, are), each ``name`` (unique in the table), ``option`` (the option
  the failure must name), and optionally ``args`` (options set), ``drop`` (options removed) and ``scheme``
  (``v2``, the default, or ``v1`` credentials). In a string of ``args``, ``{long}`` stands for 5000 x's.

The module's name is its target's directory name: plugins/modules/<name>.py, FQCN mimecast.gateway.<name>,
tasks "Run <name>" and "Bad input for <name>" in the generated playbooks (tests/e2e/playbook_factory.py), and
docs/reference/<name>_module.md (``make docs``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import glob
import os

import yaml

NAMESPACE = "mimecast.gateway"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = os.path.join(ROOT, "tests", "integration", "targets")
PROFILE = os.path.join("vars", "profile.yml")
PROFILE_VARIABLE = "module_profile"

REQUIRED = ("key", "paths", "fact", "read_only", "bad_input")
OPTIONAL = ("args", "list_all", "answer_items", "raw_answer_item")
READ_ONLY_REQUIRED = ("list_all", "answer_items", "raw_answer_item")
ROW_REQUIRED = ("name", "option")
ROW_OPTIONAL = ("args", "drop", "scheme")
SCHEMES = ("v1", "v2")


class ProfileError(ValueError):
    """A profile that does not say what the tests need; the message names the file."""


class Module:
    """One module of the collection, from its test profile; the module docstring says what each attribute is."""

    def __init__(self, name, profile, source="<profile>"):
        self.name = name
        self.fqcn = "%s.%s" % (NAMESPACE, name)
        self.source = source
        _check_profile(profile, source)
        self.key = profile["key"]
        self.paths = tuple(profile["paths"])
        self.fact = profile["fact"]
        self.args = dict(profile.get("args") or {})
        self.read_only = profile["read_only"]
        self.list_all = profile.get("list_all")
        self.answer_items = profile.get("answer_items")
        self.raw_answer_item = profile.get("raw_answer_item")
        self.bad_input = tuple(dict(row) for row in profile["bad_input"])

    @property
    def path(self):
        """The API path it pages through (or acts with first)."""
        return self.paths[0]

    def __repr__(self):
        return self.key


def _check_profile(profile, source):
    def fail(problem):
        raise ProfileError("%s: %s (tests/module_registry.py says what a profile holds)" % (source, problem))

    if not isinstance(profile, dict):
        fail("%s must be a mapping" % PROFILE_VARIABLE)
    missing = [name for name in REQUIRED if name not in profile]
    if missing:
        fail("%s lacks %s" % (PROFILE_VARIABLE, ", ".join(missing)))
    unknown = sorted(set(profile) - set(REQUIRED + OPTIONAL))
    if unknown:
        fail("unknown keys %s" % ", ".join(unknown))
    if not isinstance(profile["paths"], list) or not profile["paths"]:
        fail("paths must be a list of API paths, at least one")
    if not isinstance(profile["read_only"], bool):
        fail("read_only must be true or false")
    if profile["read_only"]:
        missing = [name for name in READ_ONLY_REQUIRED if name not in profile]
        if missing:
            fail("a read-only module needs %s" % ", ".join(missing))
    else:
        given = [name for name in READ_ONLY_REQUIRED if name in profile]
        if given:
            fail("%s only apply to a read-only module" % ", ".join(given))
    if not isinstance(profile["bad_input"], list) or not profile["bad_input"]:
        fail("bad_input must list at least one row of the module's own")
    for row in profile["bad_input"]:
        if not isinstance(row, dict) or any(name not in row for name in ROW_REQUIRED):
            fail("every bad_input row needs %s: %r" % (" and ".join(ROW_REQUIRED), row))
        unknown = sorted(set(row) - set(ROW_REQUIRED + ROW_OPTIONAL))
        if unknown:
            fail("bad_input row %s: unknown keys %s" % (row["name"], ", ".join(unknown)))
        if row.get("scheme", "v2") not in SCHEMES:
            fail("bad_input row %s: scheme must be one of %s" % (row["name"], ", ".join(SCHEMES)))


def profile_files():
    """The profile files present, by module name (the target directory's name)."""
    files = glob.glob(os.path.join(TARGETS, "mimecast_*", PROFILE))
    return collections.OrderedDict(
        (os.path.basename(os.path.dirname(os.path.dirname(path))), path) for path in sorted(files))


def load(name, path):
    """The Module a profile file describes."""
    source = os.path.relpath(path, ROOT)
    with open(path) as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict) or PROFILE_VARIABLE not in document:
        raise ProfileError("%s: the profile goes under the one variable %s" % (source, PROFILE_VARIABLE))
    return Module(name, document[PROFILE_VARIABLE], source)


def _by_key(modules):
    by_key = collections.OrderedDict()
    for module in modules:
        if module.key in by_key:
            raise ProfileError("%s: key %s is already %s's" % (module.source, module.key, by_key[module.key].name))
        by_key[module.key] = module
    return by_key


MODULES = _by_key(load(name, path) for name, path in profile_files().items())

ALL = tuple(MODULES.values())
READ_ONLY = tuple(module for module in ALL if module.read_only)
