# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Mail flow compliance: the role's variables, its checks, and its reports.

Controller-side code behind the ``compliance_settings``, ``compliance_evaluate``
and ``compliance_render`` filters used by the ``mimecast.gateway.mail_flow_compliance``
role. Kept free of Ansible objects so the unit tests can call it directly.

- ``check_settings`` reads the role's variables and returns them normalised (ages in
  seconds, defaults filled in), or the list of what is wrong with them, before any API call.
- ``evaluate`` turns the three modules' results and the settings into one account's
  report: a list of checks, each passed, failed, in error or turned off, plus the
  tallies the charts need.
- ``render`` writes one account's report, or the aggregate of several, as JSON, JUnit
  XML, Markdown, self-contained HTML with inline SVG charts, or a plain-text table.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import difflib
import html
import json
import os
import re
import xml.etree.ElementTree as ET

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.mimecast.gateway.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC,
    RESULT_ARGUMENT_SPEC,
)
from ansible_collections.mimecast.gateway.plugins.module_utils.dates import duration_seconds, parse_api_time, parse_user_time
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.plugin_utils.compliance_guards import refusal, status_notes, status_warnings


PREFIX = "mail_flow_compliance_"
# Facts the role sets for itself carry a double underscore and are never user input.
PRIVATE_PREFIX = PREFIX + "_"

FORMATS = ("json", "junit", "markdown", "html")
# File name suffix of each report format.
EXTENSIONS = dict(json="json", junit="junit.xml", markdown="md", html="html")
STATUSES = ("passed", "failed", "error", "skipped")
DEFAULT_PROBE_STATUS = "delivered"
# Words of a probe's expected_status that stand for several message tracking statuses. A
# delivered message shows as "archived" on an account with archiving (most accounts), so
# "delivered" accepts either, as the default and wherever a probe names it.
STATUS_ALIASES = dict(delivered=("archived", "delivered"))
STATUS_HELP = "a tracking status such as delivered, held or bounced, or a list of them"
PROBE_SEARCH_KEYS = ("sender", "recipient", "subject")
PROBE_KEYS = ("name", "message_id") + PROBE_SEARCH_KEYS + ("start", "expected_status")
# Connection options the role may pass to the modules; result options such as
# summary_only or max_results would starve the checks, so only page_size is allowed.
CONNECTION_KEYS = tuple(sorted(set(CONNECTION_ARGUMENT_SPEC) | (set(["page_size"]) & set(RESULT_ARGUMENT_SPEC))))

INTEGER_THRESHOLDS = ("max_held", "max_processing", "max_attempts")
AGE_THRESHOLDS = ("max_held_age", "max_processing_age")
VARIABLES = (
    "connection", "account", "max_held", "max_held_age", "forbidden_reason_codes", "max_held_per_reason",
    "max_processing", "max_attempts", "max_processing_age", "probes", "report_dir", "report_formats",
    "fail_on_violation", "held_since",
)
# Facts the role sets for the play to use afterwards: not typos.
OUTPUTS = ("report",)

AGE_HELP = "an age such as 30m, 24h, 2d or 1w (units s, m, h, d, w; combine them as in 1d12h)"

# Histogram buckets for message ages: [low, high) in seconds; None = no upper bound.
AGE_BUCKETS = (
    ("< 1h", 0, 3600),
    ("1h-6h", 3600, 6 * 3600),
    ("6h-24h", 6 * 3600, 86400),
    ("1d-3d", 86400, 3 * 86400),
    ("3d-7d", 3 * 86400, 7 * 86400),
    (">= 7d", 7 * 86400, None),
)


class SettingsError(ValueError):
    """One thing wrong with the role's variables; the text names the variable."""


# ------------------------------------------------------------------ ages

def parse_age(value, name):
    """``24h`` -> 86400. Raise SettingsError naming ``name`` for anything unreadable or negative."""
    if isinstance(value, bool) or value is None:
        raise SettingsError("%s must be %s, not %r" % (name, AGE_HELP, value))
    text = str(value).strip().lower()
    if text.startswith("-"):
        raise SettingsError("%s must not be negative (%r); give %s" % (name, str(value)[:40], AGE_HELP))
    seconds = duration_seconds(text)  # the modules' grammar for relative times, without the minus
    if seconds is None:
        hint = " (a number alone has no unit)" if text.isdigit() else ""
        if text in ("null", "none", "~"):
            hint = " (to turn the check off on the command line, give null as JSON: -e '{\"%s\": null}')" % name
        raise SettingsError("%s %r is not an age%s; give %s" % (name, str(value)[:40], hint, AGE_HELP))
    return seconds


def format_age(seconds):
    """86400 + 6 * 3600 -> ``1d 6h``: the two largest units, for tables and messages."""
    if seconds is None:
        return "-"
    seconds = int(seconds)
    for unit, size, smaller, smaller_size in (("w", 604800, "d", 86400), ("d", 86400, "h", 3600),
                                              ("h", 3600, "m", 60), ("m", 60, "s", 1)):
        if seconds >= size:
            whole, rest = divmod(seconds, size)
            part = rest // smaller_size
            return "%d%s %d%s" % (whole, unit, part, smaller) if part else "%d%s" % (whole, unit)
    return "%ds" % seconds


# ------------------------------------------------------------------ settings

