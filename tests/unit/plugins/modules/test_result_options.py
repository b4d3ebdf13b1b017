# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""summary_only and fields, the same on every module: same summary as the full result, same ids."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib

import pytest

from ansible_collections.mimecast.gateway.tests import module_registry
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    V2_CREDENTIALS,
    FailJson,
    FakeTransport,
    call_main,
    page,
    token_answer,
)

# Every module that lists (tests/module_registry.py): the module, its list fact, where its items sit in data,
# extra options it needs, a raw item of its answer (its profile's raw_answer_item).
MODULES = [
    (importlib.import_module("ansible_collections.mimecast.gateway.plugins.modules." + entry.name), entry.fact,
     entry.answer_items, entry.args, entry.raw_answer_item)
    for entry in module_registry.READ_ONLY
]


def run(monkeypatch, module, items_key, extra, raw, **options):
    """Three pages of answers, then main() end to end; returns the exit_json result."""
    answers = [
        page([dict(raw, id="%s%d" % (raw["id"], n)) for n in range(first, first + 2)], next_token, items_key=items_key)
        for first, next_token in ((0, "p2"), (2, "p3"), (4, None))]
    args = dict(V2_CREDENTIALS)
    args.update(extra)
    args.update(options)
    outcome = call_main(monkeypatch, module, args, transport=FakeTransport(answers, token_answers=[token_answer()]))
    assert not isinstance(outcome, FailJson), outcome.result
    return outcome.result


@pytest.mark.parametrize("module, fact, items_key, extra, raw", MODULES)
def test_summary_only_has_the_full_summary_and_no_items(monkeypatch, module, fact, items_key, extra, raw):
    full = run(monkeypatch, module, items_key, extra, raw)
    brief = run(monkeypatch, module, items_key, extra, raw, summary_only=True)
    assert len(full[fact]) == 6
    assert brief[fact] == []
    assert brief["summary"] == full["summary"]
    assert brief["count"] == full["count"] == 6
    assert brief["truncated"] is full["truncated"] is False


@pytest.mark.parametrize("module, fact, items_key, extra, raw", MODULES)
def test_fields_trims_items_but_keeps_ids_and_summary(monkeypatch, module, fact, items_key, extra, raw):
    full = run(monkeypatch, module, items_key, extra, raw)
    trimmed = run(monkeypatch, module, items_key, extra, raw, fields=["id"])
    assert [item["id"] for item in trimmed[fact]] == [item["id"] for item in full[fact]]
    assert all(set(item) == set(["id"]) for item in trimmed[fact])
    assert trimmed["summary"] == full["summary"]


@pytest.mark.parametrize("module, fact, items_key, extra, raw", MODULES)
def test_unknown_field_fails_before_any_request_listing_the_valid_ones(monkeypatch, module, fact, items_key, extra, raw):
    transport = FakeTransport([])
    args = dict(V2_CREDENTIALS, fields=["id", "no_such_key"])
    args.update(extra)
    outcome = call_main(monkeypatch, module, args, transport=transport)
    assert isinstance(outcome, FailJson)
    assert "fields" in outcome.result["msg"] and "no_such_key" in outcome.result["msg"]
    assert ", ".join(module.ARGUMENT_SPEC["fields"]["choices"]) in outcome.result["msg"]
    assert transport.requests == []


@pytest.mark.parametrize("module", [entry[0] for entry in MODULES])
def test_fields_choices_are_the_documented_return_keys(module):
    import yaml  # pylint: disable=import-outside-toplevel
    returned = yaml.safe_load(module.RETURN)
    fact = [name for name in returned if returned[name].get("type") == "list"][0]
    assert sorted(returned[fact]["contains"]) == sorted(module.ARGUMENT_SPEC["fields"]["choices"])
