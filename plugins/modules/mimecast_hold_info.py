#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: mimecast_hold_info
short_description: List messages held by Mimecast
version_added: 1.0.0
description:
  - Lists the messages in Mimecast's hold queue (C(/api/gateway/get-hold-message-list)), with the reason each is
    held, its route, sender and recipient, as typed snake_case facts with a summary to assert on.
  - Follows every result page; use O(max_results) to stop early.
  - Needs the C(Account | Dashboard | Read) permission for the API user or API 2.0 application.
author:
  - mimecast.gateway contributors (@mimecast-gateway)
options:
  admin:
    description:
      - List held messages for all recipients. Set V(false) to list only the mail of the user the credentials
        belong to, which is Mimecast's own default and rarely what an administrator wants.
    type: bool
    default: true
  start:
    description:
      - Earliest time of receipt to list. ISO 8601 (V(2026-05-01), V(2026-05-01T08:00:00Z),
        V(2026-05-01T10:00:00+02:00)) or relative (V(now), V(-15m), V(-24h), V(-7d), V(-2w), or combined as in V(-1h30m)).
      - A date alone means 00:00:00 UTC; a time without an offset is UTC.
    type: str
  end:
    description:
      - Latest time of receipt to list, in the same forms as O(start). A date alone means 23:59:59 UTC of that day.
      - Must not be before O(start).
    type: str
  search_by:
    description:
      - Only list messages whose field matches a value.
    type: dict
    suboptions:
      field_name:
        description:
          - The field to search. V(sender_ip) matches the sender's IP address; V(all) searches every field.
          - V(reason_code) and V(sender_ip) are sent as C(reasonCode) and C(senderIP). Mimecast's page for this
            endpoint spells the first C(reason_code), but the live service does not filter on that spelling. Other
            integrations found this in the field and changed to C(reasonCode) in 2025. You write snake_case, as
            everywhere else in this collection; the module sends what the service takes.
        type: str
        required: true
        choices: [all, subject, sender, recipient, reason_code, sender_ip]
      value:
        description:
          - The text to look for. Must not be empty.
          - With O(search_by.field_name=sender_ip), an IPv4 or IPv6 address.
        type: str
        required: true
  fields:
    description:
      - Return only these keys of each item of RV(held_messages), for example V([id, reason_code, date_received]).
      - The choices are the keys Mimecast documents for a held message. An item that lacks a key (Mimecast often
        omits V(to_header)) is returned without it.
      - The RV(summary) is still computed from the whole items.
      - An unknown key fails before any request, listing the valid ones.
      - Without O(fields), every key Mimecast sends is returned, snake_cased, including keys not listed here.
    type: list
    elements: str
    choices: [id, reason, reason_id, reason_code, from, from_header, to, to_header, subject, route, has_attachments, size, date_received, policy_info]
notes:
  - O(search_by.value) may be at most 1,000 characters long, and must not be empty or only white space; other values fail
    before any request, naming the option.
extends_documentation_fragment:
  - mimecast.gateway.connection
  - mimecast.gateway.results
  - mimecast.gateway.windows
  - mimecast.gateway.attributes
seealso:
  - module: mimecast.gateway.mimecast_held_message
    description: Release or reject the messages this module lists, by their RV(held_messages[].id).
  - module: mimecast.gateway.mimecast_processing_info
  - module: mimecast.gateway.mimecast_track_info
"""

EXAMPLES = r"""
- name: List every held message of the last day
  mimecast.gateway.mimecast_hold_info:
    client_id: "{{ mimecast_client_id }}"
    client_secret: "{{ mimecast_client_secret }}"
    start: -24h
  register: held

- name: Fail when anything is held for impersonation
  ansible.builtin.assert:
    that:
      - held.summary.by_reason_code.impersonation | default(0) == 0
      - held.summary.oldest_age_seconds is none or held.summary.oldest_age_seconds < 86400
    fail_msg: "{{ held.count }} held; oldest held since {{ held.summary.oldest }}"

- name: Find held messages from one sender, credentials from MIMECAST_* environment variables
  mimecast.gateway.mimecast_hold_info:
    search_by:
      field_name: sender
      value: billing@example.com
  register: from_billing

