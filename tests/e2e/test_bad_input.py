# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad input, table-driven: each row fails before any request reaches the emulator, naming the option at fault.

The rows on the connection options are here; each module's rows of its own are in its test profile
(tests/integration/targets/<module>/vars/profile.yml, read by tests/module_registry.py). One ansible-playbook
run (the generated bad_input.yml: one task per module) feeds every row to its module; each row is then asserted
on its own. Every row points base_url at its own path on the
emulator, so a request that got through is pinned on the row that sent it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

import pytest

from harness import CREDENTIALS
from playbook_factory import BAD_INPUT, RUN_MODULE, bad_input_task
from tests import module_registry

pytestmark = pytest.mark.e2e

V2 = dict(client_id=CREDENTIALS["v2"]["MIMECAST_CLIENT_ID"], client_secret=CREDENTIALS["v2"]["MIMECAST_CLIENT_SECRET"])
V1 = dict(access_key=CREDENTIALS["v1"]["MIMECAST_ACCESS_KEY"], secret_key=CREDENTIALS["v1"]["MIMECAST_SECRET_KEY"],
          app_id=CREDENTIALS["v1"]["MIMECAST_APP_ID"], app_key=CREDENTIALS["v1"]["MIMECAST_APP_KEY"])
LONG = "x" * 5000
# Every module of the registry, read-only or not, refuses bad input.
TASKS = dict((module.key, bad_input_task(module.key)) for module in module_registry.ALL)


class Row:
    """One bad input: the module, its options (credentials and a per-row base_url added), the option to name."""

    def __init__(self, name, module, option, args=None, scheme="v2", drop=()):
        self.name = name
        self.module = module
        self.option = option
        self.args = dict(args or {})
        self.scheme = scheme
        self.drop = drop

    def prefix(self):
        return "/bad-input/%s/" % self.name

    def module_args(self, base_url):
        args = dict(V2 if self.scheme == "v2" else V1)
        # No retry and a short timeout: a row that is wrongly let through fails fast.
        args.update(base_url=base_url + self.prefix().rstrip("/"), retries=0, timeout=5)
        # What the module cannot run without (tracking: a criterion), so only the row's option is at fault.
        args.update(module_registry.MODULES[self.module].args)
        for name in self.drop:
            del args[name]
        args.update(self.args)
        return args

    def param(self):
        return pytest.param(self, id=self.name)


# The rows on the connection options, which every module takes alike: dealt out to the modules in turn, so each
# module gets some. Each module's rows of its own are in its test profile (module_registry.Module.bad_input).
CONNECTION_ROWS = [
    Row("client-id-empty", None, "client_id", dict(client_id="")),
    Row("base-url-blank", None, "base_url", dict(base_url="   ")),
    # Invalid regions.
    Row("region-unknown", None, "region", dict(region="mars"), drop=("base_url",)),
    Row("region-of-api-1-with-api-2-credentials", None, "region", dict(region="eu"), drop=("base_url",)),
    Row("region-of-api-2-with-api-1-keys", None, "region", dict(region="uk"), scheme="v1", drop=("base_url",)),
    Row("no-region-for-api-1-keys", None, "region", scheme="v1", drop=("base_url",)),
    Row("region-in-fullwidth-letters", None, "region", dict(region=u"\uff45\uff55"), scheme="v1", drop=("base_url",)),
    # The xx-api placeholder and non-http URLs.
    Row("base-url-xx-api", None, "base_url", dict(base_url="https://xx-api.mimecast.com/"), scheme="v1"),
    Row("base-url-without-scheme", None, "base_url", dict(base_url="127.0.0.1:8080")),
    Row("base-url-file", None, "base_url", dict(base_url="file:///etc/passwd")),
    Row("base-url-api-2-host-with-api-1-keys", None, "base_url", dict(base_url="https://api.services.mimecast.com"),
        scheme="v1"),
    Row("proxy-without-scheme", None, "proxy", dict(proxy="proxy.example.com:3128")),
    # A mix of API 1.0 and 2.0 credentials, and incomplete credentials.
    Row("app-key-with-api-2-credentials", None, "app_key", dict(app_key=V1["app_key"])),
    Row("both-complete-schemes", None, "access_key", V1),
    Row("client-id-alone", None, "client_secret", drop=("client_secret",)),
    Row("api-1-without-app-key", None, "app_key", scheme="v1", drop=("app_key",)),
    Row("api-1-access-key-alone", None, "secret_key", scheme="v1", drop=("secret_key", "app_id", "app_key")),
    Row("no-credentials", None, "client_id", drop=("client_id", "client_secret")),
    Row("secret-key-not-base64", None, "secret_key", dict(secret_key="%%not-base64%%"), scheme="v1"),
    # Connection options out of range.
    Row("timeout-0", None, "timeout", dict(timeout=0)),
    Row("retries-minus-1", None, "retries", dict(retries=-1)),
    Row("max-retry-wait-negative", None, "max_retry_wait", dict(max_retry_wait=-5)),
]


