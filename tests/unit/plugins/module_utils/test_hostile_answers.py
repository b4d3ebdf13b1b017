# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property-based tests: no answer, however broken or hostile, ends in anything but items or a MimecastError.

Hypothesis starts from a real-shaped answer of one of the three endpoints (tests/unit/fixtures/field_answers/)
and mutates it: keys renamed or dropped, values replaced by any JSON, values buried under thousands of levels
of nesting, ``fail`` in every shape, ``next`` as any JSON value, the body cut short or swapped for raw text,
an unknown charset, another HTTP status. The mutated answer goes through the real client (behind a requests
adapter) and the module's own ``run()``: paging, shaping and the summary.

- Every run either returns a result that strict JSON can carry, nested no deeper than the shaping allows, or
  raises a MimecastError that names the HTTP status and the request id. Never another exception.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import io
import json
import os

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st
from requests.adapters import BaseAdapter

from ansible_collections.mimecast.gateway.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastError
from ansible_collections.mimecast.gateway.plugins.module_utils.results import MAX_DEPTH
from ansible_collections.mimecast.gateway.plugins.modules import mimecast_hold_info, mimecast_processing_info, mimecast_track_info
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    V2_CREDENTIALS,
    Answer,
    FakeModule,
    call_main,
    make_client,
    token_answer,
    v1_params,
    v2_params,
)

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fixtures", "field_answers")
# module, its fixture, options it needs
MODULES = [(mimecast_processing_info, "processing", {}), (mimecast_track_info, "tracking", dict(sender="example.net")),
           (mimecast_hold_info, "hold", {})]
REQUEST_ID = "rid-hostile-1"
# Nothing in this test sleeps; the client's retries are off, so one request per page.
MAX_REQUESTS = 10
# At least 500 examples in CI, as the project requires of property tests.
EXAMPLES = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fixture(name):
    with open(os.path.join(FIXTURES, name + ".json")) as handle:
        return json.load(handle)


BASES = dict((name, fixture(name)) for _module, name, _options in MODULES)


class Runaway(Exception):
    """More requests than any answer explains: the client would not have stopped."""


class HostileServer(BaseAdapter):
    """Answers every API request with the same (mutated) answer, and token requests with a valid token."""

    def __init__(self, status, content, content_type):
        super(HostileServer, self).__init__()
        self.status = status
        self.content = content
        self.content_type = content_type
        self.requests = 0

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # pylint: disable=arguments-differ
        if request.url.endswith("/oauth/token"):
            return token_answer().build(request)
        self.requests += 1
        if self.requests > MAX_REQUESTS:
            raise Runaway("request %d" % self.requests)
        response = Answer(self.status, headers={"Content-Type": self.content_type, "x-request-id": REQUEST_ID}).build(request)
        response.raw = io.BytesIO(self.content)
        return response

    def close(self):
        pass


# -- strategies ----------------------------------------------------------------------------------

SCALARS = (st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats() | st.just(1e308)
           | st.text(max_size=12) | st.sampled_from(["", "true", "false", "12", "x" * 300, "2026-05-04T10:00:00+0000", "+0000"]))
KEYS = st.text(max_size=10) | st.sampled_from([
    "id", "code", "message", "errors", "key", "next", "pagination", "data", "messages", "trackedEmails", "fail", "meta",
    "spamScore", "retryable"])
JSON = st.recursive(SCALARS, lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
                    max_leaves=16)
FAIL_SHAPES = st.one_of(
    JSON,
    st.lists(st.builds(dict, code=JSON, message=JSON), max_size=3),
    st.lists(st.builds(dict, key=JSON, errors=st.one_of(JSON, st.lists(st.builds(dict, code=JSON, message=JSON, retryable=JSON),
                                                                       max_size=3))), max_size=3),
)
# Levels of nesting to bury a value under: ordinary, just past the shaping's limit, past Python's recursion limit.
DEPTHS = st.one_of(st.integers(1, 8), st.integers(MAX_DEPTH - 4, MAX_DEPTH + 4), st.integers(900, 3000))


