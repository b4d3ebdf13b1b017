# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The two endpoints that change state: hold-release and hold-reject. A message acted on
# leaves the hold list at once, and every applied action goes to the action log
# (GET /_emulator/actions) so tests can count how often a client really acted.
#
# Outcomes are per id, at HTTP 200: ids acted on come back in `data`, ids that are not held
# (never were, or already acted on) in `fail`. Release echoes the request item as the fail
# `key` ({"id": ...}) and reject the bare id, so clients have to read both forms.

import time

try:
    from .protocol import HOLD_PATH, RELEASE_PATH, bad_request, json_reply
    from .validation import check_keys, get_field
except ImportError:  # run as a script: the script's own directory is on sys.path
    from protocol import HOLD_PATH, RELEASE_PATH, bad_request, json_reply
    from validation import check_keys, get_field

# hold-reject `reasonType`, spaces included, as Mimecast's page lists them.
REASON_TYPES = ("MESSAGE CONTAINS UNDESIRABLE CONTENT", "MESSAGE CONTAINS CONFIDENTIAL INFORMATION",
                "REVIEWER DISAPPROVES OF CONTENT", "INAPPROPRIATE COMMUNICATION", "MESSAGE GOES AGAINST EMAIL POLICIES")
MAX_REJECT_IDS = 100
# The per-id error for an id that is not held. The service's own code for it is not documented.
NOT_HELD = {"code": "err_held_message_not_found",
            "message": "No held message has this id: it was never held, or was already released or rejected",
            "retryable": False}


def action_items(body):
    """`data` of an action request: a non-empty list of objects, or the 400 the service answers."""
    if not isinstance(body, dict):
        raise bad_request("err_validation_invalid_value", "The request body must be a JSON object")
    if "data" not in body:
        raise bad_request("err_validation_blank", "Field 'data' is required")
    data = body["data"]
    if data is None:
        raise bad_request("err_validation_null", "Field 'data' must not be null")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise bad_request("err_validation_invalid_value", "Field 'data' must be a list of objects")
    if not data:
        raise bad_request("err_validation_blank", "Field 'data' must not be empty")
    return data


def validate_release(item, where):
    """One release item -> [(fail key, id)]: a release names one id, and its fail key is the item."""
    check_keys(item, ("id",), where)
    held_id = get_field(item, "id", required=True, label=where + ".id")
    return [({"id": held_id}, held_id)]


def validate_reject(item, where):
    """One reject item -> [(fail key, id), ...], the fail key being the bare id, and what the action log records."""
    check_keys(item, ("ids", "message", "reasonType", "notify"), where)
    ids = get_field(item, "ids", list, required=True, label=where + ".ids")
    if len(ids) > MAX_REJECT_IDS:
        raise bad_request("err_validation_invalid_value", "Field '%s.ids' takes at most %d ids a call" % (where, MAX_REJECT_IDS))
    if not all(isinstance(held_id, str) and held_id for held_id in ids):
        raise bad_request("err_validation_invalid_value", "Field '%s.ids' must hold non-empty strings" % where)
    if isinstance(item.get("notify"), str):
        # The string "false" of Mimecast's sample is refused, so a client copying it finds out.
        raise bad_request("err_validation_invalid_value", "Field '%s.notify' must be a JSON boolean, not a string" % where)
    details = {
        "reasonType": get_field(item, "reasonType", choices=REASON_TYPES, label=where + ".reasonType"),
        "message": get_field(item, "message", label=where + ".message"),
        "notify": get_field(item, "notify", bool, label=where + ".notify"),
    }
    return [(held_id, held_id) for held_id in ids], details


def answer_action(emulator, path, body):
    """Validate every item first (a 400 applies nothing), then act on each id in order."""
    items = action_items(body)
    planned = []  # (action, [(fail key, id), ...], details)
    for index, item in enumerate(items):
        where = "data[%d]" % index
        if path == RELEASE_PATH:
            planned.append(("release", validate_release(item, where), {"reasonType": None, "message": None, "notify": None}))
        else:
            outcomes, details = validate_reject(item, where)
            planned.append(("reject", outcomes, details))
    done, failed = [], []
    with emulator.lock:
        held = emulator.data.get("held", [])
        held_ids = set(record.get("id") for record in held)
        acted = set()
        for action, outcomes, details in planned:
            for key, held_id in outcomes:
                if held_id not in held_ids:
                    failed.append({"key": key, "errors": [dict(NOT_HELD)]})
                    continue
                held_ids.discard(held_id)  # a second mention of the id in this call finds it gone
                acted.add(held_id)
                done.append({"id": held_id, action: True})
                entry = {"action": action, "id": held_id}
                entry.update(details)
                entry["time"] = time.time()
                emulator.actions.append(entry)
        if acted:
            # A new list, not an edit in place: pages already cut from the old one stay as they were.
            emulator.data["held"] = [record for record in held if record.get("id") not in acted]
            emulator.forget_searches(HOLD_PATH)
    return json_reply(200, {"meta": {"status": 200}, "data": done, "fail": failed})
