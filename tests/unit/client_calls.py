# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One POST through a client on the fake transport, its outcome kept: for the tests of retries, waits, failures and hints."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.module_utils.endpoints import ENDPOINTS
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import FakeClock, FakeTransport, make_client, page, token_answer, v1_settings, v2_settings

HOLD = "/api/gateway/get-hold-message-list"
ENDPOINT_BY_PATH = dict((endpoint.path, endpoint) for endpoint in ENDPOINTS)
OK = page([dict(id="a")])


def v2_call(answers, clock=None, rand=None, path=HOLD, **settings):
    """POST once through an API 2.0 client; return (transport, clock, response or error)."""
    transport = FakeTransport(answers, [token_answer()])
    clock = clock or FakeClock()
    client = make_client(v2_settings(**settings), transport, clock=clock, rand=rand)
    try:
        outcome = client.post(ENDPOINT_BY_PATH[path], {"data": [{}]})
    except Exception as exc:  # pylint: disable=broad-except
        outcome = exc
    return transport, clock, outcome


def v1_call(answers, clock=None, path=HOLD, **settings):
    transport = FakeTransport(answers)
    clock = clock or FakeClock()
    client = make_client(v1_settings(**settings), transport, clock=clock)
    try:
        outcome = client.post(ENDPOINT_BY_PATH[path], {"data": [{}]})
    except Exception as exc:  # pylint: disable=broad-except
        outcome = exc
    return transport, clock, outcome
