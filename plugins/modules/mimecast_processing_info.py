#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: mimecast_processing_info
short_description: List messages in Mimecast's processing queue
version_added: 1.0.0
description:
  - Lists the messages Mimecast is still processing or retrying (C(/api/gateway/find-processing-messages)), with
    their delivery attempts and status, as typed snake_case facts with a summary to assert on.
  - The queue is transient; an empty list is a normal answer.
  - Follows every result page; use O(max_results) to stop early.
  - Needs the C(Monitoring | Processing | Read) permission for the API user or API 2.0 application.
author:
  - mimecast.gateway contributors (@mimecast-gateway)
options:
  queue_type:
    description:
      - Which queue to list.
    type: str
    choices: [processing, bulk_processing]
    default: processing
  start:
    description:
      - Earliest creation time to list. ISO 8601 (V(2026-05-01), V(2026-05-01T08:00:00Z),
        V(2026-05-01T10:00:00+02:00)) or relative (V(now), V(-15m), V(-24h), V(-7d), V(-2w), or combined as in V(-1h30m)).
      - A date alone means 00:00:00 UTC; a time without an offset is UTC.
      - Mimecast's default is seven days ago.
    type: str
  end:
    description:
      - Latest creation time to list, in the same forms as O(start). A date alone means 23:59:59 UTC of that day.
      - Must not be before O(start).
    type: str
  sort_order:
    description:
      - Order of the results by date. Mimecast's default is V(descending).
    type: str
    choices: [ascending, descending]
  sort_by:
    description:
      - Field to sort by, passed to Mimecast as given.
      - The module cannot merge time windows in an order of Mimecast's choosing, so a query with O(sort_by) is paged
        serially, whatever O(concurrency).
    type: str
  search_by:
    description:
      - Only list messages whose field matches a value.
    type: dict
    suboptions:
      field_name:
        description:
          - The field to search; V(all) searches every field. These are the names every module of this collection uses
            (as M(mimecast.gateway.mimecast_hold_info) does); they are sent as Mimecast's C(ALL), C(fromAddress),
            C(toAddress), C(subject), C(info) and C(remoteIp).
          - Mimecast's own spellings V(ALL), V(fromAddress), V(toAddress) and V(remoteIp) are accepted too, as earlier
            releases took them.
        type: str
        required: true
        choices: [all, sender, recipient, subject, info, remote_ip, ALL, fromAddress, toAddress, remoteIp]
      value:
        description:
          - The text to look for. Must not be empty.
        type: str
        required: true
  route:
    description:
      - Only list messages on this route.
    type: str
    choices: [all, internal, outbound, inbound, external]
  attachments:
    description:
      - Only list messages with (V(true)) or without (V(false)) attachments.
    type: bool
  fields:
    description:
      - Return only these keys of each item of RV(messages), for example V([id, attempts, created]).
      - The choices are the keys Mimecast documents for a queued message, plus V(priority), which answers from live
        tenants carry. An item that lacks a key (Mimecast often omits V(locked_until)) is returned without it.
      - The RV(summary) is still computed from the whole items.
      - An unknown key fails before any request, listing the valid ones.
      - Without O(fields), every key Mimecast sends is returned, snake_cased, including keys not listed here.
    type: list
    elements: str
    choices: [id, from_env, from_header, to, subject, attachment, routing, size, remote_ip, attempts, next_attempt, created, locked_until,
              info, priority]
notes:
  - O(search_by.value) and O(sort_by) may be at most 1,000 characters long, and must not be empty or only white space; other values fail
    before any request, naming the option.
extends_documentation_fragment:
  - mimecast.gateway.connection
  - mimecast.gateway.results
  - mimecast.gateway.windows
  - mimecast.gateway.attributes
seealso:
  - module: mimecast.gateway.mimecast_hold_info
  - module: mimecast.gateway.mimecast_track_info
"""

EXAMPLES = r"""
- name: List the inbound processing queue
  mimecast.gateway.mimecast_processing_info:
    client_id: "{{ mimecast_client_id }}"
    client_secret: "{{ mimecast_client_secret }}"
    route: inbound
  register: queue

- name: Fail when mail is stuck
  ansible.builtin.assert:
    that:
      - queue.count < 100
      - (queue.messages | map(attribute='attempts') | list + [0]) | max < 10
    fail_msg: "{{ queue.count }} messages queued, oldest since {{ queue.summary.oldest }}"

- name: Find queued mail to one domain in the bulk queue, credentials from MIMECAST_* environment variables
  mimecast.gateway.mimecast_processing_info:
    queue_type: bulk_processing
    search_by:
      field_name: recipient
      value: example.org
    start: -2h
  register: bulk