def _integer(value, name):
    """A threshold count: null (off) or a whole number >= 0."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise SettingsError("%s must be a whole number or null, not a boolean" % name)
    if isinstance(value, str) and re.match(r"^\s*-?\d+\s*$", value):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise SettingsError("%s must be a whole number or null, not %r" % (name, str(value)[:40]))
    if value < 0:
        raise SettingsError("%s must be 0 or more (or null to turn the check off), not %d" % (name, value))
    return value


def _split(value):
    """``json,html`` -> ``['json', 'html']``, as the argument spec reads a list given as text (-e name=a,b)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def _text_list(value, name):
    value = _split(value)
    if not isinstance(value, (list, tuple)):
        raise SettingsError("%s must be a list of strings" % name)
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise SettingsError("%s must hold non-empty strings, not %r" % (name, item))
        items.append(item.strip())
    return items


def _probe(raw, index, name_var):
    where = "%s[%d]" % (name_var, index)
    if not isinstance(raw, dict):
        raise SettingsError("%s must be a dict with message_id, or sender/recipient/subject" % where)
    unknown = sorted(set(raw) - set(PROBE_KEYS))
    if unknown:
        raise SettingsError("%s has unknown key(s) %s; known keys are %s" % (where, ", ".join(unknown), ", ".join(PROBE_KEYS)))
    probe = {}
    for key in PROBE_KEYS:
        value = raw.get(key)
        if value is None or key == "expected_status":
            continue
        if not isinstance(value, str) or not value.strip():
            raise SettingsError("%s.%s must be a non-empty string" % (where, key))
        probe[key] = value.strip()
    searched = [key for key in PROBE_SEARCH_KEYS if key in probe]
    if "message_id" in probe and searched:
        raise SettingsError("%s gives message_id and %s: use one or the other" % (where, "/".join(searched)))
    if "message_id" not in probe and not searched:
        raise SettingsError("%s needs message_id, or at least one of sender, recipient, subject" % where)
    if not probe.get("name"):
        probe["name"] = probe.get("message_id") or " ".join("%s=%s" % (key, probe[key]) for key in searched)
    probe["expected_status"], probe["accepted_statuses"] = expected_statuses(raw.get("expected_status"), where + ".expected_status")
    words = [probe["expected_status"]] if isinstance(probe["expected_status"], str) else probe["expected_status"]
    warnings = status_warnings(words, where + ".expected_status", probe["name"])
    if warnings:
        probe["warnings"] = warnings
    return probe


def expected_statuses(value, name="expected_status"):
    """A probe's ``expected_status`` -> ``(expected, accepted)``.

    ``expected`` is the status given, lowercased, or the list of them when there are several
    (null: ``delivered``); ``accepted`` lists every status that passes, each alias of
    STATUS_ALIASES expanded (``delivered`` -> ``archived``, ``delivered``). A string is split
    at commas, as the argument spec reads a list given as text.
    """
    if value is None:
        value = DEFAULT_PROBE_STATUS
    items = _split(value)
    if not isinstance(items, (list, tuple)):
        raise SettingsError("%s must be %s, not %r" % (name, STATUS_HELP, str(value)[:40]))
    words = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise SettingsError("%s must list non-empty strings, each a tracking status such as delivered, held or bounced; not %r"
                                % (name, item))
        if item.strip().lower() not in words:
            words.append(item.strip().lower())
    if not words:
        raise SettingsError("%s is empty; give %s" % (name, STATUS_HELP))
    accepted = []
    for word in words:
        accepted += [status for status in STATUS_ALIASES.get(word, (word,)) if status not in accepted]
    return (words[0] if len(words) == 1 else words), accepted


def _either(words):
    """``['held', 'bounced', 'deferred']`` -> ``held, bounced or deferred``."""
    words = list(words)
    return words[0] if len(words) == 1 else "%s or %s" % (", ".join(words[:-1]), words[-1])


def expected_text(expected, accepted):
    """How reports show a probe's expectation: ``delivered (archived or delivered)``, ``held or bounced``."""
    words = [expected] if isinstance(expected, str) else list(expected)
    if set(words) == set(accepted):
        return _either(words)
    return "%s (%s)" % (_either(words), _either(accepted))


def _unknown_variables(names):
    """Variables that carry the role's prefix but are not the role's: most likely typos."""
    known = set(PREFIX + name for name in VARIABLES + OUTPUTS)
    problems = []
    for name in sorted(set(names or [])):
        if not str(name).startswith(PREFIX) or name in known or str(name).startswith(PRIVATE_PREFIX):
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = "; did you mean %s?" % close[0] if close else "; the role's variables are %s" % ", ".join(sorted(known))
        problems.append("unknown variable %s%s" % (name, hint))
    return problems


