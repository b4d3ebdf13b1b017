# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad input, table-driven: each row fails before any request reaches the emulator, naming the option at fault.

One ansible-playbook run (the generated bad_input.yml: one task per module of tests/module_registry.py) feeds
every row to its module; each row is then asserted on its own. Every row points base_url at its own path on the
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


def search(value, field_name="subject"):
    return dict(search_by=dict(field_name=field_name, value=value))


ROWS = [
    # Malformed and impossible dates, and an end before the start.
    Row("start-in-words", "hold", "start", dict(start="last tuesday")),
    Row("start-month-13", "processing", "start", dict(start="2026-13-01")),
    Row("start-april-31", "hold", "start", dict(start="2026-04-31")),
    Row("end-february-30", "processing", "end", dict(end="2026-02-30T10:00:00Z")),
    Row("end-hour-25", "track", "end", dict(end="2026-05-01T25:00:00Z")),
    Row("end-unknown-unit", "hold", "end", dict(end="-3y")),
    Row("start-empty", "hold", "start", dict(start="")),
    Row("end-day-before-start", "hold", "end", dict(start="2026-05-02", end="2026-05-01")),
    Row("end-hour-before-start", "processing", "end", dict(start="-1h", end="-2h")),
    Row("end-second-before-start", "track", "end", dict(start="2026-05-03T10:00:00Z", end="2026-05-03T09:59:59Z")),
    # Unknown enum values, page_size 0 or 501, negative max_results.
    Row("queue-type-unknown", "processing", "queue_type", dict(queue_type="bulk")),
    Row("sort-order-unknown", "processing", "sort_order", dict(sort_order="newest")),
    Row("route-unknown", "processing", "route", dict(route="sideways")),
    Row("processing-field-name-unknown", "processing", "field_name", search("x", field_name="from")),
    Row("hold-field-name-wrong-case", "hold", "field_name", search("x", field_name="Subject")),
    Row("track-route-unknown", "track", "route", dict(route=["inbound", "lateral"])),
    Row("page-size-0", "hold", "page_size", dict(page_size=0)),
    Row("concurrency-0", "hold", "concurrency", dict(start="-1d", concurrency=0)),
    Row("concurrency-9", "processing", "concurrency", dict(start="-1d", concurrency=9)),
    Row("page-size-501", "processing", "page_size", dict(page_size=501)),
    Row("page-size-not-a-number", "track", "page_size", dict(page_size="ten")),
    Row("max-results-minus-1", "hold", "max_results", dict(max_results=-1)),
    # Empty strings and whitespace-only values.
    Row("hold-search-value-empty", "hold", "search_by.value", search("")),
    Row("processing-search-value-blank", "processing", "search_by.value", search(" \t ")),
    Row("sender-blank", "track", "sender", dict(sender="   ")),
    Row("message-id-blank", "track", "message_id", dict(message_id="  "), drop=("sender",)),
    Row("search-reason-blank", "track", "search_reason", dict(search_reason=" ")),
    Row("client-id-empty", "hold", "client_id", dict(client_id="")),
    Row("base-url-blank", "hold", "base_url", dict(base_url="   ")),
    # Invalid regions.
    Row("region-unknown", "hold", "region", dict(region="mars"), drop=("base_url",)),
    Row("region-of-api-1-with-api-2-credentials", "processing", "region", dict(region="eu"), drop=("base_url",)),
    Row("region-of-api-2-with-api-1-keys", "hold", "region", dict(region="uk"), scheme="v1", drop=("base_url",)),
    Row("no-region-for-api-1-keys", "track", "region", scheme="v1", drop=("base_url",)),
    # The xx-api placeholder and non-http URLs.
    Row("base-url-xx-api", "processing", "base_url", dict(base_url="https://xx-api.mimecast.com/"), scheme="v1"),
    Row("base-url-without-scheme", "hold", "base_url", dict(base_url="127.0.0.1:8080")),
    Row("base-url-file", "track", "base_url", dict(base_url="file:///etc/passwd")),
    Row("base-url-api-2-host-with-api-1-keys", "hold", "base_url", dict(base_url="https://api.services.mimecast.com"),
        scheme="v1"),
    Row("proxy-without-scheme", "hold", "proxy", dict(proxy="proxy.example.com:3128")),
    # A mix of API 1.0 and 2.0 credentials, and incomplete credentials.
    Row("app-key-with-api-2-credentials", "processing", "app_key", dict(app_key=V1["app_key"])),
    Row("both-complete-schemes", "track", "access_key", V1),
    Row("client-id-alone", "hold", "client_secret", drop=("client_secret",)),
    Row("api-1-without-app-key", "hold", "app_key", scheme="v1", drop=("app_key",)),
    Row("api-1-access-key-alone", "track", "secret_key", scheme="v1", drop=("secret_key", "app_id", "app_key")),
    Row("no-credentials", "hold", "client_id", drop=("client_id", "client_secret")),
    Row("secret-key-not-base64", "processing", "secret_key", dict(secret_key="%%not-base64%%"), scheme="v1"),
    # Connection options out of range.
    Row("timeout-0", "hold", "timeout", dict(timeout=0)),
    Row("retries-minus-1", "processing", "retries", dict(retries=-1)),
    Row("max-retry-wait-negative", "track", "max_retry_wait", dict(max_retry_wait=-5)),
    # message_id with advanced options, and no criteria at all.
    Row("message-id-with-route", "track", "message_id", dict(message_id="<a@example.com>", route=["inbound"]), drop=("sender",)),
    Row("message-id-with-sender-ip", "track", "message_id", dict(message_id="<a@example.com>", sender_ip="192.0.2.1"),
        drop=("sender",)),
    Row("no-criteria", "track", "message_id", dict(start="-1d"), drop=("sender",)),
    Row("search-reason-is-no-criterion", "track", "message_id", dict(search_reason="audit"), drop=("sender",)),
    # Over-long values.
    Row("search-value-over-long", "hold", "search_by.value", search(LONG)),
    Row("subject-over-long", "track", "subject", dict(subject=LONG), drop=("sender",)),
    Row("message-id-over-long", "track", "message_id", dict(message_id="<%s@example.com>" % LONG), drop=("sender",)),
    Row("sort-by-over-long", "processing", "sort_by", dict(sort_by=LONG)),
    Row("sender-ip-not-an-address", "track", "sender_ip", dict(sender_ip="not-an-ip"), drop=("sender",)),
    Row("sender-ip-a-host-name", "track", "sender_ip", dict(sender_ip="mail.example.com"), drop=("sender",)),
    # Unicode: typographic dashes and minus signs, Unicode spaces, fullwidth letters.
    Row("start-with-unicode-hyphens", "hold", "start", dict(start=u"2026\u201005\u201001")),
    Row("start-with-unicode-minus", "processing", "start", dict(start=u"\u22127d")),
    Row("search-value-of-unicode-spaces", "hold", "search_by.value", search(u"\u00a0\u2003\u3000")),
    Row("region-in-fullwidth-letters", "hold", "region", dict(region=u"\uff45\uff55"), scheme="v1", drop=("base_url",)),
    # Releasing and rejecting held messages.
    Row("held-ids-empty", "held", "ids", dict(ids=[])),
    Row("held-ids-blank", "held", "ids", dict(ids=["eNoVzs0KgjAAAOBn", "  "])),
    Row("held-ids-missing", "held", "ids", drop=("ids",)),
    Row("held-state-unknown", "held", "state", dict(state="deleted")),
    Row("held-reject-reason-with-released", "held", "reject_reason", dict(reject_reason="undesirable_content")),
    Row("held-reject-message-with-released", "held", "reject_message", dict(reject_message="No thanks")),
    Row("held-notify-sender-with-released", "held", "notify_sender", dict(notify_sender=False), scheme="v1"),
    Row("held-reject-reason-unknown", "held", "reject_reason", dict(state="rejected", reject_reason="spam")),
    Row("held-reject-message-over-long", "held", "reject_message", dict(state="rejected", reject_message=LONG)),
    Row("held-max-messages-0", "held", "max_messages", dict(max_messages=0)),
    Row("held-list-options-do-not-apply", "held", "summary_only", dict(summary_only=True)),
]


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
    assert len(set(row.name for row in ROWS)) == len(ROWS)
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
