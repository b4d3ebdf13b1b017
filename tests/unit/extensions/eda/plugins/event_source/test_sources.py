# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The event sources, driven through ``main(queue, args)`` with an asyncio queue against the emulator.

The emulator runs in a thread of the test process; the sources poll it every few milliseconds. Tests wait
for events or for polls with generous deadlines and never assert on timing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import json
import logging
import time
import traceback
import urllib.request

import pytest

from ansible_collections.mimecast.gateway.extensions.eda.plugins.event_source import held_messages, processing_queue
from ansible_collections.mimecast.gateway.plugins.module_utils.client import MimecastClient
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastAuthenticationError, MimecastOptionError
from ansible_collections.mimecast.gateway.tests.emulator.mimecast_emulator import CREDENTIALS, start_in_thread


HOLD = "/api/gateway/get-hold-message-list"
PROCESSING = "/api/gateway/find-processing-messages"
DEADLINE = 60.0   # seconds: only ever reached when something is broken
FAST = 0.02       # the sources' interval in these tests


@pytest.fixture(scope="module")
def emulator():
    server, _url = start_in_thread(held=12, processing=6, tracked=0)
    yield server
    server.shutdown()


@pytest.fixture
def fresh(emulator):
    control(emulator, "/_emulator/reset", {"reseed": 1})
    yield emulator
    control(emulator, "/_emulator/reset", {"reseed": 1})


