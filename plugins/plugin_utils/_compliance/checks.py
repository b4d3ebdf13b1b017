# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One account's report, from the checked settings and the three modules' registered results.

Each check is passed, failed, in error (its data could not be read) or skipped (turned off); the
report adds the tallies the charts need. The report holds counts and ages only, never message
subjects or addresses.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

from ansible_collections.mimecast.gateway.plugins.module_utils.dates import parse_api_time
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.ages import AGE_BUCKETS, AGE_LABELS, age_histogram, format_age
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.guards import refusal, status_notes
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.probes import expected_statuses, expected_text, probe_query
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.settings import file_stem
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.variables import PREFIX


STATUSES = ("passed", "failed", "error", "skipped")
MISSING = "the play failed for this account before its checks ran (see the play's output)"


def now_or(now=None):
    return now or datetime.datetime.now(datetime.timezone.utc)


def iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read(result):
    """``(data, error)`` for one module result registered with failed_when false."""
    if result is None or not isinstance(result, dict) or result.get("skipped"):
        return None, None
    # failed_when: false keeps the failure's msg but clears "failed": a missing summary is the tell.
    if result.get("failed") or "summary" not in result:
        return None, str(result.get("msg") or "the module failed without a message")
    return result, None


def _read_wanted(result, wanted):
    """``_read`` for a queue a check needs: no result (left out, or its task skipped) is an error, not a crash."""
    if not wanted:
        return None, None
    data, error = _read(result)
    if data is None and not error:
        error = "no result was given (the task that reads it did not run)"
    return data, error


# Observations of the threshold checks: each gives (observed value, its text, the check's message) once the data was read.

def _counted(limit, count, what):
    return count, str(count), "%d %s, at most %d allowed" % (count, what, limit)


def _most_attempts(limit, attempts):
    return attempts, str(attempts), "a message has had %d delivery attempts, at most %d allowed" % (attempts, limit)


def _oldest(limit, summary, limit_text, when_empty, since):
    """The age of a queue's oldest message."""
    age = summary.get("oldest_age_seconds")
    if age is None:
        return None, "-", when_empty
    message = "%s %s (%s ago), at most %s allowed" % (since, summary.get("oldest"), format_age(age), limit_text or format_age(limit))
    return age, format_age(age), message


class _Checks:
    def __init__(self):
        self.items = []

    def add(self, check_id, category, name, status, observed=None, limit=None, message="", observed_text=None, limit_text=None,
            **extra):
        self.items.append(dict(
            id=check_id, category=category, name=name, status=status, observed=observed, limit=limit,
            observed_text=observed_text if observed_text is not None else ("-" if observed is None else str(observed)),
            limit_text=limit_text if limit_text is not None else ("-" if limit is None else str(limit)),
            message=message, **extra
        ))

    def threshold(self, check_id, category, name, limit, variable, error, observe, *facts, limit_text=None):
        """A "value <= limit" check; ``observe(limit, *facts)`` gives ``(value, text, message)`` once the data was read."""
        if limit is None:
            self.add(check_id, category, name, "skipped", message="turned off (%s%s is null)" % (PREFIX, variable), limit_text="off")
            return
        if error:
            self.add(check_id, category, name, "error", limit=limit, limit_text=limit_text, message=error)
            return
        value, text, message = observe(limit, *facts)
        passed = value is None or value <= limit
        self.add(check_id, category, name, "passed" if passed else "failed", observed=value, limit=limit,
                 observed_text=text, limit_text=limit_text, message=message)


