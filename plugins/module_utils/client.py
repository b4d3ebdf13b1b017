# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client of the collection.

It signs API 1.0 requests (HMAC-SHA1) or carries an API 2.0 bearer token,
pages through results, retries what is safe to retry, and turns every failure
into one MimecastError. ``docs/mimecast-api.md`` records the protocol facts this
file relies on, each with its public source.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import json
import random
import time

from ansible_collections.mimecast.gateway.plugins.module_utils._answers import (
    is_auth_failure,
    normalise_fail,
    parse_json,
    per_item_failures,
    rate_limit_floor,
    rate_limit_remaining,
    to_seconds,
    snippet,
    token_errors,
    token_hint,
)
from ansible_collections.mimecast.gateway.plugins.module_utils._auth import DEFAULT_TOKEN_LIFETIME, ApiV1Signer, OAuth2Token
from ansible_collections.mimecast.gateway.plugins.module_utils._backoff import Backoff, RatePacer
from ansible_collections.mimecast.gateway.plugins.module_utils._paging import Pages
from ansible_collections.mimecast.gateway.plugins.module_utils._transport import Retryable, Transport, new_session
from ansible_collections.mimecast.gateway.plugins.module_utils._windows import WindowedPages
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import API_V1, API_V2
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import (
    MimecastApiError,
    MimecastAuthenticationError,
    MimecastError,
    MimecastOutcomeUnknown,
    MimecastResponseError,
)

TOKEN_PATH = "/oauth/token"

# Statuses never retried (one token refresh aside): the same request would fail the same way.
NOT_RETRIED = frozenset([400, 401, 403, 404, 405, 409, 418])


