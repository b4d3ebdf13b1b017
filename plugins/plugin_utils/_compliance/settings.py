# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role's variables, checked and normalised before any API call.

``check_settings`` returns them without their prefix (ages in seconds, probes with their
defaults, the report directory absolute, the report files named), with every mistake at once,
each naming its variable.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import os
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.mimecast.gateway.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC,
    RESULT_ARGUMENT_SPEC,
)
from ansible_collections.mimecast.gateway.plugins.module_utils.dates import parse_user_time
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.ages import parse_optional_age
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.probes import read_probe
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.variables import (
    PREFIX,
    SettingsError,
    split_list,
    unknown_variables,
)


FORMATS = ("json", "junit", "markdown", "html")
# File name suffix of each report format.
EXTENSIONS = dict(json="json", junit="junit.xml", markdown="md", html="html")
# Connection options the role may pass to the modules; result options such as
# summary_only or max_results would starve the checks, so only page_size is allowed.
CONNECTION_KEYS = tuple(sorted(set(CONNECTION_ARGUMENT_SPEC) | (set(["page_size"]) & set(RESULT_ARGUMENT_SPEC))))

INTEGER_THRESHOLDS = ("max_held", "max_processing", "max_attempts")
AGE_THRESHOLDS = ("max_held_age", "max_processing_age")


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


def _text_list(value, name):
    value = split_list(value)
    if not isinstance(value, (list, tuple)):
        raise SettingsError("%s must be a list of strings" % name)
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise SettingsError("%s must hold non-empty strings, not %r" % (name, item))
        items.append(item.strip())
    return items


def _held_since(value, name):
    """The hold list's ``start`` as the user wrote it (the module reads it at run time), or None; checked now."""
    if value is None or not str(value).strip():
        return None
    try:
        parse_user_time(value, name)
    except MimecastOptionError as exc:
        raise SettingsError(str(exc))
    return str(value).strip()


# Variables read by one function each, in the order their errors are listed.
READERS = tuple([(name, _integer) for name in INTEGER_THRESHOLDS] + [(name, parse_optional_age) for name in AGE_THRESHOLDS]
                + [("forbidden_reason_codes", _text_list), ("held_since", _held_since)])


def _connection_errors(connection):
    """Values are never echoed: the connection holds secrets."""
    if connection is None:
        return []
    if not isinstance(connection, dict):
        return ["%sconnection must be a dict of connection options (client_id, base_url, ...)" % PREFIX]
    unknown = sorted(set(connection) - set(CONNECTION_KEYS))
    if unknown:
        return ["%sconnection has unknown option(s) %s; known options are %s"
                % (PREFIX, ", ".join(str(key) for key in unknown), ", ".join(CONNECTION_KEYS))]
    return []