def with_long_values(value):
    """A profile's option value with each {long} (in a string, at any depth) made 5000 x's."""
    if isinstance(value, dict):
        return dict((name, with_long_values(item)) for name, item in value.items())
    if isinstance(value, list):
        return [with_long_values(item) for item in value]
    if isinstance(value, str):
        return value.replace("{long}", LONG)
    return value


def profile_rows(module):
    return [Row(row["name"], module.key, row["option"], with_long_values(row.get("args")), row.get("scheme", "v2"),
                tuple(row.get("drop", ()))) for row in module.bad_input]


def connection_rows(modules):
    return [Row(row.name, modules[number % len(modules)].key, row.option, row.args, row.scheme, row.drop)
            for number, row in enumerate(CONNECTION_ROWS)]


ROWS = connection_rows(module_registry.ALL) + [row for module in module_registry.ALL for row in profile_rows(module)]


@pytest.fixture(scope="module")
def bad_input_run(emulator, ansible_playbook):
    """Every row in one ansible-playbook run: (results by row name, the emulator's request log)."""
    emulator.reset()
    try:
        rows = [dict(id=row.name, module=row.module, args=row.module_args(emulator.base_url)) for row in ROWS]
        run = ansible_playbook(BAD_INPUT, extra_vars=dict(rows=rows))
        assert run.rc == 0, run
        results = {}
        for task in TASKS.values():
            # A module without rows (see the coverage test below) has its task skipped, with no results.
            for item in run.results().get(task, {}).get("results", []):
                results[item["item"]["id"]] = item
        return results, emulator.requests()
    finally:
        emulator.reset()


def test_the_table_covers_every_module_with_forty_rows_or_more():
    assert len(ROWS) >= 40
    names = [row.name for row in ROWS]
    assert sorted(name for name in set(names) if names.count(name) > 1) == [], "row names used twice"
    own_rows = set(row.module for module in module_registry.ALL for row in profile_rows(module))
    assert [module.source for module in module_registry.ALL if module.key not in own_rows] == [], \
        "profiles without bad_input rows of their own"
    assert set(row.module for row in ROWS) == set(TASKS)


@pytest.mark.parametrize("row", [row.param() for row in ROWS])
def test_bad_input_fails_before_any_request_naming_the_option(bad_input_run, row):
    results, log = bad_input_run
    result = results[row.name]
    assert result["failed"] is True, result
    assert [entry["path"] for entry in log if entry["path"].startswith(row.prefix())] == [], "a request reached the emulator"
    # The collection's own checks say which option is at fault; Ansible's argument checks name it in the message.
    if "option" in result:
        assert result["option"] == row.option, result["msg"]
    assert re.search(r"(?<![\w.])%s(?![\w])" % re.escape(row.option), result["msg"]), result["msg"]
    assert "Traceback" not in result["msg"]


def test_no_request_reached_the_emulator(bad_input_run):
    _results, log = bad_input_run
    assert [entry["path"] for entry in log] == []


def test_unicode_search_values_are_sent_as_given(fresh_emulator, ansible_playbook):
    """Unicode is legitimate in subjects and searches: it must reach Mimecast intact."""
    subject = u"Größe – 日本語 ✓ Ünïcödé"
    run = ansible_playbook(RUN_MODULE, extra_vars=dict(module="track", module_args=dict(
        V2, base_url=fresh_emulator.base_url, subject=subject, search_reason=u"Prüfung 4711")))
    assert run.rc == 0, run
    [request] = fresh_emulator.api_requests()
    sent = request["body"]["data"][0]
    assert sent["advancedTrackAndTraceOptions"] == {"subject": subject}
    assert sent["searchReason"] == u"Prüfung 4711"
