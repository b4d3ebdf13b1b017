# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role's variables and the modules' results the compliance unit tests build their reports from."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.settings import check_settings


UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)
P = "mail_flow_compliance_"


def stamp(hours_ago):
    return (NOW - datetime.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%S+0000")


def variables(**overrides):
    """The role's defaults, as the role passes them to check_settings, with overrides (short names)."""
    values = dict(connection={}, account="acme", max_held=100, max_held_age="24h", forbidden_reason_codes=[],
                  max_held_per_reason={}, max_processing=200, max_attempts=10, max_processing_age="4h", probes=[],
                  report_dir="reports", report_formats=["json", "junit", "markdown", "html"], fail_on_violation=True,
                  held_since=None)
    values.update(overrides)
    return dict((P + key, value) for key, value in values.items())


def settings(**overrides):
    checked = check_settings(variables(**overrides), cwd="/srv/ci")
    assert checked["errors"] == []
    return checked["settings"]


def held_result(*messages):
    """A mimecast_hold_info result; messages are (reason_code, route, hours_ago, subject)."""
    items = [dict(reason_code=code, route=route, date_received=stamp(age), subject=subject) for code, route, age, subject in messages]
    by_reason, by_route = {}, {}
    for item in items:
        by_reason[item["reason_code"]] = by_reason.get(item["reason_code"], 0) + 1
        by_route[item["route"]] = by_route.get(item["route"], 0) + 1
    oldest = max([age for _code, _route, age, _subject in messages] or [None], key=lambda age: -1 if age is None else age)
    return dict(changed=False, count=len(items), truncated=False, held_messages=items, summary=dict(
        total=len(items), by_reason_code=by_reason, by_route=by_route,
        oldest=None if oldest is None else stamp(oldest), oldest_age_seconds=None if oldest is None else int(oldest * 3600)))


def processing_result(*messages):
    """A mimecast_processing_info result; messages are (attempts, hours_ago)."""
    items = [dict(attempts=attempts, created=stamp(age), routing="outbound") for attempts, age in messages]
    oldest = max([age for _attempts, age in messages] or [None], key=lambda age: -1 if age is None else age)
    return dict(changed=False, count=len(items), truncated=False, messages=items, summary=dict(
        total=len(items), by_route={"outbound": len(items)} if items else {}, by_info={},
        oldest=None if oldest is None else stamp(oldest), oldest_age_seconds=None if oldest is None else int(oldest * 3600)))


def probe_result(probe, *found):
    """One loop item of mimecast_track_info; found are (status, hours_ago)."""
    emails = [dict(status=status, received=stamp(age), route="outbound") for status, age in found]
    return dict(item=probe, changed=False, count=len(emails), tracked_emails=emails, truncated=False, summary=dict(total=len(emails)))


FAILED_MODULE = dict(changed=False, failed_when_result=False, msg="HTTP 401 from Mimecast: token_verification_failed")


def by_id(report):
    return dict((check["id"], check) for check in report["checks"])


def full_settings(**overrides):
    base = dict(max_held=3, max_held_age="24h", forbidden_reason_codes=["impersonation"],
                max_held_per_reason={"spam": 1}, max_processing=2, max_attempts=5, max_processing_age="4h",
                probes=[dict(name="invoice", message_id="<i@x>"), dict(name="canary", sender="canary@x")])
    base.update(overrides)
    return settings(**base)
