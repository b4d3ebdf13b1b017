#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: mimecast_held_message
short_description: Release or reject messages held by Mimecast
version_added: 1.1.0
description:
  - Releases held messages to their recipients, or rejects them, by the ids M(mimecast.gateway.mimecast_hold_info)
    returns (C(/api/gateway/hold-release) and C(/api/gateway/hold-reject)).
  - Reads the hold list first and acts only on the messages still held. Ids that are no longer held are returned in
    RV(not_held) and are not an error, so running the task again changes nothing.
  - Acts on each message at most once. When the answer to an action is lost (a dropped connection, a timeout, a
    server error), the action may already have been applied, so the module reads the hold list again and sends
    the action again only for the messages still held.
  - Releases one message per call, as Mimecast documents; rejects up to 100 messages per call.
  - Needs the C(Account | Monitoring | Held | Edit) permission, and C(Account | Dashboard | Read) to read the hold
    list, for the API user or API 2.0 application.
author:
  - mimecast.gateway contributors (@mimecast-gateway)
options:
  ids:
    description:
      - The ids of the held messages, as RV(mimecast.gateway.mimecast_hold_info#module:held_messages[].id) returns them.
      - Must not be empty, and no entry may be blank. Duplicates are dropped.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(released) delivers the messages to their recipients; V(rejected) refuses them.
    type: str
    required: true
    choices: [released, rejected]
  reject_reason:
    description:
      - Why the messages are rejected, sent as Mimecast's C(reasonType). Only with O(state=rejected).
      - V(undesirable_content) is C(MESSAGE CONTAINS UNDESIRABLE CONTENT), V(confidential_information) is
        C(MESSAGE CONTAINS CONFIDENTIAL INFORMATION), V(reviewer_disapproves) is C(REVIEWER DISAPPROVES OF CONTENT),
        V(inappropriate_communication) is C(INAPPROPRIATE COMMUNICATION), and V(against_email_policies) is
        C(MESSAGE GOES AGAINST EMAIL POLICIES).
    type: str
    choices: [undesirable_content, confidential_information, reviewer_disapproves, inappropriate_communication,
              against_email_policies]
  reject_message:
    description:
      - A note to the sender. Only with O(state=rejected). At most 1,000 characters, not blank.
    type: str
  notify_sender:
    description:
      - Whether Mimecast tells the sender that the messages were rejected. Only with O(state=rejected).
      - Left out, the sender is not told.
    type: bool
  max_messages:
    description:
      - The most messages one task may act on. When more of the given ids are held than this, the task fails before
        any action, saying how many would be acted on. It guards against a template that selects the whole
        quarantine.
      - Must be 1 or more.
    type: int
    default: 100
  page_size:
    description:
      - How many held messages to ask for per page while the hold list is read, from 1 to 500.
    type: int
    default: 100
notes:
  - The whole hold list is read, for all recipients and without a date window, because a message outside a window
    would look "not held" and be skipped silently. Reading stops as soon as every given id has been found.
  - A message that left the hold list while its action's answer was lost counts as acted on by this task.
  - When some messages fail, the module still acts on the others, then fails the task; RV(failures) names each one
    with Mimecast's code and message, and the lists of what was done are returned too.
extends_documentation_fragment:
  - mimecast.gateway.connection
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Reads the hold list and returns what it would do, without acting.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in diff mode).
    support: full
    details:
      - Shows each message going from V(held) to V(released) or V(rejected), with its sender, subject (cut to 80
        characters) and reason code as the hold list gave them.
  action_group:
    description: Use C(group/mimecast.gateway.mimecast) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mimecast.gateway.mimecast
seealso:
  - module: mimecast.gateway.mimecast_hold_info
"""

EXAMPLES = r"""
- name: Find what is held for impersonation
  mimecast.gateway.mimecast_hold_info:
    search_by:
      field_name: reason_code
      value: impersonation
    fields: [id, from, to, subject]
  register: impersonation

- name: Reject it, with a note to the sender
  mimecast.gateway.mimecast_held_message:
    ids: "{{ impersonation.held_messages | map(attribute='id') | list }}"
    state: rejected
    reject_reason: inappropriate_communication
    reject_message: This message was rejected by our mail security policy.
    notify_sender: false
    max_messages: 50
  register: rejected

- name: Release a vendor's invoices held by the attachment policy, showing what would change first
  mimecast.gateway.mimecast_held_message:
    ids: "{{ invoices.held_messages | map(attribute='id') | list }}"
    state: released
  check_mode: true
  diff: true
  register: would_release
"""

RETURN = r"""
released:
  description:
    - The ids of the messages released by this task (in check mode, that would be released), in the order given.
  returned: when O(state=released)
  type: list
  elements: str
  sample: ["eNoVzs0KgjAAAOBnmrfFNtjdD"]
rejected:
  description:
    - The ids of the messages rejected by this task (in check mode, that would be rejected), in the order given.
  returned: when O(state=rejected)
  type: list
  elements: str
  sample: ["eNoVzs0KgjAAAOBnmrfFNtjdD"]