def check_settings(given, defined_names=None, cwd=None):
    """Read the role's variables (``{full variable name: value}``).

    ``defined_names`` lists every variable name in scope, to catch misspelt ones;
    ``cwd`` resolves a relative report directory (default: the current directory).
    Returns ``{"errors": [...], "warnings": [...], "settings": {...}}``; settings are only
    complete when there are no errors, but name the report files whenever the account, the
    report directory and the formats are readable, so an account stopped by its variables
    still gets a fresh report. Values are never echoed for the connection, which holds secrets.
    """
    errors = _unknown_variables(defined_names)
    settings = {}

    def var(name):
        return given.get(PREFIX + name)

    def guarded(name, function):
        try:
            settings[name] = function(var(name), PREFIX + name)
        except SettingsError as exc:
            errors.append(str(exc))

    connection = var("connection")
    if connection is None:
        connection = {}
    if not isinstance(connection, dict):
        errors.append("%sconnection must be a dict of connection options (client_id, base_url, ...)" % PREFIX)
    else:
        unknown = sorted(set(connection) - set(CONNECTION_KEYS))
        if unknown:
            errors.append("%sconnection has unknown option(s) %s; known options are %s"
                          % (PREFIX, ", ".join(str(key) for key in unknown), ", ".join(CONNECTION_KEYS)))

    account = var("account")
    if account is None or not str(account).strip():
        errors.append("%saccount must name the account (it defaults to inventory_hostname)" % PREFIX)
    else:
        settings["account"] = str(account).strip()

    for name in INTEGER_THRESHOLDS:
        guarded(name, _integer)
    for name in AGE_THRESHOLDS:
        guarded(name, lambda value, full: None if value is None else parse_age(value, full))
        # Tables show the age as the user wrote it.
        settings[name + "_text"] = None if var(name) is None else str(var(name)).strip()
    guarded("forbidden_reason_codes", _text_list)
    guarded("held_since", _held_since)

    per_reason = var("max_held_per_reason")
    if per_reason is None:
        settings["max_held_per_reason"] = {}
    elif not isinstance(per_reason, dict):
        errors.append("%smax_held_per_reason must be a dict of reason code to count" % PREFIX)
    else:
        settings["max_held_per_reason"] = {}
        for code, limit in per_reason.items():
            try:
                settings["max_held_per_reason"][str(code)] = _integer(limit, "%smax_held_per_reason[%s]" % (PREFIX, code))
            except SettingsError as exc:
                errors.append(str(exc))

    probes = var("probes")
    settings["probes"] = []
    if probes is not None and not isinstance(probes, (list, tuple)):
        errors.append("%sprobes must be a list of probes" % PREFIX)
    else:
        for index, raw in enumerate(probes or []):
            try:
                settings["probes"].append(_probe(raw, index, PREFIX + "probes"))
            except SettingsError as exc:
                errors.append(str(exc))
        names = [probe["name"] for probe in settings["probes"]]
        for name in sorted(set(item for item in names if names.count(item) > 1)):
            errors.append("%sprobes: the name %r is used more than once; give each probe its own name" % (PREFIX, name))

    report_dir = var("report_dir")
    if report_dir is None or not str(report_dir).strip():
        errors.append("%sreport_dir must be a directory path" % PREFIX)
    else:
        settings["report_dir"] = os.path.normpath(os.path.join(cwd or os.getcwd(), os.path.expanduser(str(report_dir).strip())))

    formats = _split(var("report_formats"))
    if not isinstance(formats, (list, tuple)):
        errors.append("%sreport_formats must be a list (any of %s)" % (PREFIX, ", ".join(FORMATS)))
    else:
        unknown = [str(item) for item in formats if item not in FORMATS]
        if unknown:
            errors.append("%sreport_formats: unknown format(s) %s; use any of %s" % (PREFIX, ", ".join(unknown), ", ".join(FORMATS)))
        settings["report_formats"] = [item for item in FORMATS if item in formats]

    try:
        # As the argument spec does: -e name=false arrives as a string.
        settings["fail_on_violation"] = boolean(var("fail_on_violation"), strict=True)
    except TypeError:
        errors.append("%sfail_on_violation must be true or false, not %r" % (PREFIX, str(var("fail_on_violation"))[:40]))

    if not errors:
        settings["read_held"] = any((settings["max_held"] is not None, settings["max_held_age"] is not None,
                                     settings["forbidden_reason_codes"], settings["max_held_per_reason"]))
        settings["read_processing"] = any(settings[name] is not None for name in ("max_processing", "max_attempts", "max_processing_age"))
    settings["report_files"], settings["other_report_files"] = [], []
    if all(key in settings for key in ("account", "report_dir", "report_formats")):
        settings["file_stem"] = file_stem(settings["account"])
        # other_report_files: the formats not asked for, which the role deletes so no earlier run's file is left.
        for fmt in FORMATS:
            settings["report_files" if fmt in settings["report_formats"] else "other_report_files"].append(dict(
                format=fmt, extension=EXTENSIONS[fmt],
                dest=os.path.join(settings["report_dir"], "accounts", "%s.%s" % (settings["file_stem"], EXTENSIONS[fmt])),
                aggregate_dest=os.path.join(settings["report_dir"], "aggregate.%s" % EXTENSIONS[fmt])))
    warnings = [warning for probe in settings["probes"] for warning in probe.get("warnings", [])]
    warnings.extend(_held_since_warnings(settings))
    return dict(errors=errors, warnings=warnings, settings=settings)


def _held_since(value, name):
    """The hold list's ``start`` as the user wrote it (the module reads it at run time), or None; checked now."""
    if value is None or not str(value).strip():
        return None
    try:
        parse_user_time(value, name)
    except MimecastOptionError as exc:
        raise SettingsError(str(exc))
    return str(value).strip()


def _held_since_warnings(settings, now=None):
    """A warning when held_since is later than max_held_age ago: the age check could not see what it looks for."""
    since, age = settings.get("held_since"), settings.get("max_held_age")
    if since is None or age is None:
        return []
    now = _now(now)
    if parse_user_time(since, PREFIX + "held_since", now=now) <= now - datetime.timedelta(seconds=age):
        return []
    return ["%sheld_since (%s) is later than %smax_held_age (%s) ago: messages held longer are not read, so the age "
            "check cannot fail; move held_since back or leave it null" % (PREFIX, since, PREFIX, settings.get("max_held_age_text"))]