def evaluate(settings, held=None, processing=None, probe_results=None, now=None, stopped=None):
    """One account's report from the settings and the registered module results.

    ``stopped`` says why the account stopped before its checks (its variables were wrong): the
    report is then in error with that reason alone, and the results are not read. A result Mimecast
    refused (MimecastAuthenticationError) stops the account the same way, with the refusal as reason.
    """
    now = now_or(now)
    if stopped:
        return stopped_report(settings.get("account"), str(stopped), now=now, stem=settings.get("file_stem"))
    refused = refusal([("reading the held messages", held), ("reading the processing queue", processing)]
                      + [("tracking probe %s" % (result.get("item") or {}).get("name"), result)
                         for result in probe_results or [] if isinstance(result, dict)])
    if refused:
        return stopped_report(settings.get("account"), refused[0], label=refused[1], now=now, stem=settings.get("file_stem"))
    checks = _Checks()
    held_data, held_error = _read_wanted(held, settings.get("read_held"))
    proc_data, proc_error = _read_wanted(processing, settings.get("read_processing"))
    held_tally = _held_checks(checks, settings, held_data, held_error and "could not read the held messages: %s" % held_error, now)
    proc_tally = _processing_checks(checks, settings, proc_data, proc_error and "could not read the processing queue: %s" % proc_error,
                                    now)
    results = dict()
    for result in probe_results or []:
        if isinstance(result, dict) and isinstance(result.get("item"), dict):
            results[result["item"].get("name")] = result
    for probe in settings.get("probes") or []:
        _probe_check(checks, probe, results.get(probe["name"]))
    return dict(
        _outcome(settings.get("account"), checks.items, now),
        warnings=[warning for probe in settings.get("probes") or [] for warning in probe.get("warnings", [])],
        file_stem=settings.get("file_stem") or file_stem(settings.get("account") or "account"),
        held=held_tally, processing=proc_tally, age_buckets=list(AGE_LABELS),
    )


def _held_checks(checks, settings, data, error, now):
    """The held queue's checks; returns its tallies."""
    summary = (data or {}).get("summary") or {}
    by_reason = dict(summary.get("by_reason_code") or {})
    count = (data or {}).get("count", summary.get("total"))
    checks.threshold("held_total", "held", "Held messages", settings.get("max_held"), "max_held", error, _counted, count, "held")
    checks.threshold("held_oldest_age", "held", "Oldest held message", settings.get("max_held_age"), "max_held_age", error,
                     _oldest, summary, settings.get("max_held_age_text"), "nothing is held", "oldest held since",
                     limit_text=settings.get("max_held_age_text"))
    forbidden = settings.get("forbidden_reason_codes") or []
    name = "Forbidden hold reasons"
    if not forbidden:
        checks.add("held_forbidden_reason_codes", "held", name, "skipped", limit_text="off",
                   message="turned off (%sforbidden_reason_codes is empty)" % PREFIX)
    elif error:
        checks.add("held_forbidden_reason_codes", "held", name, "error", limit=forbidden, limit_text="none of " + ", ".join(forbidden),
                   message=error)
    else:
        found = dict((code, by_reason[code]) for code in forbidden if by_reason.get(code))
        text = ", ".join("%s: %d" % item for item in sorted(found.items())) or "none"
        checks.add("held_forbidden_reason_codes", "held", name, "failed" if found else "passed",
                   observed=found, limit=forbidden, observed_text=text, limit_text="none of " + ", ".join(forbidden),
                   message=("held for forbidden reasons: %s" % text) if found else "no message held for %s" % ", ".join(forbidden))
    for code, limit in sorted((settings.get("max_held_per_reason") or {}).items()):
        checks.threshold("held_per_reason:%s" % code, "held", "Held for %s" % code, limit, "max_held_per_reason[%s]" % code, error,
                         _counted, by_reason.get(code, 0), "held for %s" % code)
    return dict(read=data is not None, error=error, count=count if data else None,
                by_reason_code=by_reason, by_route=dict(summary.get("by_route") or {}),
                oldest=summary.get("oldest"), oldest_age_seconds=summary.get("oldest_age_seconds"),
                age_histogram=age_histogram((data or {}).get("held_messages"), "date_received", now))


def _processing_checks(checks, settings, data, error, now):
    """The processing queue's checks; returns its tallies."""
    summary = (data or {}).get("summary") or {}
    count = (data or {}).get("count", summary.get("total"))
    attempts = [item.get("attempts") for item in (data or {}).get("messages") or [] if isinstance(item, dict)]
    attempts = [value for value in attempts if isinstance(value, int) and not isinstance(value, bool)]
    most_attempts = max(attempts) if attempts else (0 if data else None)
    checks.threshold("processing_total", "processing", "Processing queue", settings.get("max_processing"), "max_processing", error,
                     _counted, count, "in the processing queue")
    checks.threshold("processing_max_attempts", "processing", "Delivery attempts", settings.get("max_attempts"), "max_attempts", error,
                     _most_attempts, most_attempts)
    checks.threshold("processing_oldest_age", "processing", "Oldest in processing", settings.get("max_processing_age"),
                     "max_processing_age", error, _oldest, summary, settings.get("max_processing_age_text"),
                     "the processing queue is empty", "oldest in the queue since", limit_text=settings.get("max_processing_age_text"))
    return dict(read=data is not None, error=error, count=count if data else None,
                by_route=dict(summary.get("by_route") or {}), by_info=dict(summary.get("by_info") or {}),
                max_attempts=most_attempts, oldest=summary.get("oldest"), oldest_age_seconds=summary.get("oldest_age_seconds"),
                age_histogram=age_histogram((data or {}).get("messages"), "created", now))