not_held:
  description: The given ids that are not on the hold list (already released, rejected or expired, or never held).
  returned: always
  type: list
  elements: str
  sample: ["eNoVzs0KgjAAAOBnmrfFNtjxE"]
failures:
  description:
    - The messages Mimecast could not act on, each with Mimecast's code and message. The task fails when this list
      is not empty.
    - Not named C(failed), which is Ansible's own key for the task's status.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The message's id.
      type: str
      sample: eNoVzs0KgjAAAOBnmrfFNtjdD
    code:
      description: Mimecast's error code, or null when it gave none.
      type: str
      sample: err_held_message_not_found
    message:
      description: Mimecast's error message, or what went wrong.
      type: str
      sample: The message is not held
count:
  description: How many messages were released or rejected (in check mode, would be).
  returned: always
  type: int
  sample: 1
error_type:
  description:
    - On failure, its kind. V(MimecastOptionError) is an option at fault, named in RV(option), found before any request;
      V(MimecastAuthenticationError) refused credentials or permissions; V(MimecastApiError) an error answer;
      V(MimecastTransportError) no usable answer; V(MimecastResponseError) an answer that cannot be read;
      V(MimecastOutcomeUnknown) an action whose answer was lost and could not be checked.
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

from ansible_collections.mimecast.gateway.plugins.module_utils.connection import RESULT_ARGUMENT_SPEC
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastApiError, MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.module_utils.held_messages import (
    REJECT_REASONS,
    REJECTED,
    RELEASED,
    Action,
    act_on_held,
)
from ansible_collections.mimecast.gateway.plugins.module_utils.module_runner import execute, new_module
from ansible_collections.mimecast.gateway.plugins.module_utils.options import require_text


ARGUMENT_SPEC = dict(
    ids=dict(type="list", elements="str", required=True),
    state=dict(type="str", required=True, choices=[RELEASED, REJECTED]),
    reject_reason=dict(type="str", choices=sorted(REJECT_REASONS)),
    reject_message=dict(type="str"),
    notify_sender=dict(type="bool"),
    max_messages=dict(type="int", default=100),
    page_size=dict(RESULT_ARGUMENT_SPEC["page_size"]),
)
REJECT_ONLY = ("reject_reason", "reject_message", "notify_sender")
# The first codes of a partial failure named in the task's message.
CODES_IN_MESSAGE = 3


def checked_ids(params):
    """The ids given, stripped, in order, without duplicates; a blank entry or an empty list fails naming ``ids``."""
    ids = []
    for index, value in enumerate(params["ids"] or []):
        if value is None or not str(value).strip():
            raise MimecastOptionError("ids", "ids[%d] is blank; give the id of a held message" % index)
        value = require_text(str(value).strip(), "ids")
        if value not in ids:
            ids.append(value)
    if not ids:
        raise MimecastOptionError("ids", "ids is empty; give the id of at least one held message")
    return ids


def build_action(params):
    """The Action the options describe; options that go with state=rejected only fail otherwise, naming them."""
    state = params["state"]
    if state != REJECTED:
        for option in REJECT_ONLY:
            if params.get(option) is not None:
                raise MimecastOptionError(option, "%s goes with state=rejected only, not with state=%s" % (option, state))
    if params["max_messages"] < 1:
        raise MimecastOptionError("max_messages", "max_messages must be 1 or more, got %d" % params["max_messages"])
    return Action(state, reject_reason=params.get("reject_reason"),
                  reject_message=require_text(params.get("reject_message"), "reject_message"),
                  notify_sender=params.get("notify_sender"))


def diff_of(done, state, described):
    """Each message acted on, going from held to ``state``, with its sender, subject and reason when the list gave them."""
    lines = [(identifier, " (%s)" % described[identifier] if described.get(identifier) else "") for identifier in sorted(done)]
    return dict(before="".join("%s: held%s\n" % line for line in lines),
                after="".join("%s: %s%s\n" % (identifier, state, details) for identifier, details in lines))


def run(module, client):
    ids = checked_ids(module.params)
    action = build_action(module.params)
    outcome = act_on_held(client, action, ids, module.params["max_messages"], check_mode=module.check_mode)
    result = outcome.result(action.state)
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = diff_of(outcome.done, action.state, outcome.described)
    if outcome.failed:
        raise partial_failure(action.state, outcome, result)
    return result


def partial_failure(state, outcome, result):
    codes = []
    for failure in outcome.failed:
        if failure.get("code") and failure["code"] not in codes:
            codes.append(failure["code"])
    named = ", ".join(codes[:CODES_IN_MESSAGE]) + (", ..." if len(codes) > CODES_IN_MESSAGE else "")
    message = "%d of %d held messages could not be %s%s; %d %s %s" % (
        len(outcome.failed), len(outcome.failed) + len(outcome.done), state, " (%s)" % named if named else "",
        len(outcome.done), "was" if len(outcome.done) == 1 else "were", state)
    return MimecastApiError(message, facts=result)


def main():
    execute(new_module(ARGUMENT_SPEC, result_options=False), run)


if __name__ == "__main__":
    main()