def file_stem(account):
    """A file name for an account: ``Contoso EU/prod`` -> ``Contoso_EU_prod``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", account).strip("._") or "account"


# ------------------------------------------------------------------ evaluation

def _now(now=None):
    return now or datetime.datetime.now(datetime.timezone.utc)


def _iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read(result):
    """``(data, error)`` for one module result registered with failed_when false."""
    if result is None or not isinstance(result, dict) or result.get("skipped"):
        return None, None
    # failed_when: false keeps the failure's msg but clears "failed": a missing summary is the tell.
    if result.get("failed") or "summary" not in result:
        return None, str(result.get("msg") or "the module failed without a message")
    return result, None


def _histogram(items, field, now):
    counts = [0] * len(AGE_BUCKETS)
    for item in items or []:
        moment = parse_api_time(item.get(field)) if isinstance(item, dict) else None
        if moment is None:
            continue
        age = max(0, (now - moment).total_seconds())
        for index, (_label, low, high) in enumerate(AGE_BUCKETS):
            if age >= low and (high is None or age < high):
                counts[index] += 1
                break
    return counts


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

    def threshold(self, check_id, category, name, limit, variable, error, observe, limit_text=None):
        """A "value <= limit" check; ``observe()`` gives ``(value, text, message)`` once the data was read."""
        if limit is None:
            self.add(check_id, category, name, "skipped", message="turned off (%s%s is null)" % (PREFIX, variable), limit_text="off")
            return
        if error:
            self.add(check_id, category, name, "error", limit=limit, limit_text=limit_text, message=error)
            return
        value, text, message = observe()
        passed = value is None or value <= limit
        self.add(check_id, category, name, "passed" if passed else "failed", observed=value, limit=limit,
                 observed_text=text, limit_text=limit_text, message=message)


def evaluate(settings, held=None, processing=None, probe_results=None, now=None, stopped=None):
    """One account's report from the settings and the registered module results.

    ``stopped`` says why the account stopped before its checks (its variables were wrong): the
    report is then in error with that reason alone, and the results are not read. A result Mimecast
    refused (MimecastAuthenticationError) stops the account the same way, with the refusal as reason.
    """
    now = _now(now)
    if stopped:
        return stopped_report(settings.get("account"), str(stopped), now=now, stem=settings.get("file_stem"))
    refused = refusal([("reading the held messages", held), ("reading the processing queue", processing)]
                      + [("tracking probe %s" % (result.get("item") or {}).get("name"), result)
                         for result in probe_results or [] if isinstance(result, dict)])
    if refused:
        return stopped_report(settings.get("account"), refused[0], label=refused[1], now=now, stem=settings.get("file_stem"))
    checks = _Checks()
    held_data, held_error = _read(held) if settings.get("read_held") else (None, None)
    proc_data, proc_error = _read(processing) if settings.get("read_processing") else (None, None)
    held_error = held_error and "could not read the held messages: %s" % held_error
    proc_error = proc_error and "could not read the processing queue: %s" % proc_error

    held_summary = (held_data or {}).get("summary") or {}
    by_reason = dict(held_summary.get("by_reason_code") or {})
    held_count = (held_data or {}).get("count", held_summary.get("total"))

    checks.threshold("held_total", "held", "Held messages", settings.get("max_held"), "max_held", held_error,
                     lambda: (held_count, str(held_count), "%d held, at most %d allowed" % (held_count, settings["max_held"])))

    checks.threshold("held_oldest_age", "held", "Oldest held message", settings.get("max_held_age"), "max_held_age",
                     held_error, lambda: _oldest_observation(held_summary, settings, "max_held_age", "nothing is held",
                                                             "oldest held since"),
                     limit_text=settings.get("max_held_age_text"))

    forbidden = settings.get("forbidden_reason_codes") or []
    if not forbidden:
        checks.add("held_forbidden_reason_codes", "held", "Forbidden hold reasons", "skipped", limit_text="off",
                   message="turned off (%sforbidden_reason_codes is empty)" % PREFIX)
    elif held_error:
        checks.add("held_forbidden_reason_codes", "held", "Forbidden hold reasons", "error", limit=forbidden,
                   limit_text="none of " + ", ".join(forbidden), message=held_error)
    else:
        found = dict((code, by_reason[code]) for code in forbidden if by_reason.get(code))
        text = ", ".join("%s: %d" % item for item in sorted(found.items())) or "none"
        checks.add("held_forbidden_reason_codes", "held", "Forbidden hold reasons", "failed" if found else "passed",
                   observed=found, limit=forbidden, observed_text=text, limit_text="none of " + ", ".join(forbidden),
                   message=("held for forbidden reasons: %s" % text) if found else "no message held for %s" % ", ".join(forbidden))

    for code, limit in sorted((settings.get("max_held_per_reason") or {}).items()):
        count = by_reason.get(code, 0)
        checks.threshold("held_per_reason:%s" % code, "held", "Held for %s" % code, limit,
                         "max_held_per_reason[%s]" % code, held_error,
                         lambda count=count, limit=limit, code=code: (count, str(count), "%d held for %s, at most %s allowed" % (count, code, limit)))

    proc_summary = (proc_data or {}).get("summary") or {}
    proc_count = (proc_data or {}).get("count", proc_summary.get("total"))
    attempts = [item.get("attempts") for item in (proc_data or {}).get("messages") or [] if isinstance(item, dict)]
    attempts = [value for value in attempts if isinstance(value, int) and not isinstance(value, bool)]
    most_attempts = max(attempts) if attempts else (0 if proc_data else None)

    checks.threshold("processing_total", "processing", "Processing queue", settings.get("max_processing"), "max_processing",
                     proc_error, lambda: (proc_count, str(proc_count), "%d in the processing queue, at most %d allowed"
                                          % (proc_count, settings["max_processing"])))
    checks.threshold("processing_max_attempts", "processing", "Delivery attempts", settings.get("max_attempts"), "max_attempts",
                     proc_error, lambda: (most_attempts, str(most_attempts), "a message has had %d delivery attempts, at most %d allowed"
                                          % (most_attempts, settings["max_attempts"])))

    checks.threshold("processing_oldest_age", "processing", "Oldest in processing", settings.get("max_processing_age"),
                     "max_processing_age", proc_error,
                     lambda: _oldest_observation(proc_summary, settings, "max_processing_age", "the processing queue is empty",
                                                 "oldest in the queue since"),
                     limit_text=settings.get("max_processing_age_text"))

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
        held=dict(read=held_data is not None, error=held_error, count=held_count if held_data else None,
                  by_reason_code=by_reason, by_route=dict(held_summary.get("by_route") or {}),
                  oldest=held_summary.get("oldest"), oldest_age_seconds=held_summary.get("oldest_age_seconds"),
                  age_histogram=_histogram((held_data or {}).get("held_messages"), "date_received", now)),
        processing=dict(read=proc_data is not None, error=proc_error, count=proc_count if proc_data else None,
                        by_route=dict(proc_summary.get("by_route") or {}), by_info=dict(proc_summary.get("by_info") or {}),
                        max_attempts=most_attempts, oldest=proc_summary.get("oldest"),
                        oldest_age_seconds=proc_summary.get("oldest_age_seconds"),
                        age_histogram=_histogram((proc_data or {}).get("messages"), "created", now)),
        age_buckets=[label for label, _low, _high in AGE_BUCKETS],
    )


def _oldest_observation(summary, settings, limit_key, when_empty, since):
    """(observed, observed text, message) of an age check on a queue's oldest message."""
    age = summary.get("oldest_age_seconds")
    if age is None:
        return None, "-", when_empty
    limit = settings.get(limit_key + "_text") or format_age(settings[limit_key])
    return age, format_age(age), "%s %s (%s ago), at most %s allowed" % (since, summary.get("oldest"), format_age(age), limit)


