# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fakes shared by the unit tests.

HTTP is faked at the transport boundary only: ``FakeTransport`` is a real
``requests`` adapter mounted on a real ``requests.Session``. It answers from a
scripted list and records every PreparedRequest, so the client under test runs
its real code from ``session.post`` down to the socket that is never opened.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import calendar
import datetime
import io
import json
import threading
import time
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 (the support matrix runs these tests on 2.16 to 2.18)
    import contextlib
    from unittest import mock

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """What ansible-core 2.19's patch_module_args does, the way older releases read module args."""
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps(dict(ANSIBLE_MODULE_ARGS=args or {})).encode()):
            yield

from ansible_collections.mimecast.gateway.plugins.module_utils import dates, module_runner, results
from ansible_collections.mimecast.gateway.plugins.module_utils.client import TOKEN_PATH, MimecastClient
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import ConnectionSettings, connection_argument_spec


UTC = datetime.timezone.utc
# A fixed "now" for dates, summaries and x-mc-date: Monday 4 May 2026, 12:00:00 UTC.
FIXED_NOW = datetime.datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)

V2_BASE = "https://api.services.mimecast.com"
V1_BASE = "https://eu-api.mimecast.com"

CLIENT_ID = "test-client-id-0a1b"
CLIENT_SECRET = "CLIENT-SECRET-7f3a9c2d"
ACCESS_KEY = "ACCESS-KEY-4d2e8b"
SECRET_KEY_BYTES = b"v1-secret-key-bytes-\x00\xff"
SECRET_KEY = base64.b64encode(SECRET_KEY_BYTES).decode("ascii")
APP_ID = "test-app-id-6c5d"
APP_KEY = "APP-KEY-SECRET-91b0e4"
BEARER = "BEARER-TOKEN-5e6f7a8b"

V2_CREDENTIALS = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
V1_CREDENTIALS = dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY, app_id=APP_ID, app_key=APP_KEY)

ENV_VARIABLES = (
    "MIMECAST_CLIENT_ID", "MIMECAST_CLIENT_SECRET", "MIMECAST_ACCESS_KEY", "MIMECAST_SECRET_KEY",
    "MIMECAST_APP_ID", "MIMECAST_APP_KEY", "MIMECAST_BASE_URL", "MIMECAST_REGION", "MIMECAST_VALIDATE_CERTS",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
)


# -- scripted answers --------------------------------------------------------------------------


