# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Canary probes as the role's variables give them: what to track, and which statuses pass."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.guards import status_warnings
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.variables import SettingsError, split_list


DEFAULT_PROBE_STATUS = "delivered"
# Words of a probe's expected_status that stand for several message tracking statuses. A
# delivered message shows as "archived" on an account with archiving (most accounts), so
# "delivered" accepts either, as the default and wherever a probe names it.
STATUS_ALIASES = dict(delivered=("archived", "delivered"))
STATUS_HELP = "a tracking status such as delivered, held or bounced, or a list of them"
PROBE_SEARCH_KEYS = ("sender", "recipient", "subject")
PROBE_KEYS = ("name", "message_id") + PROBE_SEARCH_KEYS + ("start", "expected_status")


def read_probe(raw, index, name_var):
    """One entry of the probes variable, checked, with its name and accepted statuses filled in."""
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
    items = split_list(value)
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


def probe_query(probe):
    """What a probe searched for, in words: ``message_id <a@b>``, ``sender canary@x, subject Canary``."""
    if "message_id" in probe:
        return "message_id %s" % probe["message_id"]
    return ", ".join("%s %s" % (key, probe[key]) for key in PROBE_SEARCH_KEYS if key in probe)
