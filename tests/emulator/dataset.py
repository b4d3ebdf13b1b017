# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Data for the Mimecast emulator: timestamps, seeded generation, dataset loading.
#
# Records are kept in the API's own camelCase shape with timestamps already formatted
# as the API formats them, so the server can hand them out without translation.
# Generation is driven by one random.Random(seed): the same seed gives the same
# records (ids, people, subjects, offsets), while absolute times are relative to
# the moment of generation so that "last 7 days" queries always find data.

import base64
import calendar
import copy
import datetime
import json
import random
import re
import time

# The only date format the real service accepts in requests; we also answer in it.
API_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$")
RELATIVE_TIME_RE = re.compile(r"^([+-]?\d+)([smhd])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

COLLECTIONS = ("held", "processing", "bulk_processing", "tracked")
# Timestamp fields per collection; the first one is what date windows filter on.
DATE_FIELDS = {
    "held": ("dateReceived",),
    "processing": ("created", "nextAttempt", "lockedUntil"),
    "bulk_processing": ("created", "nextAttempt", "lockedUntil"),
    "tracked": ("received", "sent"),
}

INTERNAL_DOMAIN = "contoso.com"
# get-hold-message-list with admin=false only returns mail held for the
# authenticated user; the emulator's API user is this mailbox.
SERVICE_ADDRESS = "admin-service@" + INTERNAL_DOMAIN

EXTERNAL_DOMAINS = ("fabrikam.com", "adatum.com", "northwindtraders.com", "wingtiptoys.com",
                    "tailspintoys.com", "litwareinc.com", "gmail.com", "outlook.com", "yahoo.co.uk")
SUSPICIOUS_DOMAINS = ("secure-invoice-portal.net", "promo-deals.biz", "c0ntoso-payroll.com")
FIRST_NAMES = ("Alice", "Ben", "Chloe", "Dmitri", "Emma", "Farah", "George", "Hana", "Ivan", "Julia",
               "Kofi", "Laura", "Mateo", "Nina", "Oscar", "Priya", "Quentin", "Rosa", "Sven", "Yuki")
LAST_NAMES = ("Martin", "Ortiz", "Nguyen", "Kowalski", "Schmidt", "Haddad", "Okafor", "Tanaka",
              "Rossi", "Dubois", "Jensen", "Patel", "Silva", "O'Brien", "Novak", "Larsen")
SUBJECTS = ("Invoice #{n} due", "Re: Q{q} budget review", "Your parcel {n} is on its way",
            "Meeting notes - project Falcon", "URGENT: wire transfer request", "Password expiry notice",
            "Weekly newsletter #{n}", "Fwd: contract draft v{q}", "Purchase order PO-{n}",
            "Security alert for your account", "Lunch on Friday?", "Updated timesheet for week {q}",
            "Shared document: Q{q} forecast.xlsx", "Action required: verify your mailbox",
            "Re: Re: delivery schedule", "Out of office: back on Monday")
# Processing-queue `info` on live tenants is long free text; these sentences are illustrative.
PROCESSING_INFO = (
    "Remote server unavailable: the receiving server did not accept the connection "
    "(421 4.3.2 Service not available, closing transmission channel). Delivery will be retried.",
    "DNS lookup failure: no MX or A record could be found for the recipient domain. "
    "Delivery will be retried until the message expires.",
    "Queued for delivery: the message is waiting for a free connection to the next hop.",
    "Connection timed out while sending the message body to the receiving server; "
    "the message stays queued and will be retried.",
    "Greylisted by the receiving server (451 4.7.1 Greylisted, please try again later). "
    "Delivery will be retried at the next attempt time.",
    "Awaiting delivery: the receiving server asked to slow down (452 4.5.3 Too many recipients).",
)
# (reason, reasonCode, policyInfo) triples seen on hold lists.
HOLD_REASONS = (
    ("Attachment Protection", "default_inbound_attachment_protect_definition", "Default Inbound Attachment Protect Definition"),
    ("Spam Signature", "spam", "Spam Scanning"),
    ("Impersonation Protection", "impersonation", "Default Impersonation Protect Definition"),
    ("Policy Hold", "policy", "Content Examination: Confidential Terms"),
    ("Malware Detected", "malware", "Anti-Virus Scanning"),
    ("Suspected Spam", "spam", "Greymail Detection"),
)
# Tracking statuses of the field and the `info` that goes with each. Most live accounts archive, so a
# delivered message reads `archived`; `delivered` rarely shows, so the generator leaves it (and
# `processing`) out, and a client that expects `delivered` finds out here.
TRACK_STATUSES = ("archived",) * 6 + ("delivery", "held", "accepted", "bounced", "deferred", "rejected")
TRACK_INFO = {
    "archived": "Indexed and archived",
    "delivery": "Delivery in progress",
    "held": "Held for review",
    "accepted": "Accepted for processing",
    "bounced": "Bounced by the receiving server",
    "deferred": "Delivery deferred, will retry",
    "rejected": "Rejected by policy",
}
# Tracked emails' detectionLevel; often "" on live tenants.
DETECTION_LEVELS = ("", "", "", "relaxed", "moderate", "aggressive")
# How often a generated record lacks an optional key (or has it blank), as live answers do.
ABSENT_LOCKED_UNTIL = 0.3      # processing: no lockedUntil
ABSENT_ATTACHMENTS = 0.2       # tracked: no attachments
BLANK_FROM_HDR_ADDRESS = 0.15  # tracked: fromHdr.emailAddress ""
ABSENT_TO_HEADER = 0.3         # held: no toHeader


def format_time(epoch):
    """Epoch seconds -> 'YYYY-MM-DDTHH:MM:SS+0000' (UTC)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(epoch))


def parse_api_time(text):
    """Strictly parse the API date format; ValueError for anything else (a 'Z' too)."""
    if not isinstance(text, str) or not API_TIME_RE.match(text):
        raise ValueError("not YYYY-MM-DDTHH:MM:SS+0000: %r" % (text,))
    return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))


def resolve_time(value, now):
    """Dataset timestamps: 'now', relative ('-3h', '-2d', '+15m') or absolute ISO 8601."""
    if not isinstance(value, str):
        raise ValueError("timestamp must be a string: %r" % (value,))
    if value == "now":
        return format_time(now)
    match = RELATIVE_TIME_RE.match(value)
    if match:
        return format_time(now + int(match.group(1)) * UNIT_SECONDS[match.group(2)])
    try:
        return format_time(parse_api_time(value))
    except ValueError:
        pass
    # Lenient for files written by hand: 'Z' and '+00:00' style offsets are normalised.
    parsed = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    return format_time(calendar.timegm(parsed.utctimetuple()))


def normalize(document, now):
    """Validate a dataset document and return a deep copy with timestamps resolved.

    Only the collections present in `document` are returned, so callers can
    replace a subset.  A record missing its primary date gets `now`; a record
    missing an id gets a generated one, because filtering and clients need both.
    """
    if not isinstance(document, dict):
        raise ValueError("dataset must be a JSON object")
    unknown = sorted(set(document) - set(COLLECTIONS))
    if unknown:
        raise ValueError("unknown dataset keys: %s (expected %s)" % (", ".join(unknown), ", ".join(COLLECTIONS)))
    # Ids for records without one derive from the content: stable across runs, distinct across documents.
    rng = random.Random(json.dumps(document, sort_keys=True))
    result = {}
    for name, records in document.items():
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ValueError("dataset '%s' must be a list of objects" % name)
        fixed = []
        for record in copy.deepcopy(records):
            fields = DATE_FIELDS[name]
            record.setdefault(fields[0], "now")
            for field in fields:
                if field in record:
                    try:
                        record[field] = resolve_time(record[field], now)
                    except ValueError as exc:
                        raise ValueError("dataset '%s': bad %s: %s" % (name, field, exc)) from exc
            record.setdefault("id", _secure_id(rng))
            fixed.append(record)
        result[name] = fixed
    return result


# ---------------------------------------------------------------- generation

def _secure_id(rng):
    """Mimecast ids look like long zlib/base64 blobs ('eNo...'); opaque to clients."""
    raw = rng.getrandbits(8 * 33).to_bytes(33, "big")
    return "eNo" + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _person(rng, domain):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = ("%s.%s" % (first, last)).lower().replace("'", "")
    return {"emailAddress": "%s@%s" % (local, domain), "displayableName": "%s %s" % (first, last)}


def _external_domain(rng):
    return rng.choice(SUSPICIOUS_DOMAINS) if rng.random() < 0.2 else rng.choice(EXTERNAL_DOMAINS)


def _parties(rng, route):
    """Sender and recipient for a route: inbound = outside -> us, outbound = us -> outside."""
    sender_internal = route in ("internal", "outbound")
    recipient_internal = route in ("internal", "inbound")
    sender = _person(rng, INTERNAL_DOMAIN if sender_internal else _external_domain(rng))
    recipient = _person(rng, INTERNAL_DOMAIN if recipient_internal else _external_domain(rng))
    if not sender_internal and rng.random() < 0.15:
        sender = {"emailAddress": "no-reply@" + sender["emailAddress"].split("@")[1], "displayableName": ""}
    return sender, recipient


def _ip(rng, internal):
    if internal:
        return "10.20.%d.%d" % (rng.randint(0, 15), rng.randint(2, 254))
    prefix = rng.choice(("198.51.100", "203.0.113", "192.0.2", "185.199.108", "40.107.22"))
    return "%s.%d" % (prefix, rng.randint(2, 254))


def _subject(rng):
    return rng.choice(SUBJECTS).format(n=rng.randint(1000, 99999), q=rng.randint(1, 4))


def _processing_message(rng, now):
    route = rng.choice(("inbound", "outbound", "outbound", "internal", "external"))
    sender, recipient = _parties(rng, route)
    # Stay inside the API's default 7-day window for a while after start.
    created = now - rng.randint(60, int(6.5 * 86400))
    attempts = rng.randint(1, 9)
    next_attempt = now + rng.randint(60, 3600)
    message = {
        "id": _secure_id(rng),
        "fromEnv": sender,
        "fromHeader": dict(sender),
        "to": recipient,
        "subject": _subject(rng),
        "attachment": rng.random() < 0.4,
        "routing": route,
        "size": rng.randint(2000, 8000000),
        "remoteIp": _ip(rng, route in ("internal", "outbound")),
        "attempts": attempts,
        "nextAttempt": format_time(next_attempt),
        "created": format_time(created),
        "lockedUntil": format_time(next_attempt + 5400),
        "info": rng.choice(PROCESSING_INFO),
        "priority": "normal",  # not on Mimecast's page, but on live answers
    }
    if rng.random() < ABSENT_LOCKED_UNTIL:
        del message["lockedUntil"]
    return message


def _held_message(rng, now, for_service_user):
    route = "inbound" if for_service_user else rng.choice(("inbound", "inbound", "inbound", "outbound", "internal", "external"))
    sender, recipient = _parties(rng, route)
    if for_service_user:
        recipient = {"emailAddress": SERVICE_ADDRESS, "displayableName": "Mimecast API Service"}
    reason, code, policy = rng.choice(HOLD_REASONS)
    has_attachments = code in ("default_inbound_attachment_protect_definition", "malware") or rng.random() < 0.3
    message = {
        "id": _secure_id(rng),
        "reason": reason,
        "reasonId": reason.replace(" ", ""),
        "reasonCode": code,
        "from": sender,
        "fromHeader": dict(sender),
        "to": recipient,
        "toHeader": dict(recipient),
        "subject": _subject(rng),
        "route": route.upper(),
        # Real accounts return both spellings; clients must cope with each.
        "hasAttachments": ("true" if has_attachments else "false") if rng.random() < 0.5 else has_attachments,
        "size": rng.randint(2000, 12000000),
        "dateReceived": format_time(now - rng.randint(60, 7 * 86400 - 3600)),
        "policyInfo": policy,
        # A lookup key for searchBy senderIP only: the hold list never returns it (see search.HIDDEN_KEYS).
        "senderIP": _ip(rng, route in ("internal", "outbound")),
    }
    if rng.random() < ABSENT_TO_HEADER:
        del message["toHeader"]
    return message


def _tracked_email(rng, now):
    route = rng.choice(("inbound", "inbound", "outbound", "internal"))
    sender, recipient = _parties(rng, route)
    recipients = [recipient] + [_person(rng, recipient["emailAddress"].split("@")[1]) for _i in range(rng.randint(0, 2))]
    received = now - rng.randint(60, 20 * 86400)
    status = rng.choice(TRACK_STATUSES)
    message = {
        "id": _secure_id(rng),
        # A lookup key for messageId searches only: trackedEmails never carry it (see search.HIDDEN_KEYS).
        "messageId": "<%012x@%s>" % (rng.getrandbits(48), sender["emailAddress"].split("@")[1]),
        "status": status,
        "received": format_time(received),
        "sent": format_time(received + rng.randint(1, 90)),
        "fromEnv": sender,
        "fromHdr": dict(sender),
        "to": recipients,
        "attachments": rng.random() < 0.35,
        "route": route,
        "senderIP": _ip(rng, route != "inbound"),
        "subject": _subject(rng),
        # Not on Mimecast's page, on live answers.
        "info": TRACK_INFO[status],
        "spamScore": rng.randint(0, 20),
        "detectionLevel": rng.choice(DETECTION_LEVELS),
    }
    if rng.random() < ABSENT_ATTACHMENTS:
        del message["attachments"]
    if rng.random() < BLANK_FROM_HDR_ADDRESS:
        message["fromHdr"]["emailAddress"] = ""
    return message


def generate(seed, held, processing, tracked, now):
    """Seeded data set.  bulk_processing gets half as many messages as processing."""
    rng = random.Random(seed)
    return {
        # Every 9th held message (including the first) is for the service user,
        # so admin=false returns a small, non-empty subset.
        "held": [_held_message(rng, now, i % 9 == 0) for i in range(held)],
        "processing": [_processing_message(rng, now) for _i in range(processing)],
        "bulk_processing": [_processing_message(rng, now) for _i in range((processing + 1) // 2)],
        "tracked": [_tracked_email(rng, now) for _i in range(tracked)],
    }