class Answer:
    """One scripted HTTP answer: a status, headers and a JSON, text or empty body."""

    def __init__(self, status=200, body=None, text=None, headers=None):
        self.status = status
        self.body = body
        self.text = text
        self.headers = dict(headers or {})

    def build(self, request):
        headers = CaseInsensitiveDict(self.headers)
        if self.body is not None:
            content = json.dumps(self.body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        elif self.text is not None:
            content = self.text.encode("utf-8")
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
        else:
            content = b""
        response = requests.Response()
        response.status_code = self.status
        response.reason = "Scripted"
        response.headers = headers
        response.raw = io.BytesIO(content)
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response


def envelope(items=None, next_token=None, items_key=None, fail=None, page_size=100):
    """A Mimecast answer body: ``meta`` with pagination, ``data`` (flat or ``data[0][items_key]``) and ``fail``."""
    items = list(items or [])
    pagination = dict(pageSize=page_size, totalCount=len(items))
    if next_token is not None:
        pagination["next"] = next_token
    data = items if items_key is None else [{items_key: items}]
    return {"meta": {"status": 200, "pagination": pagination}, "data": data, "fail": list(fail or [])}


def page(items=None, next_token=None, items_key=None, headers=None):
    """A successful page of results."""
    return Answer(200, envelope(items, next_token, items_key), headers=headers)


def fail_answer(code, message="failed", retryable=False, status=200, headers=None):
    """An API 1.0 style failure: ``fail[0].errors[0]``."""
    fail = [{"key": {}, "errors": [{"code": code, "message": message, "retryable": retryable}]}]
    return Answer(status, {"meta": {"status": status}, "data": [], "fail": fail}, headers=headers)


def flat_fail_answer(code, message="failed", status=401, headers=None):
    """An API 2.0 authentication failure: ``fail[0]`` holds the code itself."""
    return Answer(status, {"meta": {"status": status}, "fail": [{"code": code, "message": message}]}, headers=headers)


def html_answer(status, text="<html><body><h1>Bad Gateway</h1></body></html>", headers=None):
    return Answer(status, text=text, headers=headers)


def token_answer(token=BEARER, expires_in=1799):
    return Answer(200, dict(access_token=token, token_type="Bearer", expires_in=expires_in, scope=""))


class FakeTransport(BaseAdapter):
    """A requests adapter answering from scripts and recording every request.

    Requests to ``/oauth/token`` take the next of ``token_answers``, all others
    the next of ``answers``. A scripted exception instance is raised instead of
    answering. An unscripted request fails the test.
    """

    def __init__(self, answers=None, token_answers=None):
        super(FakeTransport, self).__init__()
        self.answers = list(answers or [])
        self.token_answers = list(token_answers or [])
        self.requests = []
        self.send_kwargs = []
        self.closed = False

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # pylint: disable=arguments-differ
        self.requests.append(request)
        self.send_kwargs.append(dict(timeout=timeout, verify=verify, proxies=proxies, cert=cert))
        queue = self.token_answers if urlsplit(request.url).path == TOKEN_PATH else self.answers
        if not queue:
            raise AssertionError("unscripted request: %s %s" % (request.method, request.url))
        answer = queue.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer.build(request)

    def close(self):
        self.closed = True

    # -- what was sent --

    @property
    def api_requests(self):
        return [r for r in self.requests if urlsplit(r.url).path != TOKEN_PATH]

    @property
    def token_requests(self):
        return [r for r in self.requests if urlsplit(r.url).path == TOKEN_PATH]

    @property
    def bodies(self):
        """The JSON bodies of the API (non-token) requests, decoded."""
        return [json.loads(request_text(r)) for r in self.api_requests]

    @property
    def paths(self):
        return [urlsplit(r.url).path for r in self.requests]


def request_text(request):
    body = request.body
    if isinstance(body, bytes):
        return body.decode("utf-8")
    return body


def form_of(request):
    """The decoded ``application/x-www-form-urlencoded`` body of a request, one value per key."""
    return dict((key, values[0]) for key, values in parse_qs(request_text(request), strict_parsing=True).items())


class FakeClock:
    """Monotonic time that only moves when the client sleeps or a test advances it.

    Safe to share between threads (the workers of time windows sleep on it at once): each sleep adds to
    ``now`` and to ``sleeps`` under a lock, so none is lost.
    """

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []
        self._lock = threading.Lock()

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds):
        with self._lock:
            self.now += seconds


# -- a list endpoint with dated records ---------------------------------------------------------


class RequestLimit(AssertionError):
    """More requests than a test allows: raised by the adapter, so that a client that loops fails instead of hanging."""


def mimecast_time(epoch):
    """Whole seconds since the epoch in Mimecast's form, ``2026-05-04T12:00:00+0000``."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(epoch))


def epoch_of(text):
    """Mimecast's ``YYYY-MM-DDTHH:MM:SS+0000`` as whole seconds since the epoch."""
    return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))


