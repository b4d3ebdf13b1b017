# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Real ansible-playbook runs of the three modules against the emulator, with both auth schemes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections

import pytest

from harness import CREDENTIALS, scheme_env
from playbook_factory import RUN_MODULE

pytestmark = pytest.mark.e2e


def _tally(records, field):
    return dict(collections.Counter(record[field] for record in records))


def expected_from(data):
    """What a complete, correct answer holds, computed from the emulator's own records."""
    held, processing, tracked = data["held"], data["processing"], data["tracked"]
    inbound = [record for record in tracked if record["route"] == "inbound"]
    # modules.yml checks the probe's attachments flag: the field (and the emulator) leave it out on some messages.
    probe = next(record for record in tracked if "attachments" in record)
    return dict(
        held_ids=[record["id"] for record in held],
        held_by_reason_code=_tally(held, "reasonCode"),
        # Summaries count routes lower case on every module; the hold list's items say INBOUND.
        held_by_route=_tally([dict(record, route=record["route"].lower()) for record in held], "route"),
        held_oldest=min(held, key=lambda record: record["dateReceived"])["dateReceived"],
        processing_ids=[record["id"] for record in processing],
        processing_by_route=_tally(processing, "routing"),
        processing_by_info=_tally(processing, "info"),
        processing_oldest=min(processing, key=lambda record: record["created"])["created"],
        tracked_message_id=probe["messageId"],
        tracked_id=probe["id"],
        tracked_status=probe["status"],
        inbound_ids=[record["id"] for record in inbound],
    )


@pytest.mark.parametrize("scheme", ["v2", "v1"])
def test_modules_return_complete_typed_facts(fresh_emulator, ansible_playbook, scheme):
    expected = expected_from(fresh_emulator.data())
    run = ansible_playbook("modules.yml", env=scheme_env(fresh_emulator, scheme), extra_vars=dict(expected=expected))
    assert run.rc == 0, run

    api_calls = fresh_emulator.api_requests()
    # The emulator redacts Authorization in its log; the API 1.0 signing headers tell the schemes apart.
    signed = set("x-mc-req-id" in call["headers"] and "x-mc-date" in call["headers"] for call in api_calls)
    assert signed == {scheme == "v1"}
    assert all(call["status"] == 200 for call in api_calls)
    # Seven per page: the hold list took ceil(n / 7) requests, each asking camelCase pageSize 7.
    hold_calls = [call for call in api_calls if call["path"] == "/api/gateway/get-hold-message-list"]
    full_listing = [call for call in hold_calls if call["body"]["meta"]["pagination"]["pageSize"] == 7]
    assert len(full_listing) == -(-len(expected["held_ids"]) // 7)
    tokens = [call for call in fresh_emulator.requests() if call["path"] == "/oauth/token"]
    # API 2.0: one token per module run (seven module runs in the playbook); API 1.0: none.
    assert len(tokens) == (7 if scheme == "v2" else 0)


def test_check_mode_returns_data(fresh_emulator, ansible_playbook):
    expected = expected_from(fresh_emulator.data())
    run = ansible_playbook("modules.yml", env=scheme_env(fresh_emulator, "v2"), extra_vars=dict(expected=expected), check=True)
    assert run.rc == 0, run
    assert fresh_emulator.api_requests(), "check mode must still query Mimecast"


def test_module_defaults_through_the_action_group(fresh_emulator, ansible_playbook):
    data = fresh_emulator.data()
    connection = dict(client_id=CREDENTIALS["v2"]["MIMECAST_CLIENT_ID"],
                      client_secret=CREDENTIALS["v2"]["MIMECAST_CLIENT_SECRET"],
                      base_url=fresh_emulator.base_url)
    expected = dict(held=len(data["held"]), bulk_processing=len(data["bulk_processing"]),
                    outbound=len([record for record in data["tracked"] if record["route"] == "outbound"]))
    run = ansible_playbook("module_defaults.yml", extra_vars=dict(connection=connection, expected=expected))
    assert run.rc == 0, run
    assert all(call["body"]["meta"]["pagination"]["pageSize"] == 50 for call in fresh_emulator.api_requests())


def test_filters_reach_the_server(fresh_emulator, ansible_playbook):
    data = fresh_emulator.data()
    reason = data["held"][0]["reasonCode"]
    run = ansible_playbook(RUN_MODULE, env=scheme_env(fresh_emulator, "v1"), extra_vars=dict(
        module="hold", module_args=dict(search_by=dict(field_name="reason_code", value=reason), start="-30d", end="now")))
    assert run.rc == 0, run
    result = run.results()["Run mimecast_hold_info"]
    assert result["count"] == len([record for record in data["held"] if reason in record["reasonCode"]])
    assert set(result["summary"]["by_reason_code"]) == set(
        record["reasonCode"] for record in data["held"] if reason in record["reasonCode"])
    sent = fresh_emulator.api_requests()[0]["body"]["data"][0]
    assert sent["admin"] is True
    # Mimecast's page spells it reason_code; the live service (and the emulator) filter only on reasonCode.
    assert sent["searchBy"] == {"fieldName": "reasonCode", "value": reason}
    assert sent["start"].endswith("+0000") and sent["end"].endswith("+0000")


def test_processing_filters_and_bulk_queue(fresh_emulator, ansible_playbook):
    data = fresh_emulator.data()
    run = ansible_playbook(RUN_MODULE, env=scheme_env(fresh_emulator, "v2"), extra_vars=dict(
        module="processing", module_args=dict(queue_type="bulk_processing", route="outbound", attachments=True, start="-30d")))
    assert run.rc == 0, run
    result = run.results()["Run mimecast_processing_info"]
    wanted = [r["id"] for r in data["bulk_processing"] if r["routing"] == "outbound" and r["attachment"] in (True, "true")]
    assert sorted(message["id"] for message in result["messages"]) == sorted(wanted)
    sent = fresh_emulator.api_requests()[0]["body"]["data"][0]
    assert sent["type"] == "bulk_processing"
    assert sent["filterBy"] == [{"fieldName": "route", "value": "outbound"}, {"fieldName": "attachments", "value": "true"}]
