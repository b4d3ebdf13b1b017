# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one exception hierarchy of the collection.

Modules catch only MimecastError and report it with
``module.fail_json(**err.to_fail_json())``, so every failure reaches the user
in the same shape: a sentence in ``msg``, plus machine-readable keys a playbook
can assert on.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


REDACTED = "<redacted>"


class MimecastError(Exception):
    """Base class: anything that stops a module from returning a result."""

    def __init__(self, message, status=None, errors=None, request_id=None, hint=None,
                 attempts=None, elapsed=None, option=None, path=None, facts=None):
        super(MimecastError, self).__init__(message)
        self.message = message
        self.status = status
        # [{'code': ..., 'message': ..., 'retryable': bool}] as Mimecast sent them.
        self.errors = list(errors or [])
        self.request_id = request_id
        self.hint = hint
        self.attempts = attempts
        self.elapsed = elapsed
        self.option = option
        self.path = path
        # Results a module still returns with the failure (what an action did before part of it failed).
        self.facts = dict(facts or {})
        # True when the client gave up on a failure it retries (429, 5xx, a dropped connection...): the same
        # call may well work later. An event source keeps polling after these.
        self.transient = False
        self._secrets = ()

    @property
    def codes(self):
        return [e["code"] for e in self.errors if e.get("code")]

    @property
    def retryable(self):
        """True only when every Mimecast error says it may be retried."""
        return bool(self.errors) and all(e.get("retryable") is True for e in self.errors)

    def redact(self, secrets):
        """Remember values that must never appear in the message (defence in depth)."""
        self._secrets = tuple(s for s in secrets if s)
        return self

    def _scrub(self, text):
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def __str__(self):
        parts = [self.message]
        if self.attempts is not None and self.attempts > 1:
            spent = "" if self.elapsed is None else " over %.1f s" % self.elapsed
            parts.insert(0, "Gave up after %d attempts%s: " % (self.attempts, spent))
        details = []
        if self.status is not None and ("HTTP %s " % self.status) not in self.message + " ":
            details.append("HTTP %s" % self.status)
        for err in self.errors:
            if err.get("code") and err.get("message"):
                details.append("%s: %s" % (err["code"], err["message"]))
            elif err.get("code") or err.get("message"):
                details.append(err.get("code") or err.get("message"))
        if self.request_id:
            details.append("request id %s" % self.request_id)
        if details:
            parts.append(" (%s)" % "; ".join(details))
        text = "".join(parts)
        if self.hint:
            text = "%s. Hint: %s" % (text.rstrip("."), self.hint)
        return self._scrub(text)

    def to_fail_json(self):
        """Keyword arguments for AnsibleModule.fail_json()."""
        result = dict(self.facts)
        result.update(msg=str(self), error_type=type(self).__name__)
        if self.status is not None:
            result["http_status"] = self.status
        if self.errors:
            result["mimecast_errors"] = [
                dict(code=self._scrub(str(e.get("code") or "")),
                     message=self._scrub(str(e.get("message") or "")),
                     retryable=bool(e.get("retryable")))
                for e in self.errors
            ]
        if self.request_id:
            result["request_id"] = self.request_id
        if self.attempts is not None:
            result["attempts"] = self.attempts
        if self.option:
            result["option"] = self.option
        return result


class MimecastOptionError(MimecastError):
    """An option value is wrong. Raised before any request is made."""

    def __init__(self, option, message):
        super(MimecastOptionError, self).__init__(message, option=option)


class MimecastAuthenticationError(MimecastError):
    """Credentials, signature, key binding or permissions were refused."""


class MimecastApiError(MimecastError):
    """Mimecast answered with an error: an HTTP error status or a non-empty ``fail``."""


class MimecastTransportError(MimecastError):
    """No usable answer arrived: connection refused or dropped, timeout, TLS failure."""


class MimecastResponseError(MimecastError):
    """An answer arrived but cannot be trusted: not JSON, no ``data``, a looping page token."""


class MimecastOutcomeUnknown(MimecastError):
    """A call that changes state was sent, but its answer was lost (dropped, timed out, 5xx, unreadable).

    Mimecast may or may not have applied it. The client never repeats such a call itself: the caller
    checks what happened (for held messages: whether they are still held) and acts only on what is left.
    """