def _outcome(account, checks, now, stopped=False):
    """``error``: why the account is in error (each distinct message once), or None; ``stopped``: before its checks."""
    counts = dict((status, sum(1 for check in checks if check["status"] == status)) for status in STATUSES)
    status = "error" if counts["error"] else "failed" if counts["failed"] else "passed"
    failing = ["%s (%s)" % (check["name"], check["message"]) for check in checks if check["status"] in ("failed", "error")]
    errors = []
    for check in checks:
        if check["status"] == "error" and check["message"] not in errors:
            errors.append(check["message"])
    return dict(account=account, generated=_iso(now), status=status, stopped=stopped, error="; ".join(errors) or None,
                counts=counts, failing=failing, checks=checks)


MISSING = "the play failed for this account before its checks ran (see the play's output)"


def stopped_report(account, reason, label="stopped", now=None, stem=None):
    """The report of an account stopped before its checks: in error, with ``reason`` as its one check."""
    account = str(account or "account")
    checks = _Checks()
    checks.add("checked", "run", "Account checked", "error", message=reason, observed_text=label)
    empty = dict(read=False, error=None, count=None, by_route={}, oldest=None, oldest_age_seconds=None,
                 age_histogram=[0] * len(AGE_BUCKETS))
    return dict(_outcome(account, checks.items, _now(now), stopped=True), warnings=[], file_stem=stem or file_stem(account),
                held=dict(empty, by_reason_code={}), processing=dict(empty, by_info={}, max_attempts=None),
                age_buckets=[bucket for bucket, _low, _high in AGE_BUCKETS])


def placeholder(account, now=None):
    """The report of an account the play failed on before the role could report it, so the aggregate still shows it."""
    return stopped_report(account, MISSING, now=now)


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
                   accepted_statuses=accepted, message="no message found for %s; expected %s%s" % (_probe_query(probe), wanted, note))
        return
    # Mimecast lists the newest first, but do not rely on it: the most recent match is the probe message.
    newest = max(found, key=lambda item: parse_api_time(item.get("received")) or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc))
    status = str(newest.get("status") or "unknown")
    passed = status.strip().lower() in accepted
    several = "newest of %d matches, " % len(found) if len(found) > 1 else ""
    checks.add(check_id, "probe", name, "passed" if passed else "failed", observed=status, limit=expected, limit_text=wanted,
               accepted_statuses=accepted, message="status %s, expected %s; %sreceived %s, route %s%s" % (
                   status, wanted, several, newest.get("received") or "at an unknown time", newest.get("route") or "unknown", note))


def _probe_query(probe):
    if "message_id" in probe:
        return "message_id %s" % probe["message_id"]
    return ", ".join("%s %s" % (key, probe[key]) for key in PROBE_SEARCH_KEYS if key in probe)


# ------------------------------------------------------------------ rendering

def aggregate(reports, now=None, missing=None):
    """The run over several accounts: one row per account, in the order given, then the missing ones."""
    reports = list(reports) + [placeholder(str(name), now) for name in missing or []]
    checks = dict((status, sum(report["counts"][status] for report in reports)) for status in STATUSES)
    accounts = dict((status, sum(1 for report in reports if report["status"] == status)) for status in ("passed", "failed", "error"))
    status = "error" if accounts["error"] else "failed" if accounts["failed"] else "passed"
    run = dict(generated=_iso(_now(now)), status=status, account_counts=accounts, check_counts=checks, accounts=reports)
    return dict(run, summary=_run_line(run))


