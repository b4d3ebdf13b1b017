# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import (
    REDACTED,
    MimecastApiError,
    MimecastAuthenticationError,
    MimecastError,
    MimecastOptionError,
    MimecastResponseError,
    MimecastTransportError,
)


def test_str_lists_every_detail_then_the_hint():
    err = MimecastApiError(
        "Mimecast answered HTTP 503 for /api/x", status=503,
        errors=[dict(code="err_busy", message="try later", retryable=True), dict(code="err_only_code"), dict(message="only message")],
        request_id="rid-1", attempts=3, elapsed=2.5, hint="wait a minute.")
    assert str(err) == ("Gave up after 3 attempts over 2.5 s: Mimecast answered HTTP 503 for /api/x (err_busy: try later; "
                        "err_only_code; only message; request id rid-1). Hint: wait a minute.")


def test_str_names_the_status_when_the_message_does_not():
    err = MimecastApiError("Mimecast reported a failure for /api/x", status=200, errors=[dict(code="err_x", message="m")])
    assert str(err) == "Mimecast reported a failure for /api/x (HTTP 200; err_x: m)"


def test_str_of_a_bare_error_is_its_message():
    assert str(MimecastError("plain failure")) == "plain failure"


def test_str_single_attempt_without_elapsed():
    # One attempt is the normal case: not worth a word.
    assert str(MimecastTransportError("no answer", attempts=1)) == "no answer"


def test_to_fail_json_shape():
    err = MimecastAuthenticationError(
        "refused", status=401, errors=[dict(code="err_xdk_invalid_signature", message="0004 Invalid Signature")],
        request_id="rid-2", attempts=1, elapsed=0.0)
    assert err.to_fail_json() == dict(
        msg="refused (HTTP 401; err_xdk_invalid_signature: 0004 Invalid Signature; request id rid-2)",
        error_type="MimecastAuthenticationError",
        http_status=401,
        mimecast_errors=[dict(code="err_xdk_invalid_signature", message="0004 Invalid Signature", retryable=False)],
        request_id="rid-2",
        attempts=1,
    )


def test_to_fail_json_of_an_option_error_names_the_option():
    err = MimecastOptionError("page_size", "page_size must be between 1 and 500, got 0")
    assert err.option == "page_size"
    assert err.to_fail_json() == dict(msg="page_size must be between 1 and 500, got 0", error_type="MimecastOptionError", option="page_size")


def test_redact_scrubs_message_and_mimecast_errors():
    err = MimecastResponseError(
        "body echoed s3cr3t and t0ken", status=400, errors=[dict(code="s3cr3t", message="bad t0ken", retryable=False)],
    ).redact(["s3cr3t", "t0ken", None, ""])
    assert str(err) == "body echoed %s and %s (HTTP 400; %s: bad %s)" % (REDACTED, REDACTED, REDACTED, REDACTED)
    assert err.to_fail_json()["mimecast_errors"] == [dict(code=REDACTED, message="bad %s" % REDACTED, retryable=False)]


@pytest.mark.parametrize("errors, expected", [
    ([], False),
    ([dict(code="a", retryable=True)], True),
    ([dict(code="a", retryable=True), dict(code="b", retryable=True)], True),
    ([dict(code="a", retryable=True), dict(code="b", retryable=False)], False),
    ([dict(code="a", retryable="true")], False),
    ([dict(code="a")], False),
])
def test_retryable_only_when_every_error_says_so(errors, expected):
    assert MimecastApiError("x", errors=errors).retryable is expected


def test_codes_skip_entries_without_a_code():
    err = MimecastApiError("x", errors=[dict(code="a"), dict(code=None, message="m"), dict(code="b")])
    assert err.codes == ["a", "b"]


@pytest.mark.parametrize("cls", [MimecastOptionError, MimecastAuthenticationError, MimecastApiError, MimecastTransportError, MimecastResponseError])
def test_every_error_is_a_mimecast_error(cls):
    assert issubclass(cls, MimecastError)
