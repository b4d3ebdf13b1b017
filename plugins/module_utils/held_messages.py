# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Releasing and rejecting held messages: read first, act once, and check what a lost answer hides.

Mimecast's release and reject calls change state, and nothing in their answers says whether a
message was still held. So:

- the hold list is read first, and only messages still held are acted on (a rerun is a no-op);
- an action whose answer was lost (dropped, timed out, a 5xx, unreadable) may have been applied:
  the hold list is read again for those ids, and only those still held are sent again;
- every id is sent in at most one call that took effect, so none is acted on twice in one run.

See docs/mimecast-api.md, "Acting on held messages".
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import HOLD_LIST, HOLD_REJECT, HOLD_RELEASE
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastError, MimecastOptionError, MimecastOutcomeUnknown

RELEASED = "released"
REJECTED = "rejected"

# reject_reason -> Mimecast's reasonType, spaces and capitals as the endpoint wants them.
REJECT_REASONS = dict(
    undesirable_content="MESSAGE CONTAINS UNDESIRABLE CONTENT",
    confidential_information="MESSAGE CONTAINS CONFIDENTIAL INFORMATION",
    reviewer_disapproves="REVIEWER DISAPPROVES OF CONTENT",
    inappropriate_communication="INAPPROPRIATE COMMUNICATION",
    against_email_policies="MESSAGE GOES AGAINST EMAIL POLICIES",
)
# Ids per reject call. Release takes one id per call, its documented form.
REJECT_CHUNK_SIZE = 100
# The longest sender or subject a diff line shows.
DESCRIPTION_WIDTH = 80


def read_held(client, wanted):
    """The messages among ``wanted`` that are on the hold list now, by id, each with its ``describe()`` line.

    The whole list is read, for all recipients and without a date window: an id outside a window
    would look "not held" and be skipped silently. Only the wanted ids are kept, page by page, and
    reading stops as soon as every wanted id has been seen.
    """
    wanted = set(wanted)
    held = {}
    if not wanted:
        return held
    for page in client.paginate(HOLD_LIST, {"admin": True}):
        for item in page:
            identifier = item.get("id")
            if isinstance(identifier, str) and identifier in wanted:
                held[identifier] = describe(item)
        if len(held) == len(wanted):
            break
    return held


def describe(item):
    """A held message's sender, subject and reason code on one line, for a diff that a person reads ("" if none)."""
    sender = _address(item.get("from")) or _address(item.get("fromHeader"))
    subject = _one_line(item.get("subject"))
    reason = _one_line(item.get("reasonCode"))
    parts = ["from %s" % sender if sender else None, 'subject "%s"' % subject if subject else None,
             "reason %s" % reason if reason else None]
    return ", ".join(part for part in parts if part)


def _address(value):
    return _one_line(value.get("emailAddress")) if isinstance(value, dict) else None


def _one_line(value, width=DESCRIPTION_WIDTH):
    """Text without line breaks or control characters (a subject is the sender's to write), cut to ``width``."""
    if not isinstance(value, str):
        return None
    text = " ".join("".join(char if char.isprintable() else " " for char in value).split())
    return text if len(text) <= width else text[:width - 3] + "..."


class Action:
    """What to do to held messages: release them, or reject them with a reason, a note and maybe a notice."""

    def __init__(self, state, reject_reason=None, reject_message=None, notify_sender=False):
        self.state = state
        self.endpoint = HOLD_RELEASE if state == RELEASED else HOLD_REJECT
        # The key Mimecast sets to true in each data entry of a successful answer.
        self.done_key = "release" if state == RELEASED else "reject"
        self.reject_reason = reject_reason
        self.reject_message = reject_message
        self.notify_sender = bool(notify_sender)

    def batches(self, ids):
        size = 1 if self.state == RELEASED else REJECT_CHUNK_SIZE
        return [ids[start:start + size] for start in range(0, len(ids), size)]

    def body(self, batch):
        if self.state == RELEASED:
            return {"data": [{"id": batch[0]}]}
        item = {"ids": list(batch), "notify": self.notify_sender}
        if self.reject_reason:
            item["reasonType"] = REJECT_REASONS[self.reject_reason]
        if self.reject_message is not None:
            item["message"] = self.reject_message
        return {"data": [item]}


