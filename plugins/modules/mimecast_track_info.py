#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: mimecast_track_info
short_description: Track messages through Mimecast
version_added: 1.0.0
description:
  - Finds messages with Mimecast's message tracking (C(/api/message-finder/search)), by internet message ID or by
    sender, recipient, subject, sender IP and route, and returns their status and route as typed snake_case facts
    with a summary to assert on.
  - Give exactly one of O(message_id) or the search options O(sender), O(recipient), O(subject), O(sender_ip)
    and O(route).
  - Mimecast refuses tracking searches that start more than about 30 days ago.
  - Needs the C(Gateway | Tracking | Read) permission for the API user or API 2.0 application.
author:
  - mimecast.gateway contributors (@mimecast-gateway)
options:
  message_id:
    description:
      - The internet message ID (the C(Message-ID) header) of the message to track.
      - Cannot be combined with O(sender), O(recipient), O(subject), O(sender_ip) or O(route).
    type: str
  search_reason:
    description:
      - Why the search is made. Mimecast records it for audit.
    type: str
  start:
    description:
      - Earliest time to search from. ISO 8601 (V(2026-05-01), V(2026-05-01T08:00:00Z),
        V(2026-05-01T10:00:00+02:00)) or relative (V(now), V(-15m), V(-24h), V(-7d), V(-2w), or combined as in V(-1h30m)).
      - A date alone means 00:00:00 UTC; a time without an offset is UTC.
    type: str
  end:
    description:
      - Latest time to search to, in the same forms as O(start). A date alone means 23:59:59 UTC of that day.
      - Must not be before O(start).
    type: str
  sender:
    description:
      - Sender address or domain (Mimecast's C(advancedTrackAndTraceOptions.from)).
    type: str
  recipient:
    description:
      - Recipient address or domain (C(advancedTrackAndTraceOptions.to)).
    type: str
  subject:
    description:
      - Subject to search for (C(advancedTrackAndTraceOptions.subject)).
    type: str
  sender_ip:
    description:
      - Source IPv4 or IPv6 address of the messages (C(advancedTrackAndTraceOptions.senderIP)).
    type: str
  route:
    description:
      - Only find messages on these routes (C(advancedTrackAndTraceOptions.route)).
    type: list
    elements: str
    choices: [internal, outbound, inbound]
  fields:
    description:
      - Return only these keys of each item of RV(tracked_emails), for example V([id, status, route]).
      - The choices are the keys Mimecast documents for a tracked message, plus V(info), V(spam_score) and
        V(detection_level), which answers from live tenants carry. An item that lacks a key (Mimecast often omits
        V(attachments)) is returned without it.
      - The RV(summary) is still computed from the whole items.
      - An unknown key fails before any request, listing the valid ones.
      - Without O(fields), every key Mimecast sends is returned, snake_cased, including keys not listed here.
    type: list
    elements: str
    choices: [id, status, received, sent, from_env, from_hdr, to, attachments, route, sender_ip, subject, info, spam_score,
              detection_level]
notes:
  - O(message_id), O(search_reason), O(sender), O(recipient) and O(subject) may be at most 1,000 characters long,
    and must not be empty or only white space; other values fail before any request, naming the option.
extends_documentation_fragment:
  - mimecast.gateway.connection
  - mimecast.gateway.results
  - mimecast.gateway.attributes
seealso:
  - module: mimecast.gateway.mimecast_hold_info
  - module: mimecast.gateway.mimecast_processing_info
"""

EXAMPLES = r"""
- name: Track one message by its Message-ID
  mimecast.gateway.mimecast_track_info:
    client_id: "{{ mimecast_client_id }}"
    client_secret: "{{ mimecast_client_secret }}"
    message_id: "<20261121.4711@mail.example.net>"
    search_reason: Ticket 4711, user says the invoice never arrived
  register: tracked

# On an account with archiving, which is most accounts, a delivered message shows "archived".
- name: Check it was delivered
  ansible.builtin.assert:
    that:
      - tracked.count == 1
      - tracked.tracked_emails[0].status in ['archived', 'delivered']

- name: Find today's inbound mail from a partner domain, credentials from MIMECAST_* environment variables
  mimecast.gateway.mimecast_track_info:
    sender: partner.example.org
    route: [inbound]
    start: -1d
  register: from_partner
"""

RETURN = r"""
tracked_emails:
  description:
    - The messages found.
    - Each item holds the keys Mimecast sent, snake_cased; keys Mimecast adds beyond those listed here are
      returned too. Mimecast may leave out any key, V(attachments) most often.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mimecast's ID of the message.
      type: str
      sample: eNo1jk0LgjAAQP9Kk
    status:
      description:
        - Status of the message, as Mimecast spells it. Values seen on live tenants are V(archived), V(delivery),
          V(held), V(accepted), V(bounced), V(deferred) and V(rejected).
        - A delivered message shows V(archived) on an account with archiving, which is most accounts; a check that a
          message was delivered should accept V(archived) as well as V(delivered).
      type: str
      sample: archived
    received:
      description: When Mimecast received the message, in UTC.
      type: str
      sample: "2026-11-21T09:15:02+0000"
    sent:
      description: When Mimecast sent or processed the message, in UTC.
      type: str
      sample: "2026-11-21T09:15:04+0000"
    from_env:
      description: The envelope sender.
      type: dict
      contains:
        email_address:
          description: The address.
          type: str
          sample: invoices@example.net
        displayable_name:
          description: The display name.
          type: str
          sample: Example Invoices
    from_hdr:
      description:
        - The header sender, with the same keys as RV(tracked_emails[].from_env).
        - Its C(email_address) may be empty.
      type: dict
      sample: {"email_address": "invoices@example.net", "displayable_name": "Example Invoices"}
    to:
      description: The recipients, each with the same keys as RV(tracked_emails[].from_env).
      type: list
      elements: dict
      sample: [{"email_address": "ana@example.com", "displayable_name": "Ana Lima"}]
    attachments:
      description: Whether the message has attachments. Often absent.
      type: bool
      sample: true
    route:
      description: Route of the message.
      type: str
      sample: inbound
    sender_ip:
      description: Source IP address.
      type: str
      sample: 198.51.100.7
    subject:
      description: The subject.
      type: str
      sample: Invoice 2026-0412
    info:
      description: What Mimecast did with the message, in words. Not on Mimecast's page, but in answers from live tenants.
      type: str
      sample: Indexed and archived
    spam_score:
      description:
        - The message's spam score. Not on Mimecast's page, but in answers from live tenants.
        - A whole number sent as text becomes an integer; other values are returned as sent.
      type: int
      sample: 0
    detection_level:
      description: The spam detection level applied. Not on Mimecast's page, but in answers from live tenants; may be empty.
      type: str
      sample: ""
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
      description: Count per RV(tracked_emails[].route), its keys lower case.
      type: dict
      sample: {"inbound": 1}
    by_status:
      description: Count per RV(tracked_emails[].status).
      type: dict
      sample: {"archived": 1}
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
from ansible_collections.mimecast.gateway.plugins.module_utils.queries import message_tracking
from ansible_collections.mimecast.gateway.plugins.module_utils.results import fields_argument_spec


ARGUMENT_SPEC = dict(
    fields=fields_argument_spec(message_tracking.FIELDS),
    message_id=dict(type="str"),
    search_reason=dict(type="str"),
    start=dict(type="str"),
    end=dict(type="str"),
    sender=dict(type="str"),
    recipient=dict(type="str"),
    subject=dict(type="str"),
    sender_ip=dict(type="str"),
    route=dict(type="list", elements="str", choices=message_tracking.ROUTES),
)
CRITERIA = ["message_id"] + sorted(message_tracking.ADVANCED_OPTIONS) + ["route"]
MUTUALLY_EXCLUSIVE = [["message_id", option] for option in CRITERIA[1:]]


def run(module, client):
    return message_tracking.read(client, module.params, fields=module.params["fields"],
                                 summary_only=module.params["summary_only"])


def main():
    execute(new_module(ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE, required_one_of=[CRITERIA]), run)


if __name__ == "__main__":
    main()