class Response:
    """What a successful call hands back."""

    __slots__ = ("status", "headers", "json", "request_id")

    def __init__(self, status, headers, json_body, request_id):
        self.status = status
        self.headers = headers
        self.json = json_body
        self.request_id = request_id


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class MimecastClient:
    """One client per module run: one session, one token, kept-alive connections."""

    def __init__(self, settings, session=None, sleep=time.sleep, monotonic=time.monotonic,
                 rand=random.random, utcnow=_utcnow):
        self.settings = settings
        self.session = session if session is not None else self._new_session()
        self.transport = Transport(settings, self.session)
        self._sleep = sleep
        self._monotonic = monotonic
        self.backoff = Backoff(settings.retries, settings.max_retry_wait, rand=rand)
        # Shared by every call of this client, so the windows of one task wait their turn together.
        self.pacer = RatePacer(monotonic, sleep, settings.max_retry_wait)
        self._utcnow = utcnow
        if settings.scheme == API_V1:
            self.auth = ApiV1Signer(settings.credentials, utcnow)
        else:
            self.auth = OAuth2Token(self._fetch_token, monotonic)

    _new_session = staticmethod(new_session)  # the tests' hook to mount a fake transport

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def sleep(self, seconds):
        """Wait, on the client's clock (a fake one in tests)."""
        self._sleep(seconds)

    @property
    def _secrets(self):
        secrets = list(self.settings.secrets)
        token = getattr(self.auth, "value", None)
        if token:
            secrets.append(token)
        return secrets

    # -- one call, with retries ------------------------------------------------------------

    def post(self, endpoint, body):
        """POST a JSON body to an Endpoint; return a Response, or raise MimecastError.

        A read is tried again whenever another attempt may help. A call that changes state is tried
        again only when it certainly was not applied (a 429, a connection never made, an expired
        token); when its answer is lost it raises MimecastOutcomeUnknown for the caller to check what
        happened, and its per-item ``fail`` entries come back in the Response instead of failing it.
        """
        payload = json.dumps(body, separators=(",", ":"))
        try:
            return self._with_retries(endpoint.path, lambda: self._api_attempt(endpoint, payload),
                                      changes_state=endpoint.changes_state)
        except MimecastError as err:
            raise err.redact(self._secrets)

    def _with_retries(self, path, attempt_once, changes_state=False):
        started = self._monotonic()
        attempts = retries_done = rate_limited = 0
        waited = 0.0
        refreshed = False
        while True:
            attempts += 1
            try:
                return attempt_once()
            except _TokenExpired as expired:
                if refreshed:
                    raise self._final(expired.error, attempts, started, hint=(
                        "Mimecast rejected a freshly fetched token as expired; check this host's clock "
                        "and that the API 2.0 application is enabled"))
                refreshed = True
                self.auth.refresh(stale=expired.token)  # unless another window has already
                continue
            except Retryable as retry:
                if changes_state and retry.maybe_applied:
                    raise self._final(_outcome_unknown(retry.error), attempts, started)
                if retry.floor:
                    # The server said when to come back: waiting one's turn is not an error, so it does not use up
                    # retries; only max_retry_wait bounds it.
                    wait = self.backoff.delay_until(waited, retry.floor, rate_limited)
                    budget = "a rate limit's reset"
                else:
                    wait = self.backoff.delay(retries_done, waited)
                    budget = "retries"
                if wait is None:
                    retry.error.transient = True
                    if retry.floor or retries_done < self.backoff.retries:
                        retry.error.message += (", and waiting stopped because the next wait (for %s) would pass "
                                                "max_retry_wait (%g s)" % (budget, self.backoff.max_total_wait))
                    raise self._final(retry.error, attempts, started)
                self._sleep(wait)
                waited += wait
                if retry.floor:
                    rate_limited += 1
                else:
                    retries_done += 1
            except MimecastError as error:
                if changes_state and isinstance(error, MimecastResponseError) and error.path == path:
                    error = _outcome_unknown(error)  # an answer that cannot be read may hide an applied action
                # Not retried: still say how many attempts were made (a nested token fetch already has).
                if error.attempts is None:
                    self._final(error, attempts, started)
                raise error

    def _final(self, error, attempts, started, hint=None):
        error.attempts = attempts
        error.elapsed = self._monotonic() - started
        if hint:
            error.hint = hint
        return error

    def _api_attempt(self, endpoint, payload):
        path = endpoint.path
        self.pacer.wait_turn()
        headers = self.auth.headers(path)
        sent_token = getattr(self.auth, "value", None)
        headers["Content-Type"] = "application/json"
        sent_id = headers.get("x-mc-req-id")
        response = self.transport.post(path, data=payload, headers=headers)
        # API 1.0: the x-mc-req-id we signed with; API 2.0: the x-request-id Mimecast support asks for.
        request_id = sent_id or response.headers.get("x-request-id")
        status = response.status_code
        self.pacer.observe(rate_limit_remaining(response), rate_limit_floor(response), rate_limited=status == 429)
        body, parse_error = parse_json(response)

        errors = normalise_fail(body.get("fail")) if isinstance(body, dict) else []
        codes = set(e["code"] for e in errors if e["code"])
        if self.settings.scheme == API_V2 and "token_expired" in codes:
            raise _TokenExpired(MimecastAuthenticationError(
                "Mimecast answered token_expired for %s" % path, status=status, errors=errors,
                request_id=request_id, path=path), token=sent_token)

        if status == 200 and parse_error is None and not errors:
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise MimecastResponseError(
                    "Mimecast's answer to %s has no data list" % path, status=status, request_id=request_id, path=path)
            return Response(status, response.headers, body, request_id)

        if status == 200 and errors and endpoint.changes_state and per_item_failures(body, codes):
            return Response(status, response.headers, body, request_id)  # the caller reads each item's outcome

        if status == 200 and errors:
            cls = MimecastAuthenticationError if is_auth_failure(status, codes) else MimecastApiError
            error = cls("Mimecast reported a failure for %s" % path, status=status, errors=errors,
                        request_id=request_id, path=path, hint=self._hint(endpoint, status, codes))
            if error.retryable:
                raise Retryable(error)
            raise error

        if status == 200:
            raise MimecastResponseError(
                "Mimecast's answer to %s is not valid JSON (%s): %s" % (path, parse_error, snippet(response.text)),
                status=status, request_id=request_id, path=path)

        return self._http_error(endpoint, status, response, errors, codes, request_id)

    def _http_error(self, endpoint, status, response, errors, codes, request_id):
        path = endpoint.path
        hint = self._hint(endpoint, status, codes)
        detail = "" if errors else ": %s" % snippet(response.text) if response.text else ""
        if is_auth_failure(status, codes):
            raise MimecastAuthenticationError(
                "Mimecast refused the credentials for %s%s" % (path, detail), status=status, errors=errors,
                request_id=request_id, path=path, hint=hint)
        error = MimecastApiError("Mimecast answered HTTP %d for %s%s" % (status, path, detail), status=status,
                                 errors=errors, request_id=request_id, path=path, hint=hint)
        if status == 429:
            raise Retryable(error, floor=rate_limit_floor(response), maybe_applied=False)
        if status >= 500 or status == 408 or (status not in NOT_RETRIED and error.retryable):
            raise Retryable(error)
        raise error

    def _hint(self, endpoint, status, codes):
        path = endpoint.path
        if any("invalid_signature" in code for code in codes):
            return ("Mimecast rejected the request signature: check access_key, secret_key and app_key, that they "
                    "belong to this region (region/base_url), and that this host's clock is right (x-mc-date must be "
                    "within minutes of Mimecast's time)")
        if status == 418 or "err_xdk_binding_expired" in codes:
            return ("the API 1.0 access key's binding has expired: create new access and secret keys for the API "
                    "user in the Mimecast Administration Console")
        if "err_developer_key" in codes:
            return ("Mimecast does not recognise the application or access key: check app_id, app_key and access_key, "
                    "and that region/base_url is the region where the application was registered")
        if "app_forbidden" in codes or status == 403:
            return ("the API application or its user lacks a role or product; %s needs the %s permission"
                    % (path, endpoint.permission))
        if codes & set(["token_verification_failed", "Unauthorized Request", "invalid_client"]) or (
                status == 401 and self.settings.scheme == API_V2):
            return "check client_id and client_secret, and that the API 2.0 application is enabled"
        if status == 401:
            return "check the API 1.0 keys, the region, and this host's clock"
        if "err_track_and_trace_invalid_start_date" in codes:
            return "message tracking searches about 30 days back at most: move start later"
        if status == 404:
            return "no such endpoint at %s: check base_url/region" % self.settings.base_url
        if status == 405:
            return "the endpoint refused the method: check that base_url points at the Mimecast API itself"
        return None

    # -- API 2.0 token ---------------------------------------------------------------------

    def _fetch_token(self):
        """Fetch a bearer token (with the usual retries); return (token, lifetime in seconds)."""
        return self._with_retries(TOKEN_PATH, self._token_attempt)

    def _token_attempt(self):
        creds = self.settings.credentials
        form = {"grant_type": "client_credentials", "client_id": creds["client_id"], "client_secret": creds["client_secret"]}
        response = self.transport.post(TOKEN_PATH, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
        status = response.status_code
        request_id = response.headers.get("x-request-id")
        body, _parse_error = parse_json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if status == 200 and isinstance(token, str) and token:
            lifetime = to_seconds(body.get("expires_in")) or DEFAULT_TOKEN_LIFETIME
            return token, lifetime
        errors = token_errors(body)
        codes = set(error["code"] for error in errors)
        if status == 429 or status >= 500:
            raise Retryable(MimecastApiError(
                "The Mimecast token endpoint answered HTTP %d" % status, status=status, errors=errors,
                request_id=request_id, path=TOKEN_PATH), floor=rate_limit_floor(response) if status == 429 else None)
        if status in (400, 401, 403) or (status == 200 and errors):
            raise MimecastAuthenticationError(
                "Mimecast refused the API 2.0 credentials", status=status, errors=errors, request_id=request_id,
                path=TOKEN_PATH, hint=token_hint(codes))
        if status == 200:
            raise MimecastResponseError("The Mimecast token endpoint's answer holds no access_token", status=status,
                                        request_id=request_id, path=TOKEN_PATH)
        raise MimecastApiError(
            "No OAuth token endpoint answered at %s%s" % (self.settings.base_url, TOKEN_PATH), status=status, errors=errors,
            request_id=request_id, path=TOKEN_PATH, hint="check base_url/region: API 2.0 needs an API 2.0 host")

    # -- pagination ------------------------------------------------------------------------

    def paginate(self, endpoint, data, page_size=None, max_results=None, concurrency=1, order=None):
        """Iterate over the result pages of one query of a read Endpoint: Pages, or WindowedPages.

        A query with a ``start`` is fetched in time windows by ``concurrency`` workers (see WindowedPages), unless
        ``max_results`` keeps it serial, so that it stops at the same items as before. ``order`` is the date field
        and direction (``("created", True)``: newest first) the windows' merged items are sorted by.
        """
        page_size = page_size or self.settings.page_size
        max_results = max_results if max_results is not None else self.settings.max_results
        windowed = concurrency > 1 and data.get("start") and max_results is None
        self.pacer.workers = concurrency if windowed else 1  # how many calls of this query may be in flight
        if windowed:
            return WindowedPages(self, endpoint, data, page_size, concurrency, order, self._utcnow().timestamp())
        return Pages(self, endpoint, data, page_size, max_results)


def _outcome_unknown(error):
    """The same failure, as the answer to a call that changes state: it may have been applied."""
    return MimecastOutcomeUnknown(
        "%s; the call may have been applied" % error.message, status=error.status, errors=error.errors,
        request_id=error.request_id, path=error.path, hint=error.hint)


class _TokenExpired(Exception):
    """Internal: the bearer token was refused as expired; refresh once and try again."""

    def __init__(self, error, token=None):
        super(_TokenExpired, self).__init__(str(error))
        self.error = error
        self.token = token