class RecordServer(BaseAdapter):
    """A Mimecast list endpoint holding dated records, behind a requests adapter; safe to call from many threads.

    ``records`` maps ids to epoch seconds. A request's ``data[0]`` ``start`` and ``end`` select them, each edge
    inclusive or not (``inclusive``); without an end the range runs to ``now``, Mimecast's clock. Items come newest
    first (then by id), at most ``cap`` a page however many were asked for, with opaque page tokens that belong to
    the query they came from; ``totals`` says whether ``meta.pagination.totalCount`` is answered. ``answer()`` is
    where a subclass serves faults or headers; ``bodies`` keeps every API request's JSON body in arrival order.
    """

    def __init__(self, records, now, cap=100, totals=True, items_key=None, inclusive=(True, True), limit=None):
        super(RecordServer, self).__init__()
        self.records = sorted(records.items(), key=lambda record: (record[1], record[0]), reverse=True)
        self.now, self.cap, self.totals, self.items_key, self.inclusive = now, cap, totals, items_key, inclusive
        self.limit, self.requests, self.bodies = limit, 0, []
        self.lock = threading.Lock()
        self._tokens = {}

    def matching(self, query):
        """The records a query selects, newest first: Mimecast's exact answer, before paging."""
        start = epoch_of(query["start"]) if query.get("start") else None
        end = epoch_of(query["end"]) if query.get("end") else self.now
        from_start, to_end = self.inclusive
        return [(record_id, moment) for record_id, moment in self.records
                if (start is None or moment > start or (from_start and moment == start))
                and (moment < end or (to_end and moment == end))]

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # pylint: disable=arguments-differ
        with self.lock:
            self.requests += 1
            if self.limit is not None and self.requests > self.limit:
                raise RequestLimit("request %d: the test allows %d" % (self.requests, self.limit))
        if urlsplit(request.url).path == TOKEN_PATH:
            return token_answer(expires_in=86400).build(request)
        body = json.loads(request_text(request))
        with self.lock:
            self.bodies.append(body)
        return self.answer(body).build(request)

    def close(self):
        pass

    def answer(self, body):
        """The Answer to one API request: here always its page."""
        return self.page(body)

    def page(self, body, headers=None):
        query = body["data"][0]
        pagination = body["meta"]["pagination"]
        key = json.dumps(query, sort_keys=True)
        matching = self.matching(query)
        size = min(pagination["pageSize"], self.cap)
        with self.lock:
            offset = 0
            if pagination.get("pageToken") is not None:
                held = self._tokens.get(pagination["pageToken"])
                if held is None or held[0] != key:
                    return fail_answer("err_invalid_page_token", "Not a page token of this query", status=400)
                offset = held[1]
            next_token = None
            if offset + size < len(matching):
                next_token = "%08x" % (len(self._tokens) * 2654435761 % 2 ** 32)  # distinct, and says nothing
                self._tokens[next_token] = (key, offset + size)
        items = [dict(id=record_id, dateReceived=mimecast_time(moment)) for record_id, moment in matching[offset:offset + size]]
        reply = envelope(items, next_token, self.items_key, page_size=size)
        if self.totals:
            reply["meta"]["pagination"]["totalCount"] = len(matching)
        else:
            del reply["meta"]["pagination"]["totalCount"]
        return Answer(200, reply, headers=headers)


# -- options, settings, client -----------------------------------------------------------------


def default_params(module_spec=None, **overrides):
    """Module params as AnsibleModule would build them with no option given: every key, at its default."""
    spec = connection_argument_spec(**(module_spec or {}))
    params = dict((name, option.get("default")) for name, option in spec.items())
    for name, value in overrides.items():
        if name not in params:
            raise AssertionError("%s is not an option" % name)
        params[name] = value
    return params


def v2_params(module_spec=None, **overrides):
    options = dict(V2_CREDENTIALS)
    options.update(overrides)
    return default_params(module_spec, **options)


def v1_params(module_spec=None, **overrides):
    options = dict(V1_CREDENTIALS, region="eu")
    options.update(overrides)
    return default_params(module_spec, **options)


def v2_settings(**overrides):
    return ConnectionSettings.from_params(v2_params(**overrides))


def v1_settings(**overrides):
    return ConnectionSettings.from_params(v1_params(**overrides))