def _per_reason(value, errors):
    """max_held_per_reason: reason code -> count (null: none)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append("%smax_held_per_reason must be a dict of reason code to count" % PREFIX)
        return None
    limits = {}
    for code, limit in value.items():
        try:
            limits[str(code)] = _integer(limit, "%smax_held_per_reason[%s]" % (PREFIX, code))
        except SettingsError as exc:
            errors.append(str(exc))
    return limits


def _probes(value, errors):
    """The probes that are readable; each unreadable one, and each name used twice, is an error."""
    if value is not None and not isinstance(value, (list, tuple)):
        errors.append("%sprobes must be a list of probes" % PREFIX)
        return []
    probes = []
    for index, raw in enumerate(value or []):
        try:
            probes.append(read_probe(raw, index, PREFIX + "probes"))
        except SettingsError as exc:
            errors.append(str(exc))
    names = [probe["name"] for probe in probes]
    for name in sorted(set(item for item in names if names.count(item) > 1)):
        errors.append("%sprobes: the name %r is used more than once; give each probe its own name" % (PREFIX, name))
    return probes


def _formats(value, errors):
    formats = split_list(value)
    if not isinstance(formats, (list, tuple)):
        errors.append("%sreport_formats must be a list (any of %s)" % (PREFIX, ", ".join(FORMATS)))
        return None
    unknown = [str(item) for item in formats if item not in FORMATS]
    if unknown:
        errors.append("%sreport_formats: unknown format(s) %s; use any of %s" % (PREFIX, ", ".join(unknown), ", ".join(FORMATS)))
    return [item for item in FORMATS if item in formats]


def check_settings(given, defined_names=None, cwd=None):
    """Read the role's variables (``{full variable name: value}``).

    ``defined_names`` lists every variable name in scope, to catch misspelt ones;
    ``cwd`` resolves a relative report directory (default: the current directory).
    Returns ``{"errors": [...], "warnings": [...], "settings": {...}}``; settings are only
    complete when there are no errors, but name the report files whenever the account, the
    report directory and the formats are readable, so an account stopped by its variables
    still gets a fresh report. Values are never echoed for the connection, which holds secrets.
    """
    def var(name):
        return given.get(PREFIX + name)

    errors = unknown_variables(defined_names) + _connection_errors(var("connection"))
    settings = {}
    account = var("account")
    if account is None or not str(account).strip():
        errors.append("%saccount must name the account (it defaults to inventory_hostname)" % PREFIX)
    else:
        settings["account"] = str(account).strip()
    for name, reader in READERS:
        try:
            settings[name] = reader(var(name), PREFIX + name)
        except SettingsError as exc:
            errors.append(str(exc))
    for name in AGE_THRESHOLDS:
        # Tables show the age as the user wrote it.
        settings[name + "_text"] = None if var(name) is None else str(var(name)).strip()
    per_reason = _per_reason(var("max_held_per_reason"), errors)
    if per_reason is not None:
        settings["max_held_per_reason"] = per_reason
    settings["probes"] = _probes(var("probes"), errors)
    report_dir = var("report_dir")
    if report_dir is None or not str(report_dir).strip():
        errors.append("%sreport_dir must be a directory path" % PREFIX)
    else:
        settings["report_dir"] = os.path.normpath(os.path.join(cwd or os.getcwd(), os.path.expanduser(str(report_dir).strip())))
    formats = _formats(var("report_formats"), errors)
    if formats is not None:
        settings["report_formats"] = formats
    try:
        # As the argument spec does: -e name=false arrives as a string.
        settings["fail_on_violation"] = boolean(var("fail_on_violation"), strict=True)
    except TypeError:
        errors.append("%sfail_on_violation must be true or false, not %r" % (PREFIX, str(var("fail_on_violation"))[:40]))

    if not errors:
        settings["read_held"] = any((settings["max_held"] is not None, settings["max_held_age"] is not None,
                                     settings["forbidden_reason_codes"], settings["max_held_per_reason"]))
        settings["read_processing"] = any(settings[name] is not None for name in ("max_processing", "max_attempts", "max_processing_age"))
    _name_report_files(settings)
    warnings = [warning for probe in settings["probes"] for warning in probe.get("warnings", [])]
    warnings.extend(_held_since_warnings(settings))
    return dict(errors=errors, warnings=warnings, settings=settings)


def _name_report_files(settings):
    """``report_files``: the files to write; ``other_report_files``: those of the formats not asked for,
    which the role deletes so no earlier run's file is left. Both empty unless the account, the report
    directory and the formats are readable."""
    settings["report_files"], settings["other_report_files"] = [], []
    if not all(key in settings for key in ("account", "report_dir", "report_formats")):
        return
    settings["file_stem"] = file_stem(settings["account"])
    for fmt in FORMATS:
        settings["report_files" if fmt in settings["report_formats"] else "other_report_files"].append(dict(
            format=fmt, extension=EXTENSIONS[fmt],
            dest=os.path.join(settings["report_dir"], "accounts", "%s.%s" % (settings["file_stem"], EXTENSIONS[fmt])),
            aggregate_dest=os.path.join(settings["report_dir"], "aggregate.%s" % EXTENSIONS[fmt])))


def _held_since_warnings(settings, now=None):
    """A warning when held_since is later than max_held_age ago: the age check could not see what it looks for."""
    since, age = settings.get("held_since"), settings.get("max_held_age")
    if since is None or age is None:
        return []
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if parse_user_time(since, PREFIX + "held_since", now=now) <= now - datetime.timedelta(seconds=age):
        return []
    return ["%sheld_since (%s) is later than %smax_held_age (%s) ago: messages held longer are not read, so the age "
            "check cannot fail; move held_since back or leave it null" % (PREFIX, since, PREFIX, settings.get("max_held_age_text"))]


def file_stem(account):
    """A file name for an account: ``Contoso EU/prod`` -> ``Contoso_EU_prod``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", account).strip("._") or "account"
