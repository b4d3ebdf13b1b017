# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
author:
  - mimecast.gateway contributors (@mimecast-gateway)
short_description: Emit an event for each message newly held by Mimecast
description:
  - An ansible-rulebook event source that polls Mimecast's hold list every O(interval) seconds and emits one event
    per newly held message, C({"held_message": {...}}). The item is exactly what M(mimecast.gateway.mimecast_hold_info)
    returns for it (C(id), C(reason_code), C(from), C(to), C(subject), C(date_received), ...).
  - What is already held when the source starts is not emitted, unless O(emit_existing=true).
  - No event is emitted twice. Ids are remembered while the message stays held and forgotten a few polls after it
    left the hold list, so memory stays bounded.
  - Across a restart, without O(state_file), the source starts afresh, so a message held while it was stopped is
    not emitted. With O(state_file), the ids are kept in that file, and on restart the source emits exactly the
    messages held in the meantime.
  - Transient failures (rate limits, server errors, dropped connections, once the client's O(retries) are used up)
    are logged and the source polls again after a back-off, doubling from O(interval) to 15 minutes. Bad arguments and
    refused credentials end the source at once, with the message the modules give.
  - Each poll reads the whole hold list (within O(start) and O(search_by)): one call per O(page_size) messages,
    against the API user's rate limit, which every job, fork and source of that user shares.
  - Needs the C(Account | Dashboard | Read) permission.
version_added: 1.1.0
options:
  interval:
    description: Seconds between polls.
    type: float
    default: 60
  search_by:
    description:
      - Only messages whose field matches a value, as O(mimecast.gateway.mimecast_hold_info#module:search_by).
      - C(field_name) is one of C(all), C(subject), C(sender), C(recipient), C(reason_code) or C(sender_ip); C(value)
        the text to look for.
    type: dict
  start:
    description:
      - Only messages received since then, as O(mimecast.gateway.mimecast_hold_info#module:start). A relative time
        such as C(-24h) moves with each poll.
    type: str
  emit_existing:
    description: Emit the messages already held when the source starts, once each.
    type: bool
    default: false
  state_file:
    description:
      - A file to keep the ids of the held messages in between polls and across restarts. It is written after each
        poll (atomically); its directory must exist.
    type: path
  page_size:
    description: How many held messages to ask for per page, from 1 to 500.
    type: int
    default: 100
  client_id:
    description: API 2.0 client ID. If not set, E(MIMECAST_CLIENT_ID) is used.
    type: str
  client_secret:
    description: API 2.0 client secret. If not set, E(MIMECAST_CLIENT_SECRET) is used.
    type: str
  access_key:
    description: API 1.0 access key. If not set, E(MIMECAST_ACCESS_KEY) is used.
    type: str
  secret_key:
    description: API 1.0 secret key. If not set, E(MIMECAST_SECRET_KEY) is used.
    type: str
  app_id:
    description: API 1.0 application ID. If not set, E(MIMECAST_APP_ID) is used.
    type: str
  app_key:
    description: API 1.0 application key. If not set, E(MIMECAST_APP_KEY) is used.
    type: str
  base_url:
    description: Base URL of the Mimecast API. If not set, E(MIMECAST_BASE_URL) is used.
    type: str
  region:
    description: Region of the account, instead of O(base_url). If not set, E(MIMECAST_REGION) is used.
    type: str
  validate_certs:
    description: Whether to verify TLS certificates. If not set, E(MIMECAST_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description: A CA bundle to verify the server's certificate with.
    type: path
  proxy:
    description: An HTTP(S) proxy URL.
    type: str
  timeout:
    description: Seconds to wait for an answer.
    type: float
    default: 30
  retries:
    description: How often the client retries a failed call before the poll counts as failed.
    type: int
    default: 5
  max_retry_wait:
    description: The most seconds the client waits in all for the retries of one call.
    type: float
    default: 300
notes:
  - The connection options are the modules' (M(mimecast.gateway.mimecast_hold_info) documents them in full), with the
    same E(MIMECAST_*) environment variables, which is how EDA controller passes credentials.
"""

EXAMPLES = r"""
- name: React to messages held for impersonation
  hosts: localhost
  sources:
    - mimecast.gateway.held_messages:
        interval: 60
        search_by:
          field_name: reason_code
          value: impersonation
  rules:
    - name: Reject it
      condition: event.held_message.reason_code == "impersonation"
      action:
        run_playbook:
          name: reject_impersonation.yml
"""

import json
import logging
import os
import sys
import tempfile

# ansible-rulebook runs a source with runpy.run_path, without Ansible's collection loader: make the collections
# root this file is installed in importable (<root>/ansible_collections/mimecast/gateway/extensions/eda/plugins/event_source).
_COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 7))
if os.path.isdir(os.path.join(_COLLECTIONS_ROOT, "ansible_collections")) and _COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, _COLLECTIONS_ROOT)

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError  # noqa: E402 pylint: disable=wrong-import-position
from ansible_collections.mimecast.gateway.plugins.module_utils.queries import hold_list  # noqa: E402 pylint: disable=wrong-import-position
from ansible_collections.mimecast.gateway.plugins.plugin_utils._event_polling import run_source  # noqa: E402 pylint: disable=wrong-import-position

logger = logging.getLogger("mimecast.gateway.event_source")

SOURCE_OPTIONS = dict(
    search_by=dict(type="dict", options=dict(
        field_name=dict(type="str", required=True, choices=hold_list.SEARCH_FIELDS),
        value=dict(type="str", required=True),
    )),
    start=dict(type="str"),
    emit_existing=dict(type="bool", default=False),
    state_file=dict(type="path"),
)
# Polls an id may be missing from before it is forgotten: a message seldom leaves and comes back, but a list
# that changes while it is paged may skip one for a poll, and that must not make it "new" again.
FORGET_AFTER = 3
STATE_VERSION = 1


class HeldMessages:
    """One poll of the hold list: the events of the messages not seen before, oldest first."""

    def __init__(self, params):
        self.params = params
        self.state_file = params.get("state_file")
        # id -> polls in a row it was missing from
        self.seen = {}
        self.started = False
        if self.state_file and os.path.exists(self.state_file):
            self.seen = load_state(self.state_file)
            self.started = True  # what was held before the restart was emitted then

    def __call__(self, client):
        held = hold_list.read(client, self.params)[hold_list.RESULT]
        held = [item for item in held if isinstance(item.get("id"), str)]
        held.sort(key=lambda item: str(item.get("date_received") or ""))
        if self.started or self.params["emit_existing"]:
            new = [item for item in held if item["id"] not in self.seen]
        else:
            new = []
        self.started = True
        self._remember(item["id"] for item in held)
        if self.state_file:
            save_state(self.state_file, self.seen)
        return [{"held_message": item} for item in new]

    def _remember(self, current):
        current = set(current)
        for identifier in list(self.seen):
            if identifier not in current:
                self.seen[identifier] += 1
                if self.seen[identifier] > FORGET_AFTER:
                    del self.seen[identifier]
        for identifier in current:
            self.seen[identifier] = 0


def load_state(path):
    try:
        with open(path) as handle:
            document = json.load(handle)
        seen = document["seen"]
        if document.get("version") != STATE_VERSION or not isinstance(seen, dict):
            raise ValueError("not a state file of this version")
        return dict((str(identifier), int(misses)) for identifier, misses in seen.items())
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MimecastOptionError("state_file", "state_file %s cannot be read (%s); remove it to start afresh" % (path, exc))


def save_state(path, seen):
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".held_messages-", suffix=".tmp")
    with os.fdopen(handle, "w") as state:
        json.dump(dict(version=STATE_VERSION, seen=seen), state)
    os.replace(temporary, path)  # readers never see a half-written file


async def main(queue, args):
    """Emit ``{"held_message": {...}}`` for each message newly held, until cancelled."""
    await run_source(queue, args, SOURCE_OPTIONS, HeldMessages, "held_messages")


if __name__ == "__main__":
    import asyncio

    class PrintQueue:
        async def put(self, event):
            print(json.dumps(event))

    asyncio.run(main(PrintQueue(), dict(interval=10, emit_existing=True)))