def control(server, path, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(server.base_url + path, data=data, method="GET" if data is None else "POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read().decode())


def connection(server, scheme="v2", **args):
    options = dict((name[len("MIMECAST_"):].lower(), value) for name, value in CREDENTIALS[scheme].items())
    options.update(base_url=server.base_url, interval=FAST, retries=0)
    options.update(args)
    return options


def hold_ids(server):
    return [record["id"] for record in control(server, "/_emulator/data")["held"]]


def hold_more(server, *ids, **fields):
    """Hold new messages (in the API's camelCase shape) beside the others."""
    held = control(server, "/_emulator/data")["held"]
    for identifier in ids:
        held.append(dict(dict(id=identifier, reasonCode="impersonation", reason="Impersonation Protection", route="INBOUND",
                              dateReceived="now", subject="Urgent wire transfer",
                              **{"from": {"emailAddress": "ceo@examp1e.com", "displayableName": ""}}), **fields))
    control(server, "/_emulator/data", {"held": held})


def release(server, *ids):
    held = [record for record in control(server, "/_emulator/data")["held"] if record["id"] not in ids]
    control(server, "/_emulator/data", {"held": held})


def polls(server, path=HOLD):
    """How many polls of ``path`` reached the emulator: its first pages."""
    with server.emulator.lock:
        return sum(1 for entry in server.emulator.requests
                   if entry["path"] == path and "pageToken" not in ((entry["body"] or {}).get("meta") or {}).get("pagination", {}))


async def wait_for_polls(server, count, path=HOLD):
    """Wait until ``count`` more polls of ``path`` have been answered (each one has finished once the next began)."""
    target = polls(server, path) + count + 1
    deadline = time.monotonic() + DEADLINE
    while polls(server, path) < target:
        assert time.monotonic() < deadline, "the source stopped polling"
        await asyncio.sleep(FAST)


async def next_events(queue, count):
    return [await asyncio.wait_for(queue.get(), DEADLINE) for _n in range(count)]


def run(coroutine):
    return asyncio.run(coroutine)


def ids_of(events):
    return [event["held_message"]["id"] for event in events]


# -- held_messages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["v2", "v1"])
def test_each_newly_held_message_is_one_event_and_never_two(fresh, scheme):
    async def scenario():
        queue = asyncio.Queue()
        source = asyncio.create_task(held_messages.main(queue, connection(fresh, scheme)))
        await wait_for_polls(fresh, 1)
        assert queue.empty(), "what was held before the start is not emitted"
        hold_more(fresh, "new-1", "new-2")
        events = await next_events(queue, 2)
        await wait_for_polls(fresh, 4)
        hold_more(fresh, "new-3")
        events += await next_events(queue, 1)
        await wait_for_polls(fresh, 3)
        leftover = queue.qsize()
        source.cancel()
        await source
        return events, leftover

    events, leftover = run(scenario())
    assert sorted(ids_of(events[:2])) == ["new-1", "new-2"] and ids_of(events[2:]) == ["new-3"]
    assert leftover == 0
    event = events[2]["held_message"]
    # The item is what mimecast_hold_info returns: snake_case keys, Mimecast's values.
    assert (event["reason_code"], event["route"], event["from"]["email_address"]) == ("impersonation", "INBOUND", "ceo@examp1e.com")


def test_emit_existing_emits_what_is_held_once(fresh):
    async def scenario():
        queue = asyncio.Queue()
        source = asyncio.create_task(held_messages.main(queue, connection(fresh, emit_existing=True)))
        events = await next_events(queue, len(hold_ids(fresh)))
        await wait_for_polls(fresh, 3)
        leftover = queue.qsize()
        source.cancel()
        await source
        return events, leftover

    events, leftover = run(scenario())
    assert sorted(ids_of(events)) == sorted(hold_ids(fresh))
    assert leftover == 0
    received = [event["held_message"]["date_received"] for event in events]
    assert received == sorted(received), "oldest first"


def test_search_by_and_start_are_those_of_the_hold_list_module(fresh):
    async def scenario():
        queue = asyncio.Queue()
        source = asyncio.create_task(held_messages.main(queue, connection(
            fresh, search_by=dict(field_name="reason_code", value="impersonation"), start="-1h")))
        await wait_for_polls(fresh, 1)
        source.cancel()
        await source

    run(scenario())
    with fresh.emulator.lock:
        sent = [entry["body"]["data"][0] for entry in fresh.emulator.requests if entry["path"] == HOLD][0]
    assert sent["searchBy"] == {"fieldName": "reasonCode", "value": "impersonation"}
    assert sent["admin"] is True and sent["start"].endswith("+0000")


def test_memory_stays_bounded_to_what_is_held(fresh):
    params = held_messages.HeldMessages(dict(search_by=None, start=None, emit_existing=False, state_file=None, page_size=100))
    client = MimecastClient(_settings(fresh))
    try:
        params(client)
        before = set(hold_ids(fresh))
        assert set(params.seen) == before
        gone = sorted(before)[:5]
        release(fresh, *gone)
        for _poll in range(held_messages.FORGET_AFTER):
            assert params(client) == []
            assert set(params.seen) == before, "a message missing from a few polls is still remembered"
        params(client)
        assert set(params.seen) == before - set(gone)
    finally:
        client.close()


def _settings(server):
    return ConnectionSettings.from_params(dict(connection(server), page_size=100))


def test_a_state_file_carries_what_was_seen_across_a_restart(fresh, tmp_path):
    state = str(tmp_path / "held.json")

    async def first_run():
        queue = asyncio.Queue()
        source = asyncio.create_task(held_messages.main(queue, connection(fresh, state_file=state)))
        await wait_for_polls(fresh, 2)
        source.cancel()
        await source
        return queue.qsize()

    async def second_run():
        queue = asyncio.Queue()
        source = asyncio.create_task(held_messages.main(queue, connection(fresh, state_file=state)))
        events = await next_events(queue, 1)
        await wait_for_polls(fresh, 2)
        leftover = queue.qsize()
        source.cancel()
        await source
        return events, leftover

    assert run(first_run()) == 0
    with open(state) as handle:
        assert sorted(json.load(handle)["seen"]) == sorted(hold_ids(fresh))
    hold_more(fresh, "held-while-stopped")
    events, leftover = run(second_run())
    assert ids_of(events) == ["held-while-stopped"] and leftover == 0


def test_an_unreadable_state_file_stops_the_source_naming_it(fresh, tmp_path):
    state = tmp_path / "held.json"
    state.write_text("{not json")
    with pytest.raises(MimecastOptionError) as caught:
        run(held_messages.main(asyncio.Queue(), connection(fresh, state_file=str(state))))
    assert caught.value.option == "state_file" and str(state) in str(caught.value)


# -- behaviour of both ------------------------------------------------------------------------------------


def test_transient_faults_are_logged_and_polling_goes_on(fresh, caplog):
    caplog.set_level(logging.DEBUG)

    async def scenario():
        queue = asyncio.Queue()
        source = asyncio.create_task(held_messages.main(queue, connection(fresh)))
        await wait_for_polls(fresh, 1)
        control(fresh, "/_emulator/faults", {"faults": [dict(kind="status", status=503, html=True, path=HOLD, count=3),
                                                        dict(kind="drop", path=HOLD, count=1)]})
        hold_more(fresh, "after-the-storm")
        events = await next_events(queue, 1)
        source.cancel()
        await source
        return events

    events = run(scenario())
    assert ids_of(events) == ["after-the-storm"]
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any("HTTP 503" in message and "polling again" in message for message in warnings), warnings
    assert any("No answer from" in message for message in warnings), warnings


def test_cancel_stops_cleanly_and_closes_the_session(fresh, monkeypatch):
    closed = []
    real_close = MimecastClient.close
    monkeypatch.setattr(MimecastClient, "close", lambda client: (closed.append(client), real_close(client)))

    async def scenario():
        tasks = [asyncio.create_task(held_messages.main(asyncio.Queue(), connection(fresh))),
                 asyncio.create_task(processing_queue.main(asyncio.Queue(), connection(fresh)))]
        await wait_for_polls(fresh, 1)
        await wait_for_polls(fresh, 1, PROCESSING)
        for task in tasks:
            task.cancel()
        return [await task for task in tasks]

    assert run(scenario()) == [None, None]
    assert len(closed) == 2


@pytest.mark.parametrize("args, option, words", [
    (dict(interval=0), "interval", "more than 0 seconds"),
    (dict(page_size=501), "page_size", "between 1 and 500"),
    (dict(search_by=dict(field_name="reason", value="x")), None, "field_name"),
    (dict(emit_existing="perhaps"), None, "emit_existing"),
    (dict(colour="blue"), None, "Unsupported parameters for mimecast.gateway.held_messages: colour"),
    (dict(region="mars", base_url=None), None, "region"),
])
def test_bad_arguments_end_the_source_at_once_with_the_modules_message(fresh, args, option, words):
    with pytest.raises(MimecastOptionError) as caught:
        run(held_messages.main(asyncio.Queue(), connection(fresh, **args)))
    assert caught.value.option == option
    assert words in str(caught.value)
    assert polls(fresh) == 0


def test_refused_credentials_end_the_source_at_once(fresh):
    with pytest.raises(MimecastAuthenticationError) as caught:
        run(processing_queue.main(asyncio.Queue(), connection(fresh, client_secret="not-the-secret-Wx3", retries=5)))
    assert "invalid_client" in str(caught.value) and "not-the-secret-Wx3" not in str(caught.value)
    assert polls(fresh, PROCESSING) == 0
    # ansible-rulebook logs the traceback of a source that stops: it starts where the source gives up, not in the client.
    frames = traceback.extract_tb(caught.value.__traceback__)
    assert [frame.name for frame in frames if frame.filename.endswith(("client.py", "_auth.py", "_paging.py"))] == []
    assert frames[-1].name == "run_source"


def test_the_environment_gives_the_credentials_as_for_the_modules(fresh, monkeypatch):
    for name, value in CREDENTIALS["v1"].items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MIMECAST_BASE_URL", fresh.base_url)

    async def scenario():
        queue = asyncio.Queue()
        source = asyncio.create_task(processing_queue.main(queue, dict(interval=FAST, retries=0)))
        event = (await next_events(queue, 1))[0]
        source.cancel()
        await source
        return event

    assert run(scenario())["processing_queue"]["queue_type"] == "processing"
    with fresh.emulator.lock:
        assert all("x-mc-req-id" in entry["headers"] for entry in fresh.emulator.requests if entry["path"] == PROCESSING)


# -- processing_queue --------------------------------------------------------------------------------------


def test_processing_queue_emits_the_modules_summary_every_interval(fresh):
    async def scenario():
        queue = asyncio.Queue()
        source = asyncio.create_task(processing_queue.main(queue, connection(fresh, route="outbound")))
        events = await next_events(queue, 3)
        source.cancel()
        await source
        return events

    events = run(scenario())
    records = [record for record in control(fresh, "/_emulator/data")["processing"] if record["routing"] == "outbound"]
    for event in events:
        assert set(event) == {"processing_queue"}
        queue = event["processing_queue"]
        assert (queue["queue_type"], queue["count"]) == ("processing", len(records))
        summary = queue["summary"]
        assert set(summary) == {"total", "by_route", "by_info", "oldest", "oldest_age_seconds", "max_attempts"}
        assert summary["by_route"] == ({"outbound": len(records)} if records else {})
        assert summary["max_attempts"] == (max(record["attempts"] for record in records) if records else None)


def test_debug_logs_hold_no_secret(fresh, caplog):
    caplog.set_level(logging.DEBUG)

    async def scenario(scheme):
        queue = asyncio.Queue()
        control(fresh, "/_emulator/faults", {"faults": [dict(kind="status", status=502, path=PROCESSING, count=1),
                                                        dict(kind="rate_limit", path=HOLD, reset_ms=10, count=1)]})
        tasks = [asyncio.create_task(held_messages.main(queue, connection(fresh, scheme, emit_existing=True))),
                 asyncio.create_task(processing_queue.main(queue, connection(fresh, scheme)))]
        await wait_for_polls(fresh, 2)
        await wait_for_polls(fresh, 2, PROCESSING)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks)

    run(scenario("v2"))
    run(scenario("v1"))
    logged = caplog.text
    assert "polling" in logged
    secrets = [value for scheme in ("v1", "v2") for name, value in CREDENTIALS[scheme].items() if name != "MIMECAST_APP_ID"]
    secrets += control(fresh, "/_emulator/tokens")["tokens"]
    for secret in secrets:
        assert secret not in logged