def render(data, fmt, now=None, missing=None):
    """Render one account's report (a dict) or several (a list: the aggregate) as ``fmt``.

    ``missing`` names accounts without a report; the aggregate shows each as an error row.
    """
    if fmt not in RENDERERS:
        raise ValueError("unknown report format %r; use one of %s" % (fmt, ", ".join(sorted(RENDERERS))))
    if isinstance(data, dict):
        return RENDERERS[fmt](data, None)
    run = aggregate(data, now, missing)
    return RENDERERS[fmt](None, run)


def _plain(value):
    """Tagged or lazy Ansible containers -> plain JSON types (json.dumps of subclasses is fine, but be explicit)."""
    return json.loads(json.dumps(value, default=str))


def _render_json(report, run):
    return json.dumps(_plain(report if run is None else run), indent=2, sort_keys=False) + "\n"


def _junit_suite(parent, report):
    counts = report["counts"]
    suite = ET.SubElement(parent, "testsuite", dict(
        name=report["account"], tests=str(len(report["checks"])), failures=str(counts["failed"]),
        errors=str(counts["error"]), skipped=str(counts["skipped"]), time="0", timestamp=report["generated"].rstrip("Z")))
    # The account's own result: in error (stopped, or a check could not be evaluated) is not the same as failed.
    ET.SubElement(ET.SubElement(suite, "properties"), "property", dict(name="status", value=report["status"]))
    for check in report["checks"]:
        case = ET.SubElement(suite, "testcase", dict(classname="%s.%s" % (report["account"], check["category"]),
                                                     name=check["name"], time="0"))
        detail = "observed: %s\nlimit: %s\n%s" % (check["observed_text"], check["limit_text"], check["message"])
        if check["status"] == "failed":
            ET.SubElement(case, "failure", dict(message=check["message"], type="threshold")).text = detail
        elif check["status"] == "error":
            ET.SubElement(case, "error", dict(message=check["message"], type="collection")).text = detail
        elif check["status"] == "skipped":
            ET.SubElement(case, "skipped", dict(message=check["message"]))
    return counts


def _render_junit(report, run):
    reports = [report] if run is None else run["accounts"]
    root = ET.Element("testsuites", dict(name="Mimecast mail flow compliance"))
    totals = dict((status, 0) for status in STATUSES)
    for item in reports:
        for status, count in _junit_suite(root, item).items():
            totals[status] += count
    root.set("tests", str(sum(totals.values())))
    root.set("failures", str(totals["failed"]))
    root.set("errors", str(totals["error"]))
    root.set("skipped", str(totals["skipped"]))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


MARK = dict(passed="PASS", failed="FAIL", error="ERROR", skipped="off")
EMOJI = dict(passed=":white_check_mark: pass", failed=":x: **FAIL**", error=":warning: **ERROR**", skipped="off")
WORD = dict(passed="PASSED", failed="FAILED", error="ERROR")


def _summary_line(report):
    if report.get("stopped"):
        return "stopped before its checks"
    counts = report["counts"]
    active = len(report["checks"]) - counts["skipped"]
    parts = ["%d of %d checks passed" % (counts["passed"], active)]
    if counts["failed"]:
        parts.append("%d failed" % counts["failed"])
    if counts["error"]:
        parts.append("%d in error" % counts["error"])
    if counts["skipped"]:
        parts.append("%d turned off" % counts["skipped"])
    return ", ".join(parts)


def _run_line(run):
    """Accounts in error (stopped, or a check could not be evaluated) are counted apart from those with failing checks."""
    accounts, counts = run["accounts"], run["account_counts"]
    return "%d account%s checked: %d passed, %d with failing checks, %d in error" % (
        len(accounts), "" if len(accounts) == 1 else "s", counts["passed"], counts["failed"], counts["error"])


def _error(report):
    """Why an account is in error, each distinct message once (reports made before the ``error`` key included)."""
    if "error" in report:
        return report["error"]
    return "; ".join(sorted(set(check["message"] for check in report["checks"] if check["status"] == "error"))) or None


def _problems(report):
    """An aggregate row's last cell: the failed checks, then why the account is in error."""
    failed = ", ".join(check["name"] for check in report["checks"] if check["status"] == "failed")
    return "; ".join(part for part in (failed, _error(report) and "error: " + _error(report)) if part) or "-"


