# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The proxy option and the standard proxy variables, through a local forwarding proxy that records what it forwarded."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket

import pytest

from forwarding_proxy import ForwardingProxy
from harness import scheme_env
from playbook_factory import RUN_MODULE

pytestmark = pytest.mark.e2e

PROXY_VARIABLES = ("http_proxy", "https_proxy", "no_proxy", "all_proxy")


@pytest.fixture
def proxy():
    with ForwardingProxy() as running:
        yield running


def environment(emulator, scheme="v2", **variables):
    """Credentials, plus every proxy variable set (both spellings), empty unless given: the shell's own never leak in."""
    env = scheme_env(emulator, scheme)
    for name in PROXY_VARIABLES:
        env[name] = env[name.upper()] = variables.get(name, "")
    return env


def run_hold(ansible_playbook, env, **module_args):
    run = ansible_playbook(RUN_MODULE, env=env, extra_vars=dict(module="hold", module_args=dict(page_size=25, **module_args)))
    return run, run.results().get("Run mimecast_hold_info", {})


def through(emulator):
    """What a plain HTTP proxy forwarded when it carried every request the emulator saw."""
    return [(entry["method"], emulator.base_url + entry["path"]) for entry in emulator.requests()]


def assert_complete(run, result, emulator):
    assert run.rc == 0, run
    assert result["count"] == len(emulator.data()["held"])


def test_proxy_option_carries_every_request(fresh_emulator, ansible_playbook, proxy):
    run, result = run_hold(ansible_playbook, environment(fresh_emulator), proxy=proxy.url)
    assert_complete(run, result, fresh_emulator)
    assert len(fresh_emulator.api_requests()) > 1
    assert proxy.forwarded == through(fresh_emulator), "the token request and every page, through the proxy"


def test_proxy_option_wins_over_no_proxy(fresh_emulator, ansible_playbook, proxy):
    """As documented: the proxy variables, NO_PROXY included, apply only when the proxy option is not set."""
    run, result = run_hold(ansible_playbook, environment(fresh_emulator, no_proxy="127.0.0.1,localhost"), proxy=proxy.url)
    assert_complete(run, result, fresh_emulator)
    assert proxy.forwarded == through(fresh_emulator)


def test_http_proxy_variable_carries_signed_requests(fresh_emulator, ansible_playbook, proxy):
    run, result = run_hold(ansible_playbook, environment(fresh_emulator, "v1", http_proxy=proxy.url))
    assert_complete(run, result, fresh_emulator)
    assert proxy.forwarded == through(fresh_emulator)
    assert proxy.refused == []


def test_https_proxy_variable_tunnels_to_a_tls_server(tls_emulator, ansible_playbook, proxy):
    tls_emulator.reset()
    run, result = run_hold(ansible_playbook, environment(tls_emulator, https_proxy=proxy.url), ca_path=tls_emulator.ca_path)
    assert_complete(run, result, tls_emulator)
    assert tls_emulator.api_requests()
    # Kept-alive connections: one tunnel can carry every request; each tunnel leads to the emulator.
    assert proxy.forwarded and set(proxy.forwarded) == {("CONNECT", tls_emulator.base_url[len("https://"):])}


def test_no_proxy_covering_loopback_bypasses_the_proxy(fresh_emulator, ansible_playbook, proxy):
    env = environment(fresh_emulator, http_proxy=proxy.url, https_proxy=proxy.url, all_proxy=proxy.url, no_proxy="127.0.0.1")
    run, result = run_hold(ansible_playbook, env)
    assert_complete(run, result, fresh_emulator)
    assert fresh_emulator.api_requests()
    assert proxy.forwarded == [] and proxy.refused == []


def test_unreachable_proxy_fails_clearly(fresh_emulator, ansible_playbook):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = "http://127.0.0.1:%d" % probe.getsockname()[1]
    run, result = run_hold(ansible_playbook, environment(fresh_emulator), proxy=closed, retries=0)
    assert run.rc != 0
    assert result["error_type"] == "MimecastTransportError"
    assert "proxy" in result["msg"].lower()
    assert fresh_emulator.requests() == []
