# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Credentials on the wire: API 1.0 request signing (HMAC-SHA1) and the API 2.0 bearer token.

See docs/mimecast-api.md, "Authentication" and "API 1.0 request signing".
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime
import hashlib
import hmac
import threading
import uuid


# A fresh token is fetched this long before the old one expires (capped at a tenth of its life).
TOKEN_REFRESH_MARGIN = 60.0
DEFAULT_TOKEN_LIFETIME = 1799

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def mc_date(moment):
    """``x-mc-date`` value: RFC 1123 style in UTC, independent of the locale."""
    moment = moment.astimezone(datetime.timezone.utc)
    return "%s, %02d %s %04d %02d:%02d:%02d UTC" % (
        _DAYS[moment.weekday()], moment.day, _MONTHS[moment.month - 1], moment.year,
        moment.hour, moment.minute, moment.second)


def sign_v1(secret_key_bytes, app_key, date, request_id, path):
    """API 1.0 signature: base64(HMAC-SHA1(decoded secret, 'date:req-id:path:app-key'))."""
    data_to_sign = ":".join([date, request_id, path, app_key]).encode("utf-8")
    digest = hmac.new(secret_key_bytes, data_to_sign, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


class ApiV1Signer:
    """Signs each attempt afresh: new date, new request id."""

    def __init__(self, credentials, utcnow):
        self.access_key = credentials["access_key"]
        self.app_id = credentials["app_id"]
        self._app_key = credentials["app_key"]
        self._secret = credentials["secret_key_bytes"]
        self._utcnow = utcnow

    def headers(self, path):
        date = mc_date(self._utcnow())
        request_id = str(uuid.uuid4())
        signature = sign_v1(self._secret, self._app_key, date, request_id, path)
        return {
            "Authorization": "MC %s:%s" % (self.access_key, signature),
            "x-mc-date": date,
            "x-mc-req-id": request_id,
            "x-mc-app-id": self.app_id,
        }


class OAuth2Token:
    """An API 2.0 bearer token, fetched once per run and refreshed shortly before it expires."""

    def __init__(self, fetch, monotonic):
        self._fetch = fetch
        self._monotonic = monotonic
        self.value = None
        self._refresh_at = 0.0
        # The time windows of one task share the token: one of them fetches it, the others wait for it.
        self._lock = threading.RLock()

    def headers(self, path):
        with self._lock:
            if self.value is None or self._monotonic() >= self._refresh_at:
                self.refresh()
            return {"Authorization": "Bearer %s" % self.value}

    def refresh(self, stale=None):
        """Fetch a new token, unless ``stale`` (the one refused as expired) was already replaced meanwhile."""
        with self._lock:
            if stale is not None and self.value != stale:
                return
            token, lifetime = self._fetch()
            self.value = token
            self._refresh_at = self._monotonic() + lifetime - min(TOKEN_REFRESH_MARGIN, lifetime / 10.0)