def paths(value, prefix=()):
    """Every path to a value inside ``value``, the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(paths(item, prefix + (key,)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(paths(item, prefix + (index,)))
    return found


def parent_of(body, path):
    node = body
    for step in path[:-1]:
        node = node[step]
    return node


PLACEHOLDER = "\u0000buried\u0000"


@st.composite
def mutated_answer(draw, base):
    """(status, body bytes, Content-Type) of a mutated answer."""
    body = copy.deepcopy(base)
    buried = None
    for _round in range(draw(st.integers(1, 4), label="mutations")):
        kind = draw(st.sampled_from(["replace", "rename", "delete", "bury", "fail", "next"]))
        path = draw(st.sampled_from(paths(body)))
        if kind in ("fail", "next") and not isinstance(body, dict):
            body = {"data": body}
        if kind == "fail":
            body["fail"] = draw(FAIL_SHAPES)
        elif kind == "next":
            if not isinstance(body.get("meta"), dict):
                body["meta"] = {}
            if not isinstance(body["meta"].get("pagination"), dict):
                body["meta"]["pagination"] = {}
            body["meta"]["pagination"]["next"] = draw(st.one_of(JSON, st.sampled_from(["", "tok-2", None])))
        elif not path:
            body = draw(JSON) if kind == "replace" else body
        else:
            parent, last = parent_of(body, path), path[-1]
            if kind == "replace":
                parent[last] = draw(JSON)
            elif kind == "delete":
                parent.pop(last)
            elif kind == "rename" and isinstance(parent, dict):
                parent[draw(KEYS)] = parent.pop(last)
            elif kind == "bury" and buried is None:
                # Too deep for json.dumps: a placeholder now, the nesting spliced into the text below.
                buried = (draw(DEPTHS), draw(st.sampled_from(["[", '{"k":'])), parent[last])
                parent[last] = PLACEHOLDER
    text = json.dumps(body)
    if buried is not None:
        depth, opener, value = buried
        closer = "]" if opener == "[" else "}"
        text = text.replace(json.dumps(PLACEHOLDER), opener * depth + json.dumps(value) + closer * depth, 1)
    raw = text.encode("utf-8")
    cut = draw(st.sampled_from(["whole", "whole", "whole", "truncated", "brackets", "digits", "latin-1", "garbage"]))
    if cut == "truncated":
        raw = raw[:draw(st.integers(0, max(0, len(raw) - 1)))]
    elif cut == "brackets":
        raw = b"[" * 100000
    elif cut == "digits":
        raw = b'{"meta": {}, "data": [{"id": "a", "size": ' + b"9" * 5000 + b"}], \"fail\": []}"
    elif cut == "latin-1":
        raw = text.encode("utf-8").replace(b'"', b"\xff", 1)
    elif cut == "garbage":
        raw = draw(st.binary(max_size=64))
    content_type = draw(st.sampled_from(["application/json", "application/json; charset=utf-8",
                                         "application/json; charset=no-such-charset", "text/html", "text/plain; charset=latin-1"]))
    status = draw(st.sampled_from([200] * 6 + [400, 401, 403, 418, 429, 500, 502]))
    return status, raw, content_type


@st.composite
def case(draw):
    index = draw(st.integers(0, len(MODULES) - 1))
    module, name, options = MODULES[index]
    return module, options, draw(st.sampled_from(["v2", "v1"])), draw(mutated_answer(BASES[name]))


def depth_of(value):
    """Nesting depth, without recursion (the value may be hostile)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


# -- the property ----------------------------------------------------------------------------------


@EXAMPLES
@given(case())
def test_every_answer_ends_in_items_or_a_clear_mimecast_error(drawn):
    module, options, scheme, (status, raw, content_type) = drawn
    params_for = v2_params if scheme == "v2" else v1_params
    params = params_for(module.ARGUMENT_SPEC, retries=0, **options)
    server = HostileServer(status, raw, content_type)
    client = make_client(ConnectionSettings.from_params(params), server)
    client.session.trust_env = False
    try:
        result = module.run(FakeModule(params), client)
    except MimecastError as error:
        event("raised %s" % type(error).__name__)
        message = str(error)
        assert message
        assert error.status == status
        assert error.request_id is not None
        assert "request id %s" % error.request_id in message
        return
    event("returned items")
    # Strict JSON (no NaN, no Infinity) carries the result, and it is no deeper than the shaping allows.
    json.dumps(result, allow_nan=False)
    assert depth_of(result) <= MAX_DEPTH + 3
    fact = [name for name in ("messages", "tracked_emails", "held_messages") if name in result][0]
    assert all(isinstance(item, dict) for item in result[fact])
    assert result["count"] == len(result[fact])


# -- the cases the issue names, through the real main() ----------------------------------------------


@pytest.mark.parametrize("body", [
    b"[" * 100000,
    b'{"meta": {}, "data": [' + b"[" * 5000 + b"]" * 5000 + b'], "fail": []}',
    b'{"meta": {}, "data": [{"id": "a", "to": ' + b'{"k":' * 3000 + b"1" + b"}" * 3000 + b'}], "fail": []}',
    b'{"meta": {}, "data": [{"id": "a", "to": ' + b"[" * 200 + b"1" + b"]" * 200 + b'}], "fail": []}',
])
def test_deeply_nested_answers_fail_cleanly_with_status_and_request_id(monkeypatch, capsys, body):
    server = HostileServer(200, body, "application/json")
    outcome = call_main(monkeypatch, mimecast_hold_info, dict(V2_CREDENTIALS), transport=server, use_default_factory=True,
                        real_exit=True)
    printed = json.loads(capsys.readouterr().out)
    assert outcome.code == 1
    assert printed["failed"] is True
    assert printed["error_type"] == "MimecastResponseError"
    assert printed["http_status"] == 200
    assert printed["request_id"] == REQUEST_ID
    assert "/api/gateway/get-hold-message-list" in printed["msg"]
    assert "request id %s" % REQUEST_ID in printed["msg"]
    assert "Traceback" not in json.dumps(printed) and "recursion" not in printed["msg"].lower()


def test_numbers_strict_json_cannot_carry_are_read_as_null():
    body = (b'{"meta": {"pagination": {"next": ""}}, "data": [{"trackedEmails": [{"id": "t1", "spamScore": NaN, '
            b'"size": 1e999, "sent": -Infinity}]}], "fail": []}')
    params = v2_params(mimecast_track_info.ARGUMENT_SPEC, sender="example.net")
    client = make_client(ConnectionSettings.from_params(params), HostileServer(200, body, "application/json"))
    result = mimecast_track_info.run(FakeModule(params), client)
    assert result["tracked_emails"] == [dict(id="t1", spam_score=None, size=None, sent=None)]
    json.dumps(result, allow_nan=False)
