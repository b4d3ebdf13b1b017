# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Scripted HTTP answers, the transport that serves them, a fake clock, and a client wired to both.

HTTP is faked at the transport boundary only: ``FakeTransport`` is a real
``requests`` adapter mounted on a real ``requests.Session``. It answers from a
scripted list and records every PreparedRequest, so the client under test runs
its real code from ``session.post`` down to the socket that is never opened.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import io
import json
import threading
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ansible_collections.mimecast.gateway.plugins.module_utils.client import TOKEN_PATH, MimecastClient
from ansible_collections.mimecast.gateway.tests.unit.fake_settings import BEARER, FIXED_NOW


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


# -- the client under test ---------------------------------------------------------------------


def fake_session(transport):
    """The session the client would make for itself, with the fake transport mounted."""
    session = MimecastClient._new_session()
    session.mount("https://", transport)
    session.mount("http://", transport)
    return session


def make_client(settings, transport, clock=None, rand=None, utcnow=None):
    clock = clock or FakeClock()
    return MimecastClient(
        settings,
        session=fake_session(transport),
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        rand=rand or (lambda: 0.5),
        utcnow=utcnow or (lambda: FIXED_NOW),
    )