def fake_session(settings, transport):
    """The session the client would make for itself, with the fake transport mounted."""
    session = MimecastClient._new_session(settings)
    session.mount("https://", transport)
    session.mount("http://", transport)
    return session


def make_client(settings, transport, clock=None, rand=None, utcnow=None):
    clock = clock or FakeClock()
    return MimecastClient(
        settings,
        session=fake_session(settings, transport),
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        rand=rand or (lambda: 0.5),
        utcnow=utcnow or (lambda: FIXED_NOW),
    )


# -- module stand-ins --------------------------------------------------------------------------


class ExitJson(Exception):
    """Raised by a patched ``exit_json``; ``result`` holds its keyword arguments."""

    def __init__(self, result):
        super(ExitJson, self).__init__("exit_json")
        self.result = result
        self.warnings = []


class FailJson(Exception):
    """Raised by a patched ``fail_json``; ``result`` holds its keyword arguments, msg included."""

    def __init__(self, result):
        super(FailJson, self).__init__(result.get("msg"))
        self.result = result
        self.warnings = []


class FakeModule:
    """Just enough of AnsibleModule for ``run()`` and ``execute()``."""

    def __init__(self, params):
        self.params = params
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def exit_json(self, **kwargs):
        raise ExitJson(kwargs)

    def fail_json(self, **kwargs):
        raise FailJson(kwargs)


def _exit_json(self, **kwargs):  # pylint: disable=unused-argument
    raise ExitJson(kwargs)


def _fail_json(self, msg, **kwargs):  # pylint: disable=unused-argument
    kwargs["msg"] = msg
    raise FailJson(kwargs)


def patch_module_exits(monkeypatch):
    """Make AnsibleModule raise ExitJson/FailJson instead of printing and exiting; return the list warnings go to."""
    warnings = []
    monkeypatch.setattr(AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(AnsibleModule, "fail_json", _fail_json)
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, warning, **kwargs: warnings.append(warning))
    monkeypatch.setattr(dates, "utcnow", lambda: FIXED_NOW)
    monkeypatch.setattr(results, "utcnow", lambda: FIXED_NOW)
    return warnings


def call_main(monkeypatch, module, args, transport=None, clock=None, use_default_factory=False, real_exit=False):
    """Run ``module.main()`` end to end: the real AnsibleModule, argument spec and execute(), HTTP on ``transport``.

    By default execute() gets a client factory wired to the fake transport and clock; with
    ``use_default_factory`` the real MimecastClient is built and only its session factory is patched.
    Returns the ExitJson or FailJson raised, with ``.warnings`` set; with ``real_exit`` the real
    exit_json/fail_json run (print the result and raise SystemExit) and the SystemExit is returned.
    """
    transport = transport if transport is not None else FakeTransport()
    clock = clock or FakeClock()
    if real_exit:
        monkeypatch.setattr(dates, "utcnow", lambda: FIXED_NOW)
        monkeypatch.setattr(results, "utcnow", lambda: FIXED_NOW)
        warnings = []
    else:
        warnings = patch_module_exits(monkeypatch)
    if use_default_factory:
        new_session = MimecastClient._new_session

        def patched_session(settings):
            session = new_session(settings)
            session.mount("https://", transport)
            session.mount("http://", transport)
            return session

        monkeypatch.setattr(MimecastClient, "_new_session", staticmethod(patched_session))
    else:
        real_execute = module_runner.execute

        def factory(settings):
            return make_client(settings, transport, clock=clock)

        monkeypatch.setattr(module, "execute", lambda ansible_module, run: real_execute(ansible_module, run, client_factory=factory))
    with patch_module_args(args):
        try:
            module.main()
        except (ExitJson, FailJson) as outcome:
            outcome.warnings.extend(warnings)
            return outcome
        except SystemExit as outcome:
            if not real_exit:
                raise
            return outcome
    raise AssertionError("main() returned without exit_json or fail_json")