def read_outcomes(body, batch, done_key):
    """Each id's outcome in an action's answer: ``(done, failures, unclear)``.

    ``data`` entries with ``done_key`` true are done; ``fail`` entries are per-id failures, their
    ``key`` being the id, the request item ``{"id": ...}``, or a reject item ``{"ids": [...]}``
    for every id it names. An id the answer does not mention is unclear: whether it was acted on
    must be checked.
    """
    in_batch = set(batch)
    done = set()
    for entry in body.get("data") or []:
        if isinstance(entry, dict) and entry.get("id") in in_batch and entry.get(done_key) in (True, "true"):
            done.add(entry["id"])
    failures = {}
    for entry in body.get("fail") or []:
        if not isinstance(entry, dict):
            continue
        error = _first_error(entry)
        for identifier in _ids_of_key(entry.get("key")):
            if identifier in in_batch and identifier not in done:
                failures.setdefault(identifier, error)
    for entry in body.get("data") or []:
        # An entry that names the id but does not say it was done is a failure, not a silence.
        if isinstance(entry, dict) and entry.get("id") in in_batch and entry["id"] not in done:
            failures.setdefault(entry["id"], dict(code=None, message="Mimecast did not confirm the %s" % done_key))
    unclear = [identifier for identifier in batch if identifier not in done and identifier not in failures]
    return [identifier for identifier in batch if identifier in done], failures, unclear


def _ids_of_key(key):
    if isinstance(key, str):
        return [key]
    if isinstance(key, dict):
        if isinstance(key.get("id"), str):
            return [key["id"]]
        if isinstance(key.get("ids"), list):
            return [identifier for identifier in key["ids"] if isinstance(identifier, str)]
    return []


def _first_error(entry):
    errors = entry.get("errors") if isinstance(entry.get("errors"), list) else [entry]
    for error in errors:
        if isinstance(error, dict) and (error.get("code") or error.get("message")):
            return dict(code=_text(error.get("code")), message=_text(error.get("message")))
    return dict(code=None, message=None)


def _text(value):
    return value[:300] if isinstance(value, str) else None


class Outcome:
    """What a run did (or, in check mode, would do): ids acted on, not held, and per-id failures."""

    def __init__(self, done=None, not_held=None, failed=None, described=None):
        self.done = list(done or [])
        self.not_held = list(not_held or [])
        self.failed = list(failed or [])
        # Each held id's sender, subject and reason, as the hold list said before any action (for the diff).
        self.described = dict(described or {})
        # Ids whose action's answer was lost and that the hold list has not yet been read again for.
        self.unverified = set()

    def result(self, state):
        """The module's facts: ``released`` or ``rejected``, ``not_held``, ``failures``, ``count`` and ``changed``.

        Failures are not returned as ``failed``: that key is Ansible's own, the task's status.
        """
        return {state: list(self.done), "not_held": list(self.not_held), "failures": list(self.failed),
                "count": len(self.done), "changed": bool(self.done)}

    def account_for(self, pending, state, error):
        """After ``error`` stopped the run: every id of ``pending`` not done nor failed yet fails with it."""
        settled = set(self.done) | set(failure["id"] for failure in self.failed)
        code = error.codes[0] if error.codes else None
        for identifier in pending:
            if identifier in settled:
                continue
            if identifier in self.unverified:
                message = "may have been %s (its answer was lost, and the hold list could not be read again): %s" % (state, error)
            else:
                message = "not %s: %s" % (state, error)
            self.failed.append(dict(id=identifier, code=code, message=message))

    def sort(self, ids):
        order = dict((identifier, index) for index, identifier in enumerate(ids))
        self.done.sort(key=order.get)
        self.failed.sort(key=lambda failure: order[failure["id"]])