def _md(text):
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _tally(counts):
    return ", ".join("%s %d" % (key, value) for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"


def _md_account(report, level):
    lines = ["%s %s: %s" % ("#" * level, _md(report["account"]), WORD[report["status"]]), "",
             _summary_line(report) + ". Generated " + report["generated"] + ".", ""]
    if report.get("stopped"):
        return lines + [":warning: **ERROR**: " + _md(_error(report))]
    lines += ["| Result | Check | Observed | Limit | Details |", "| --- | --- | --- | --- | --- |"]
    for check in report["checks"]:
        lines.append("| %s | %s | %s | %s | %s |" % (EMOJI[check["status"]], _md(check["name"]), _md(check["observed_text"]),
                                                     _md(check["limit_text"]), _md(check["message"])))
    held, processing = report["held"], report["processing"]
    lines.append("")
    if held["read"]:
        lines.append("- Held: %d; by reason: %s; by route: %s" % (held["count"], _md(_tally(held["by_reason_code"])), _md(_tally(held["by_route"]))))
    if processing["read"]:
        lines.append("- Processing: %d; by route: %s; most attempts: %s"
                     % (processing["count"], _md(_tally(processing["by_route"])), processing["max_attempts"]))
    buckets = report["age_buckets"]
    if held["read"] or processing["read"]:
        lines += ["", "| Age | " + " | ".join(_md(label) for label in buckets) + " |", "| --- |" + " --- |" * len(buckets)]
        for label, section in (("Held", held), ("Processing", processing)):
            if section["read"]:
                lines.append("| %s | %s |" % (label, " | ".join(str(count) for count in section["age_histogram"])))
    return lines


def _render_markdown(report, run):
    if run is None:
        lines = ["# Mimecast mail flow compliance", ""] + _md_account(report, 2)
        return "\n".join(lines) + "\n"
    lines = ["# Mimecast mail flow compliance: %s" % WORD[run["status"]], "",
             _run_line(run) + ". Generated " + run["generated"] + ".", "",
             "| Account | Result | Passed | Failed | Errors | Off | Failing checks or error |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for item in run["accounts"]:
        counts = item["counts"]
        lines.append("| %s | %s | %d | %d | %d | %d | %s |" % (
            _md(item["account"]), EMOJI[item["status"]], counts["passed"], counts["failed"], counts["error"], counts["skipped"],
            _md(_problems(item))))
    for item in run["accounts"]:
        lines.append("")
        lines += _md_account(item, 2)
    return "\n".join(lines) + "\n"


def _render_text(report, run):
    reports = [report] if run is None else run["accounts"]
    rows = [("ACCOUNT", "RESULT", "CHECK", "OBSERVED", "LIMIT")]
    for item in reports:
        for check in item["checks"]:
            rows.append((item["account"], MARK[check["status"]], check["name"], check["observed_text"], check["limit_text"]))
    rows = [tuple(cell if len(cell) <= 56 else cell[:55] + "~" for cell in map(str, row)) for row in rows]
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    if run is None:
        head = "Mail flow compliance %s: %s" % (WORD[report["status"]], _summary_line(report))
    else:
        head = "Mail flow compliance %s: %s" % (WORD[run["status"]], _run_line(run))
    lines = [head] + ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


# ------------------------------------------------------------------ HTML

COLOURS = dict(held="#c05621", processing="#2b6cb0", axis="#4a5568", grid="#e2e8f0")
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1200px;
color:#1a202c;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2.5rem;border-bottom:1px solid #cbd5e0;padding-bottom:.3rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.meta{color:#4a5568;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #cbd5e0;padding:.35rem .55rem;text-align:left;vertical-align:top}
th{background:#edf2f7}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:.25rem;padding:.05rem .45rem;font-weight:600;font-size:.85rem;white-space:nowrap}
.passed{background:#c6f6d5;color:#22543d}.failed{background:#fed7d7;color:#822727}
.error{background:#feebc8;color:#7b341e}.skipped{background:#e2e8f0;color:#4a5568}
tr.status-failed td,tr.status-error td{background:#fff5f5}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
.chart{border:1px solid #e2e8f0;border-radius:.4rem;padding:.5rem;background:#fff}
svg text{font-family:inherit;font-size:12px;fill:#2d3748}
"""


def _e(text):
    return html.escape(str(text), quote=True)


def _badge(status, text=None):
    return '<span class="badge %s">%s</span>' % (status, _e(text or MARK[status]))


def _svg_bars_by_reason(held):
    """Horizontal bars: held messages per reason code, largest first."""
    title = "Held messages by reason"
    if not held["read"]:
        return _svg_empty("chart-held-by-reason", title, "The held messages were not read (%s)" % (held["error"] or "no held check is on"))
    items = sorted(held["by_reason_code"].items(), key=lambda kv: (-kv[1], kv[0]))
    if not items:
        return _svg_empty("chart-held-by-reason", title, "Nothing is held")
    label_width, bar_width, row, top = 290, 200, 26, 34
    width, height = label_width + bar_width + 60, top + row * len(items) + 10
    peak = max(count for _code, count in items)
    parts = [_svg_open("chart-held-by-reason", title, width, height),
             '<text x="0" y="16" style="font-weight:600;font-size:14px">%s</text>' % _e(title)]
    for index, (code, count) in enumerate(items):
        y = top + index * row
        length = max(2, int(round(bar_width * count / float(peak))))
        shown = code if len(code) <= 40 else code[:39] + "\u2026"
        parts.append('<text x="%d" y="%d" text-anchor="end"><title>%s</title>%s</text>' % (label_width - 8, y + 15, _e(code), _e(shown)))
        parts.append('<rect class="bar" data-label="%s" data-count="%d" x="%d" y="%d" width="%d" height="%d" fill="%s" rx="2">'
                     '<title>%s: %d</title></rect>' % (_e(code), count, label_width, y + 3, length, row - 8, COLOURS["held"], _e(code), count))
        parts.append('<text x="%d" y="%d">%d</text>' % (label_width + length + 6, y + 15, count))
    parts.append("</svg>")
    return "".join(parts)


def _svg_age_histogram(report):
    """Grouped vertical bars: how old the held and processing messages are, per age bucket."""
    title = "Age of held and processing messages"
    series = [(name, report[name]) for name in ("held", "processing") if report[name]["read"]]
    if not series:
        return _svg_empty("chart-age-histogram", title, "Neither queue was read")
    buckets = report["age_buckets"]
    left, top, plot_w, plot_h, bottom = 44, 46, 460, 200, 40
    width, height = left + plot_w + 20, top + plot_h + bottom
    peak = max([max(section["age_histogram"] or [0]) for _name, section in series] + [1])
    step = max(1, -(-peak // 5))
    ceiling = step * -(-peak // step)
    group_w = plot_w / float(len(buckets))
    bar_w = (group_w - 16) / len(series)
    parts = [_svg_open("chart-age-histogram", title, width, height),
             '<text x="0" y="16" style="font-weight:600;font-size:14px">%s</text>' % _e(title)]
    for index, (name, _section) in enumerate(series):
        x = left + index * 120
        parts.append('<rect x="%d" y="24" width="12" height="12" fill="%s"></rect><text x="%d" y="34">%s</text>'
                     % (x, COLOURS[name], x + 17, name))
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * tick / float(ceiling)
        parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s"></line>' % (left, left + plot_w, y, y, COLOURS["grid"]))
        parts.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (left - 6, y + 4, tick))
    for bucket, label in enumerate(buckets):
        x0 = left + bucket * group_w + 8
        for index, (name, section) in enumerate(series):
            count = section["age_histogram"][bucket]
            bar_h = plot_h * count / float(ceiling)
            x = x0 + index * bar_w
            parts.append('<rect class="bar" data-series="%s" data-label="%s" data-count="%d" x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                         'fill="%s"><title>%s, %s: %d</title></rect>' % (name, _e(label), count, x, top + plot_h - bar_h, bar_w - 2,
                                                                         bar_h, COLOURS[name], name, _e(label), count))
        parts.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (left + (bucket + 0.5) * group_w, top + plot_h + 18, _e(label)))
    parts.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s"></line>' % (left, left + plot_w, top + plot_h, top + plot_h, COLOURS["axis"]))
    parts.append('<text x="%d" y="%d" text-anchor="middle">message age</text>' % (left + plot_w // 2, top + plot_h + 36))
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(css_class, title, width, height):
    return ('<svg class="%s" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="%s" width="%d" height="%d" '
            'viewBox="0 0 %d %d"><title>%s</title>' % (css_class, _e(title), width, height, width, height, _e(title)))


def _svg_empty(css_class, title, text):
    return (_svg_open(css_class, title, 420, 70) + '<text x="0" y="16" style="font-weight:600;font-size:14px">%s</text>'
            '<text class="empty" x="0" y="46">%s</text></svg>' % (_e(title), _e(text)))


def _html_account(report):
    out = ['<section class="account" id="account-%s">' % _e(report["file_stem"]),
           '<h2>%s %s</h2>' % (_e(report["account"]), _badge(report["status"], WORD[report["status"]])),
           '<p class="meta">%s. Generated %s.</p>' % (_e(_summary_line(report)), _e(report["generated"]))]
    if report.get("stopped"):
        return "\n".join(out + ['<p class="stopped">%s %s</p>' % (_badge("error"), _e(_error(report))), "</section>"])
    out += ['<table class="checks"><thead><tr><th>Result</th><th>Check</th><th>Observed</th><th>Limit</th><th>Details</th></tr></thead><tbody>']
    for check in report["checks"]:
        out.append('<tr class="status-%s" data-check="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>' % (
            check["status"], _e(check["id"]), _badge(check["status"]), _e(check["name"]), _e(check["observed_text"]),
            _e(check["limit_text"]), _e(check["message"])))
    out.append("</tbody></table>")
    held, processing = report["held"], report["processing"]
    facts = []
    if held["read"]:
        facts.append("<li>Held: %d; by route: %s</li>" % (held["count"], _e(_tally(held["by_route"]))))
    if processing["read"]:
        facts.append("<li>Processing: %d; by route: %s; most delivery attempts: %s</li>" % (
            processing["count"], _e(_tally(processing["by_route"])), _e(processing["max_attempts"])))
    if facts:
        out.append("<ul>%s</ul>" % "".join(facts))
    out.append('<div class="charts"><div class="chart">%s</div><div class="chart">%s</div></div>'
               % (_svg_bars_by_reason(held), _svg_age_histogram(report)))
    out.append("</section>")
    return "\n".join(out)


def _render_html(report, run):
    reports = [report] if run is None else run["accounts"]
    status = report["status"] if run is None else run["status"]
    generated = report["generated"] if run is None else run["generated"]
    title = "Mimecast mail flow compliance: %s" % WORD[status]
    body = ['<h1>%s %s</h1>' % (_e("Mimecast mail flow compliance"), _badge(status, WORD[status])),
            '<p class="meta">%s. Generated %s.</p>' % (_e(_run_line(run) if run else _summary_line(report)), _e(generated))]
    if run is not None:
        body.append('<table class="accounts"><thead><tr><th>Account</th><th>Result</th><th>Passed</th><th>Failed</th>'
                    '<th>Errors</th><th>Off</th><th>Failing checks or error</th></tr></thead><tbody>')
        for item in reports:
            counts = item["counts"]
            body.append('<tr class="status-%s" data-account="%s"><td><a href="#account-%s">%s</a></td><td>%s</td><td class="num">%d</td>'
                        '<td class="num">%d</td><td class="num">%d</td><td class="num">%d</td><td>%s</td></tr>' % (
                            item["status"], _e(item["account"]), _e(item["file_stem"]), _e(item["account"]),
                            _badge(item["status"], WORD[item["status"]]), counts["passed"], counts["failed"], counts["error"],
                            counts["skipped"], _e(_problems(item))))
        body.append("</tbody></table>")
    body += [_html_account(item) for item in reports]
    # The CSP forbids every external load: the page must stay readable as a CI artifact or an e-mail attachment.
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n%s\n</body>\n</html>\n' % (_e(title), CSS, "\n".join(body)))


RENDERERS = dict(json=_render_json, junit=_render_junit, markdown=_render_markdown, html=_render_html, text=_render_text)