def _newest_first(item):
    return parse_api_time(item.get("received")) or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)


def _probe_check(checks, probe, result):
    """Passes when the newest match's status is one of the probe's accepted statuses (any case).

    ``limit`` is the expected status, lowercased (a list when several were given),
    ``accepted_statuses`` every status that passes, ``limit_text`` both in words, and
    ``observed`` the newest match's status as Mimecast gave it.
    """
    check_id, name = "probe:%s" % probe["name"], "Probe %s" % probe["name"]
    expected = probe["expected_status"]
    accepted = probe.get("accepted_statuses") or expected_statuses(expected)[1]
    wanted = expected_text(expected, accepted)
    data, error = _read(result)
    if data is None and not error:
        error = "the probe was not run"
    if error:
        checks.add(check_id, "probe", name, "error", limit=expected, limit_text=wanted, accepted_statuses=accepted,
                   message="could not track the probe message: %s" % error)
        return
    # A status outside the known vocabulary (a typo?) is noted where the check is read.
    note = "".join(" (warning: %s)" % text for text in status_notes(accepted))
    found = [item for item in data.get("tracked_emails") or [] if isinstance(item, dict)]
    if not found:
        checks.add(check_id, "probe", name, "failed", observed=None, limit=expected, observed_text="not found", limit_text=wanted,
                   accepted_statuses=accepted, message="no message found for %s; expected %s%s" % (probe_query(probe), wanted, note))
        return
    # Mimecast lists the newest first, but do not rely on it: the most recent match is the probe message.
    newest = max(found, key=_newest_first)
    status = str(newest.get("status") or "unknown")
    passed = status.strip().lower() in accepted
    several = "newest of %d matches, " % len(found) if len(found) > 1 else ""
    checks.add(check_id, "probe", name, "passed" if passed else "failed", observed=status, limit=expected, limit_text=wanted,
               accepted_statuses=accepted, message="status %s, expected %s; %sreceived %s, route %s%s" % (
                   status, wanted, several, newest.get("received") or "at an unknown time", newest.get("route") or "unknown", note))


def _outcome(account, checks, now, stopped=False):
    """``error``: why the account is in error (each distinct message once), or None; ``stopped``: before its checks."""
    counts = dict((status, sum(1 for check in checks if check["status"] == status)) for status in STATUSES)
    status = "error" if counts["error"] else "failed" if counts["failed"] else "passed"
    failing = ["%s (%s)" % (check["name"], check["message"]) for check in checks if check["status"] in ("failed", "error")]
    errors = []
    for check in checks:
        if check["status"] == "error" and check["message"] not in errors:
            errors.append(check["message"])
    return dict(account=account, generated=iso(now), status=status, stopped=stopped, error="; ".join(errors) or None,
                counts=counts, failing=failing, checks=checks)


def stopped_report(account, reason, label="stopped", now=None, stem=None):
    """The report of an account stopped before its checks: in error, with ``reason`` as its one check."""
    account = str(account or "account")
    checks = _Checks()
    checks.add("checked", "run", "Account checked", "error", message=reason, observed_text=label)
    empty = dict(read=False, error=None, count=None, by_route={}, oldest=None, oldest_age_seconds=None,
                 age_histogram=[0] * len(AGE_BUCKETS))
    return dict(_outcome(account, checks.items, now_or(now), stopped=True), warnings=[], file_stem=stem or file_stem(account),
                held=dict(empty, by_reason_code={}), processing=dict(empty, by_info={}, max_attempts=None),
                age_buckets=list(AGE_LABELS))


def placeholder(account, now=None):
    """The report of an account the play failed on before the role could report it, so the aggregate still shows it."""
    return stopped_report(account, MISSING, now=now)