- name: List what is held for impersonation, a few keys of each
  mimecast.gateway.mimecast_hold_info:
    search_by:
      field_name: reason_code
      value: impersonation
    fields: [id, from, to, subject, date_received]
  register: impersonation

- name: Use API 1.0 keys in the EU region, first 50 results only
  mimecast.gateway.mimecast_hold_info:
    access_key: "{{ mimecast_access_key }}"
    secret_key: "{{ mimecast_secret_key }}"
    app_id: "{{ mimecast_app_id }}"
    app_key: "{{ mimecast_app_key }}"
    region: eu
    max_results: 50
  register: first_held
"""

RETURN = r"""
held_messages:
  description:
    - The held messages, oldest or newest first as Mimecast returns them.
    - Each item holds the keys Mimecast sent, snake_cased; keys Mimecast adds beyond those listed here are
      returned too. Mimecast may leave out any key, V(to_header) most often.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mimecast's secure ID of the message, for the release and reject endpoints.
      type: str
      sample: eNoVzs0KgjAAAOBnmrfFNtjdD
    reason:
      description: Why the message is held, in words.
      type: str
      sample: Attachment Protection
    reason_id:
      description: The reason without spaces; prefer RV(held_messages[].reason_code).
      type: str
      sample: AttachmentProtection
    reason_code:
      description: Reason code for holding the message.
      type: str
      sample: default_inbound_attachment_protect_definition
    from:
      description: The envelope sender.
      type: dict
      contains:
        email_address:
          description: The sender's address.
          type: str
          sample: billing@example.net
        displayable_name:
          description: The sender's display name.
          type: str
          sample: Example Billing
    from_header:
      description: The header sender, with the same keys as RV(held_messages[].from).
      type: dict
      sample: {"email_address": "billing@example.net", "displayable_name": "Example Billing"}
    to:
      description: The envelope recipient, with the same keys as RV(held_messages[].from).
      type: dict
      sample: {"email_address": "ana@example.com", "displayable_name": "Ana Lima"}
    to_header:
      description: The header recipient. Often absent.
      type: dict
      sample: {"email_address": "ana@example.com", "displayable_name": "Ana Lima"}
    subject:
      description: The subject.
      type: str
      sample: Invoice 2026-0412
    route:
      description: Direction of the message, as Mimecast spells it.
      type: str
      sample: INBOUND
    has_attachments:
      description: Whether the message has attachments (a real boolean, even where Mimecast sends a string).
      type: bool
      sample: true
    size:
      description: Size in bytes.
      type: int
      sample: 48213
    date_received:
      description: When the message was received, in UTC.
      type: str
      sample: "2026-11-21T09:15:02+0000"
    policy_info:
      description: The definition or policy that held the message.
      type: str
      sample: Default Attachment Protection
count:
  description: How many held messages were returned.
  returned: success
  type: int
  sample: 2
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
      description: How many held messages were returned.
      type: int
      sample: 2
    by_route:
      description: Count per RV(held_messages[].route), its keys lower case.
      type: dict
      sample: {"inbound": 2}
    by_reason_code:
      description: Count per RV(held_messages[].reason_code).
      type: dict
      sample: {"default_inbound_attachment_protect_definition": 1, "spam": 1}
    oldest:
      description: The earliest RV(held_messages[].date_received), or null when nothing is held.
      type: str
      sample: "2026-11-20T07:01:44+0000"
    oldest_age_seconds:
      description: Age of the oldest held message in seconds, or null when nothing is held.
      type: int
      sample: 93755
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
from ansible_collections.mimecast.gateway.plugins.module_utils.queries import hold_list
from ansible_collections.mimecast.gateway.plugins.module_utils.results import fields_argument_spec


ARGUMENT_SPEC = dict(
    CONCURRENCY_ARGUMENT_SPEC,
    fields=fields_argument_spec(hold_list.FIELDS),
    admin=dict(type="bool", default=True),
    start=dict(type="str"),
    end=dict(type="str"),
    search_by=dict(type="dict", options=dict(
        field_name=dict(type="str", required=True, choices=hold_list.SEARCH_FIELDS),
        value=dict(type="str", required=True),
    )),
)


def run(module, client):
    return hold_list.read(client, module.params, fields=module.params["fields"], summary_only=module.params["summary_only"])


def main():
    execute(new_module(ARGUMENT_SPEC), run)


if __name__ == "__main__":
    main()