"""

RETURN = r"""
messages:
  description:
    - The messages in the queue.
    - Each item holds the keys Mimecast sent, snake_cased; keys Mimecast adds beyond those listed here are
      returned too. Mimecast may leave out any key, V(locked_until) most often.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mimecast's secure ID of the message.
      type: str
      sample: eNoVzk0LgjAYAOB_sy0jF
    from_env:
      description: The envelope sender.
      type: dict
      contains:
        email_address:
          description: The address.
          type: str
          sample: alerts@example.net
        displayable_name:
          description: The display name.
          type: str
          sample: Example Alerts
    from_header:
      description: The header sender, with the same keys as RV(messages[].from_env).
      type: dict
      sample: {"email_address": "alerts@example.net", "displayable_name": "Example Alerts"}
    to:
      description: The recipient, with the same keys as RV(messages[].from_env).
      type: dict
      sample: {"email_address": "ops@example.com", "displayable_name": "Ops"}
    subject:
      description: The subject.
      type: str
      sample: Nightly report
    attachment:
      description: Whether the message has an attachment.
      type: bool
      sample: false
    routing:
      description: Direction of the message.
      type: str
      sample: outbound
    size:
      description: Size in bytes.
      type: int
      sample: 5120
    remote_ip:
      description: The connecting IP address.
      type: str
      sample: 192.0.2.10
    attempts:
      description: Processing attempts so far.
      type: int
      sample: 3
    next_attempt:
      description: When the next attempt is due, in UTC.
      type: str
      sample: "2026-11-22T10:05:00+0000"
    created:
      description: When the message entered the queue, in UTC.
      type: str
      sample: "2026-11-22T09:35:00+0000"
    locked_until:
      description: Until when the message is locked for system synchronisation, in UTC. Often absent.
      type: str
      sample: "2026-11-22T09:50:00+0000"
    info:
      description: Current processing status, in words; on live tenants often a long free-text explanation.
      type: str
      sample: Remote server unavailable
    priority:
      description: Processing priority. Not on Mimecast's page, but in answers from live tenants.
      type: str
      sample: normal
count:
  description: How many messages were returned.
  returned: success
  type: int
  sample: 1
truncated:
  description: Whether O(max_results) cut the list short while more results were available.
  returned: success
  type: bool
  sample: false
summary:
  description: Counts to assert on, computed over the returned messages.
  returned: success
  type: dict
  contains:
    total:
      description: How many messages were returned.
      type: int
      sample: 1
    by_route:
      description: Count per RV(messages[].routing), its keys lower case.
      type: dict
      sample: {"outbound": 1}
    by_info:
      description: Count per RV(messages[].info).
      type: dict
      sample: {"Remote server unavailable": 1}
    oldest:
      description: The earliest RV(messages[].created), or null when the queue is empty.
      type: str
      sample: "2026-11-22T09:35:00+0000"
    oldest_age_seconds:
      description: Age of the oldest message in seconds, or null when the queue is empty.
      type: int
      sample: 1800
    max_attempts:
      description: The most delivery attempts of any message, or null when the queue is empty.
      type: int
      sample: 7
      version_added: 1.1.0
error_type:
  description:
    - On failure, its kind. V(MimecastOptionError) is an option at fault, named in RV(option), found before any request;
      V(MimecastAuthenticationError) refused credentials or permissions; V(MimecastApiError) an error answer;
      V(MimecastTransportError) no usable answer; V(MimecastResponseError) an answer that cannot be read.
  returned: failure
  type: str
  sample: MimecastAuthenticationError
http_status:
  description: On failure, the HTTP status of Mimecast's last answer.
  returned: failure, when Mimecast answered
  type: int
  sample: 401
mimecast_errors:
  description: On failure, the error entries of Mimecast's answer, each with C(code), C(message) and C(retryable).
  returned: failure, when Mimecast sent some
  type: list
  elements: dict
  sample: [{"code": "err_xdk_invalid_signature", "message": "0004 Invalid Signature", "retryable": false}]
request_id:
  description: On failure, the request id Mimecast support asks for (the C(x-mc-req-id) sent, or the C(x-request-id) received).
  returned: failure, when a request was made
  type: str
  sample: 3d796b76-4180-40e5-8f7c-6e0fd643b1a9
attempts:
  description: On failure, how many times the failing call was tried.
  returned: failure, when a request was made
  type: int
  sample: 6
option:
  description: On failure, the option at fault.
  returned: failure, when an option is at fault
  type: str
  sample: region
"""

from ansible_collections.mimecast.gateway.plugins.module_utils.module_runner import execute, new_module
from ansible_collections.mimecast.gateway.plugins.module_utils.options import CONCURRENCY_ARGUMENT_SPEC
from ansible_collections.mimecast.gateway.plugins.module_utils.queries import processing_queue
from ansible_collections.mimecast.gateway.plugins.module_utils.results import fields_argument_spec


ARGUMENT_SPEC = dict(
    CONCURRENCY_ARGUMENT_SPEC,
    fields=fields_argument_spec(processing_queue.FIELDS),
    queue_type=dict(type="str", default="processing", choices=processing_queue.QUEUE_TYPES),
    start=dict(type="str"),
    end=dict(type="str"),
    sort_order=dict(type="str", choices=["ascending", "descending"]),
    sort_by=dict(type="str"),
    search_by=dict(type="dict", options=dict(
        field_name=dict(type="str", required=True, choices=processing_queue.SEARCH_FIELDS),
        value=dict(type="str", required=True),
    )),
    route=dict(type="str", choices=processing_queue.ROUTES),
    attachments=dict(type="bool"),
)


def run(module, client):
    return processing_queue.read(client, module.params, fields=module.params["fields"],
                                 summary_only=module.params["summary_only"])


def main():
    execute(new_module(ARGUMENT_SPEC), run)


if __name__ == "__main__":
    main()
