# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What stops an account's compliance checks early, and what only deserves a warning.

Kept apart so ``checks`` and ``probes`` stay about the checks and the probes themselves.

- ``status_warnings`` flags a probe's ``expected_status`` that is not a status message tracking
  is known to report (a typo such as ``deliverd`` can never pass), with the closest known one.
- ``refusal`` finds, among the modules' registered results, the first that Mimecast refused
  (``error_type: MimecastAuthenticationError``): the account then stops, with one reason.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib


# Message tracking statuses seen from Mimecast (docs/mimecast-api.md, "Tracking status values"), and
# "delivered", which the probes accept as an alias; "processing" is in use in the field as well.
KNOWN_STATUSES = ("archived", "delivered", "delivery", "held", "accepted", "bounced", "deferred", "rejected", "processing")

AUTHENTICATION_ERROR = "MimecastAuthenticationError"


def status_notes(words):
    """Why each status outside KNOWN_STATUSES is suspect, with the closest known one (difflib)."""
    notes = []
    for word in words:
        if word in KNOWN_STATUSES:
            continue
        close = difflib.get_close_matches(word, KNOWN_STATUSES, n=1)
        hint = "did you mean %s?" % close[0] if close else "known statuses are %s" % ", ".join(KNOWN_STATUSES)
        notes.append("%r is not a message tracking status Mimecast is known to report, so the probe may never pass; %s" % (word, hint))
    return notes


def status_warnings(words, where, probe_name):
    """A warning for each of a probe's expected statuses outside KNOWN_STATUSES, naming the probe.

    Only a warning: Mimecast may report statuses not seen yet.
    """
    return ["%s (probe %s): %s" % (where, probe_name, note) for note in status_notes(words)]


def refusal(reads):
    """``(reason, label)`` for the first refused read, or ``None``.

    ``reads`` lists ``(what was read, registered result)`` in the order the role made the calls;
    the role makes no call after a refused one. ``label`` is short, for a table cell.
    """
    for what, result in reads:
        if not isinstance(result, dict) or result.get("error_type") != AUTHENTICATION_ERROR:
            continue
        codes = [str(error.get("code")) for error in result.get("mimecast_errors") or [] if isinstance(error, dict) and error.get("code")]
        code = ", ".join(codes) or ("HTTP %s" % result["http_status"] if result.get("http_status") else "no error code")
        reason = "credentials refused (%s) %s, so no further API call was made: %s" % (
            code, what, result.get("msg") or "the module gave no message")
        return reason, "refused: %s" % code
    return None
