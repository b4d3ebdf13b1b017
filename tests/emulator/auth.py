# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Both authentication schemes: the API 2.0 token endpoint and bearer tokens, and
# API 1.0 HMAC signatures, as strict as the real service about what clients get wrong.

import base64
import calendar
import datetime
import hashlib
import hmac
import re
import secrets
import time
from urllib.parse import parse_qs

try:
    from .protocol import ApiError, json_reply
except ImportError:  # run as a script: the script's own directory is on sys.path
    from protocol import ApiError, json_reply

CLIENT_ID = "emulator-client-id"
CLIENT_SECRET = "emulator-client-secret-Zq81"
ACCESS_KEY = "emulator-access-key-Hd72"
SECRET_KEY = base64.b64encode(b"emulator-secret-key-bytes").decode("ascii")
APP_ID = "emulator-app-id"
APP_KEY = "emulator-app-key-Pq55"

# One source of truth for tests and the launcher, keyed by the env var names.
CREDENTIALS = {
    "v2": {"MIMECAST_CLIENT_ID": CLIENT_ID, "MIMECAST_CLIENT_SECRET": CLIENT_SECRET},
    "v1": {"MIMECAST_ACCESS_KEY": ACCESS_KEY, "MIMECAST_SECRET_KEY": SECRET_KEY,
           "MIMECAST_APP_ID": APP_ID, "MIMECAST_APP_KEY": APP_KEY},
}
# Command-line/option name -> (scheme, env var name) for credential overrides.
CREDENTIAL_OPTIONS = {
    "client_id": ("v2", "MIMECAST_CLIENT_ID"), "client_secret": ("v2", "MIMECAST_CLIENT_SECRET"),
    "access_key": ("v1", "MIMECAST_ACCESS_KEY"), "secret_key": ("v1", "MIMECAST_SECRET_KEY"),
    "app_id": ("v1", "MIMECAST_APP_ID"), "app_key": ("v1", "MIMECAST_APP_KEY"),
}

TOKEN_LIFETIME = 1799          # what Mimecast answers; tests shorten it via /_emulator/config
SIGNATURE_SKEW = 15 * 60       # an x-mc-date further off than this fails like a bad signature
MC_DATE_RE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (UTC|GMT)$")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def same_secret(given, expected):
    """Constant-time comparison that copes with non-ASCII header text."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


def mc_signature(date, request_id, path, app_key, secret_key):
    """API 1.0: base64(HMAC-SHA1(b64decode(secret), 'date:reqid:path:appkey'))."""
    data = ":".join((date, request_id, path, app_key)).encode("utf-8")
    return base64.b64encode(hmac.new(base64.b64decode(secret_key), data, hashlib.sha1).digest()).decode("ascii")


def parse_mc_date(text):
    """'Sun, 21 Aug 2022 13:49:40 UTC' (or GMT) -> epoch seconds, None when malformed."""
    match = MC_DATE_RE.match(text or "")
    if not match or match.group(3) not in MONTHS:
        return None
    day, year, hour, minute, second = (int(match.group(i)) for i in (2, 4, 5, 6, 7))
    try:
        moment = datetime.datetime(year, MONTHS.index(match.group(3)) + 1, day, hour, minute, second)
    except ValueError:
        return None
    return calendar.timegm(moment.timetuple())


class Authenticator:
    """The credentials, the bearer tokens issued and the API 1.0 request ids seen, behind the emulator's lock."""

    def __init__(self, options, lock):
        self.lock = lock
        self.credentials = {"v1": {}, "v2": {}}
        for option, (scheme, env_name) in CREDENTIAL_OPTIONS.items():
            self.credentials[scheme][env_name] = options[option]
        self.tokens = {}                # access token -> expiry (epoch seconds), in issue order
        self.seen_request_ids = set()

    def reset(self):
        with self.lock:
            self.tokens = {}
            self.seen_request_ids = set()

    def expire_all(self):
        """Mark every issued token expired, so no test has to sleep."""
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = 0
            return len(self.tokens)

    def issued_tokens(self):
        with self.lock:
            return list(self.tokens)

    def token(self, method, headers, raw, lifetime):
        """OAuth 2.0 client credentials, strict about the form encoding.  Error
        descriptions never repeat what the client sent: it may be a secret."""
        def oauth_error(status, error, description):
            return json_reply(status, {"error": error, "error_description": description}, {"Cache-Control": "no-store"})

        if method != "POST":
            return oauth_error(405, "invalid_request", "Use POST")
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return oauth_error(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        values = dict((name, form.get(name, [""])[0]) for name in ("grant_type", "client_id", "client_secret"))
        if not all(values.values()):
            return oauth_error(400, "invalid_request", "grant_type, client_id and client_secret are required")
        if values["grant_type"] != "client_credentials":
            return oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported")
        creds = self.credentials["v2"]
        # Evaluate both comparisons so timing does not reveal which one failed.
        id_ok = same_secret(values["client_id"], creds["MIMECAST_CLIENT_ID"])
        secret_ok = same_secret(values["client_secret"], creds["MIMECAST_CLIENT_SECRET"])
        if not (id_ok and secret_ok):
            return oauth_error(401, "invalid_client", "Client authentication failed")
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = time.time() + lifetime
        return json_reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": ""},
                          {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def authenticate(self, path, headers):
        """Return when the request may be answered; raise the ApiError the service would answer with."""
        authorization = headers.get("Authorization") or ""
        if authorization.startswith("Bearer "):
            token = authorization[len("Bearer "):]
            with self.lock:
                expiry = self.tokens.get(token)
            if expiry is None:
                raise ApiError(401, "token_verification_failed", "The access token could not be verified", flat=True)
            if time.time() >= expiry:
                raise ApiError(401, "token_expired", "The access token has expired", flat=True)
            return
        if authorization.startswith("MC "):
            self._check_signature(path, headers, authorization[len("MC "):])
            return
        raise ApiError(401, "token_verification_failed", "Unauthorized Request: no supported Authorization header", flat=True)

    def _check_signature(self, path, headers, credential):
        for name in ("x-mc-date", "x-mc-req-id", "x-mc-app-id"):
            if not headers.get(name):
                raise ApiError(400, "err_validation_blank", "Header '%s' is required" % name)
        creds = self.credentials["v1"]
        access_key, _sep, signature = credential.partition(":")
        if not same_secret(access_key, creds["MIMECAST_ACCESS_KEY"]):
            raise ApiError(401, "err_developer_key", "The access key is not valid")
        if headers["x-mc-app-id"] != creds["MIMECAST_APP_ID"]:
            # What live tenants answered for an unknown application: HTTP 200, a `fail` entry without `key`.
            raise ApiError(200, "err_developer_key", "The application id is not valid", echo_key=False)
        # A skewed or malformed date fails exactly like a wrong key: that is what clients see.
        invalid = ApiError(401, "err_xdk_invalid_signature", "0004 Invalid Signature")
        sent = parse_mc_date(headers["x-mc-date"])
        if sent is None or abs(time.time() - sent) > SIGNATURE_SKEW:
            raise invalid
        request_id = headers["x-mc-req-id"]
        expected = mc_signature(headers["x-mc-date"], request_id, path, creds["MIMECAST_APP_KEY"], creds["MIMECAST_SECRET_KEY"])
        if not same_secret(signature, expected):
            raise invalid
        with self.lock:
            if request_id in self.seen_request_ids:  # a replayed (or not re-signed) request
                raise invalid
            self.seen_request_ids.add(request_id)
