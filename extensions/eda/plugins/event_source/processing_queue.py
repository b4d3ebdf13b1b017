# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
author:
  - mimecast.gateway contributors (@mimecast-gateway)
short_description: Emit the state of Mimecast's processing queue at every interval
description:
  - An ansible-rulebook event source that reads Mimecast's processing queue every O(interval) seconds and emits one
    event, C({"processing_queue": {"queue_type": ..., "count": ..., "summary": {...}}}).
  - The summary is M(mimecast.gateway.mimecast_processing_info)'s, C(total), C(by_route), C(by_info), C(oldest),
    C(oldest_age_seconds) and C(max_attempts). Rulebooks put their thresholds in conditions, for example
    C(event.processing_queue.count > 100) or C(event.processing_queue.summary.oldest_age_seconds > 3600).
  - Transient failures (rate limits, server errors, dropped connections, once the client's O(retries) are used up)
    are logged and the source polls again after a back-off, doubling from O(interval) to 15 minutes. Bad arguments and
    refused credentials end the source at once, with the message the modules give.
  - Each poll reads the whole queue (Mimecast's default window is the last 7 days): one call per O(page_size)
    messages, against the API user's rate limit, which every job, fork and source of that user shares.
  - Needs the C(Monitoring | Processing | Read) permission.
version_added: 1.1.0
options:
  interval:
    description: Seconds between polls.
    type: float
    default: 60
  queue_type:
    description: Which queue to read, as O(mimecast.gateway.mimecast_processing_info#module:queue_type).
    type: str
    choices: [processing, bulk_processing]
    default: processing
  route:
    description: Only messages on this route, as O(mimecast.gateway.mimecast_processing_info#module:route).
    type: str
    choices: [all, internal, outbound, inbound, external]
  search_by:
    description:
      - Only messages whose field matches a value, as O(mimecast.gateway.mimecast_processing_info#module:search_by).
      - C(field_name) is one of C(all), C(sender), C(recipient), C(subject), C(info) or C(remote_ip) (Mimecast's own
        C(ALL), C(fromAddress), C(toAddress) and C(remoteIp) are accepted too); C(value) the text to look for.
    type: dict
  page_size:
    description: How many messages to ask for per page, from 1 to 500.
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
  - The connection options are the modules' (M(mimecast.gateway.mimecast_processing_info) documents them in full),
    with the same E(MIMECAST_*) environment variables, which is how EDA controller passes credentials.
"""

EXAMPLES = r"""
- name: Page the on-call person when the processing queue backs up
  hosts: localhost
  sources:
    - mimecast.gateway.processing_queue:
        interval: 120
        route: outbound
  rules:
    - name: Queue over 100 or stuck for an hour
      condition: event.processing_queue.count > 100 or event.processing_queue.summary.oldest_age_seconds > 3600
      action:
        run_playbook:
          name: queue_report.yml
"""

import os
import sys

# ansible-rulebook runs a source with runpy.run_path, without Ansible's collection loader: make the collections
# root this file is installed in importable (<root>/ansible_collections/mimecast/gateway/extensions/eda/plugins/event_source).
_COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 7))
if os.path.isdir(os.path.join(_COLLECTIONS_ROOT, "ansible_collections")) and _COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, _COLLECTIONS_ROOT)

from ansible_collections.mimecast.gateway.plugins.module_utils.queries import processing_queue  # noqa: E402 pylint: disable=wrong-import-position
from ansible_collections.mimecast.gateway.plugins.plugin_utils._event_polling import run_source  # noqa: E402 pylint: disable=wrong-import-position

SOURCE_OPTIONS = dict(
    queue_type=dict(type="str", default="processing", choices=processing_queue.QUEUE_TYPES),
    route=dict(type="str", choices=processing_queue.ROUTES),
    search_by=dict(type="dict", options=dict(
        field_name=dict(type="str", required=True, choices=processing_queue.SEARCH_FIELDS),
        value=dict(type="str", required=True),
    )),
)


class ProcessingQueue:
    """One poll: the queue's count and summary, as mimecast_processing_info reports them."""

    def __init__(self, params):
        self.params = params

    def __call__(self, client):
        facts = processing_queue.read(client, self.params, summary_only=True)
        return [{"processing_queue": dict(queue_type=self.params["queue_type"], count=facts["count"], summary=facts["summary"])}]


async def main(queue, args):
    """Emit ``{"processing_queue": {...}}`` every interval, until cancelled."""
    await run_source(queue, args, SOURCE_OPTIONS, ProcessingQueue, "processing_queue")


if __name__ == "__main__":
    import asyncio
    import json

    class PrintQueue:
        async def put(self, event):
            print(json.dumps(event))

    asyncio.run(main(PrintQueue(), dict(interval=10)))