def act_on_held(client, action, ids, max_messages, check_mode=False):
    """Release or reject ``ids`` (unique, in order): the ones still held, each at most once. Returns an Outcome.

    Fails with a MimecastOptionError naming ``max_messages``, before any action, when more messages would
    be acted on than it allows. Any other MimecastError stops the run; its ``facts`` then hold the result
    so far, with every held id not done among the failed.
    """
    held = read_held(client, ids)
    pending = [identifier for identifier in ids if identifier in held]
    outcome = Outcome(not_held=[identifier for identifier in ids if identifier not in held], described=held)
    if len(pending) > max_messages:
        raise MimecastOptionError("max_messages", "%d of the given messages are held and would be %s, more than max_messages (%d) "
                                  "allows; nothing was done. Narrow the selection, or raise max_messages if that many is meant"
                                  % (len(pending), action.state, max_messages))
    if check_mode:
        outcome.done = pending
        return outcome
    try:
        _act(client, action, pending, outcome)
    except MimecastError as error:
        # Refused credentials, a rate limit that outlasted the retries, a hold list that cannot be read: stop,
        # and still say what was done and what was not.
        _settle_unverified(client, outcome)
        outcome.account_for(pending, action.state, error)
        outcome.sort(ids)
        error.facts.update(outcome.result(action.state))
        raise
    outcome.sort(ids)
    return outcome


def _settle_unverified(client, outcome):
    """Try once to learn whether actions whose answers were lost took effect; leave them unverified if that fails too."""
    if not outcome.unverified:
        return
    try:
        still_held = read_held(client, outcome.unverified)
    except MimecastError:
        return
    outcome.done.extend(identifier for identifier in sorted(outcome.unverified) if identifier not in still_held)
    outcome.unverified.clear()


def _act(client, action, pending, outcome):
    """Send the action for ``pending``; after a lost answer, re-read the hold list and resend only what is still held."""
    resent = set()
    rounds = 0
    waited = 0.0
    while pending:
        lost, lost_error, doubtful = [], None, {}
        for batch in action.batches(pending):
            try:
                response = client.post(action.endpoint, action.body(batch))
            except MimecastOutcomeUnknown as error:
                lost.extend(batch)
                outcome.unverified.update(batch)
                lost_error = error
                continue
            done, failures, unclear = read_outcomes(response.json, batch, action.done_key)
            outcome.done.extend(done)
            lost.extend(unclear)
            outcome.unverified.update(unclear)
            for identifier in batch:
                if identifier not in failures:
                    continue
                if identifier in resent:
                    # Refused after a lost answer: most likely the lost call took effect. The hold list says.
                    doubtful[identifier] = failures[identifier]
                    outcome.unverified.add(identifier)
                else:
                    outcome.failed.append(dict(failures[identifier], id=identifier))
        if not lost and not doubtful:
            return
        still_held = read_held(client, lost + list(doubtful))
        outcome.unverified.clear()
        for identifier, failure in doubtful.items():
            if identifier in still_held:
                outcome.failed.append(dict(failure, id=identifier))
            else:
                outcome.done.append(identifier)
        outcome.done.extend(identifier for identifier in lost if identifier not in still_held)
        pending = [identifier for identifier in lost if identifier in still_held]
        if not pending:
            return
        wait = client.backoff.delay(rounds, waited)
        if wait is None:
            reason = str(lost_error) if lost_error else "Mimecast's answer did not mention it"
            code = lost_error.codes[0] if lost_error and lost_error.codes else None
            outcome.failed.extend(
                dict(id=identifier, code=code, message="still held after %d tries whose answers were lost; the last: %s"
                     % (rounds + 1, reason)) for identifier in pending)
            return
        client.sleep(wait)
        waited += wait
        rounds += 1
        resent.update(pending)
