# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

import pytest
from hypothesis import given, strategies as st

from ansible_collections.mimecast.gateway.plugins.module_utils import dates
from ansible_collections.mimecast.gateway.plugins.module_utils.dates import (
    FORMS_HELP,
    date_window,
    parse_api_time,
    parse_user_time,
    to_mimecast,
)
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import FIXED_NOW, UTC


MIMECAST_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$")


@pytest.mark.parametrize("text, expected", [
    ("2026-05-01T10:00:00Z", "2026-05-01T10:00:00+0000"),
    ("2026-05-01t10:00:00z", "2026-05-01T10:00:00+0000"),
    ("2026-05-01T10:00:00+01:00", "2026-05-01T09:00:00+0000"),
    ("2026-05-01T10:00:00+0100", "2026-05-01T09:00:00+0000"),
    ("2026-05-01T10:00:00+01", "2026-05-01T09:00:00+0000"),
    ("2026-05-01T10:00:00-05:30", "2026-05-01T15:30:00+0000"),
    ("2026-04-30T23:30:00-01:00", "2026-05-01T00:30:00+0000"),
    ("2026-05-01T00:30:00+02:00", "2026-04-30T22:30:00+0000"),
    ("2026-05-01T10:00:00 +01:00", "2026-05-01T09:00:00+0000"),
    ("2026-05-01T10:00:00", "2026-05-01T10:00:00+0000"),
    ("2026-05-01T10:00", "2026-05-01T10:00:00+0000"),
    ("2026-05-01 10:00:00", "2026-05-01T10:00:00+0000"),
    ("2026-05-01 10:00:00+01:00", "2026-05-01T09:00:00+0000"),
    ("2026-05-01T10:00:00.999999Z", "2026-05-01T10:00:00+0000"),
    ("2026-05-01T10:00:00.123456789+01:00", "2026-05-01T09:00:00+0000"),
    ("2026-05-01T10:00:00,5+02:00", "2026-05-01T08:00:00+0000"),
    ("  2026-05-01T10:00:00Z  ", "2026-05-01T10:00:00+0000"),
    ("2026-05-01", "2026-05-01T00:00:00+0000"),
    ("2024-02-29", "2024-02-29T00:00:00+0000"),
    ("now", "2026-05-04T12:00:00+0000"),
    ("NOW", "2026-05-04T12:00:00+0000"),
    ("-30s", "2026-05-04T11:59:30+0000"),
    ("-15m", "2026-05-04T11:45:00+0000"),
    ("-15M", "2026-05-04T11:45:00+0000"),
    ("- 15m", "2026-05-04T11:45:00+0000"),
    ("-24h", "2026-05-03T12:00:00+0000"),
    ("-7d", "2026-04-27T12:00:00+0000"),
    ("-2w", "2026-04-20T12:00:00+0000"),
    ("-0d", "2026-05-04T12:00:00+0000"),
])
def test_accepted_start_forms(text, expected):
    assert date_window(dict(start=text), now=FIXED_NOW) == dict(start=expected)


@pytest.mark.parametrize("text, expected", [
    ("2026-05-01", "2026-05-01T23:59:59+0000"),
    ("2026-05-01T10:00:00Z", "2026-05-01T10:00:00+0000"),
    ("2026-05-01T10:00", "2026-05-01T10:00:00+0000"),
    ("now", "2026-05-04T12:00:00+0000"),
    ("-1d", "2026-05-03T12:00:00+0000"),
])
def test_accepted_end_forms(text, expected):
    assert date_window(dict(end=text), now=FIXED_NOW) == dict(end=expected)


def test_now_drops_microseconds():
    now = FIXED_NOW.replace(microsecond=987654)
    assert parse_user_time("now", "start", now=now) == FIXED_NOW
    assert parse_user_time("-1m", "start", now=now) == FIXED_NOW - datetime.timedelta(minutes=1)


def test_parse_user_time_returns_aware_utc():
    value = parse_user_time("2026-05-01T10:00:00+02:00", "start")
    assert value == datetime.datetime(2026, 5, 1, 8, 0, 0, tzinfo=UTC)
    assert value.utcoffset() == datetime.timedelta(0)


def test_relative_forms_use_the_current_time_by_default(monkeypatch):
    monkeypatch.setattr(dates, "utcnow", lambda: FIXED_NOW)
    assert date_window(dict(start="-1h", end="now")) == dict(start="2026-05-04T11:00:00+0000", end="2026-05-04T12:00:00+0000")


@pytest.mark.parametrize("text, reason", [
    ("garbage", "cannot be read"),
    ("yesterday", "cannot be read"),
    ("2026/05/01", "cannot be read"),
    ("01-05-2026", "cannot be read"),
    ("2026-5-1", "cannot be read"),
    ("-5y", "cannot be read"),
    ("-d", "cannot be read"),
    ("-1.5h", "cannot be read"),
    ("2026-05-01T10", "cannot be read"),
    ("2026-05-01T10:00:00+1", "cannot be read"),
    ("2026-02-30", "is not a valid date"),
    ("2025-02-29", "is not a valid date"),
    ("2026-13-01", "is not a valid date"),
    ("2026-00-10", "is not a valid date"),
    ("2026-05-01T24:00:00Z", "is not a valid date"),
    ("2026-05-01T10:60:00Z", "is not a valid date"),
    ("2026-05-01T10:00:00+24:00", "is not a valid date"),
    ("2026-05-01T10:00:00+01:60", "is not a valid date"),
])
@pytest.mark.parametrize("option", ["start", "end"])
def test_rejected_forms_name_the_option(option, text, reason):
    with pytest.raises(MimecastOptionError) as caught:
        date_window({option: text}, now=FIXED_NOW)
    assert caught.value.option == option
    assert caught.value.message.startswith("%s '%s' %s (" % (option, text, reason))
    assert caught.value.message.endswith("; use %s" % FORMS_HELP)


@pytest.mark.parametrize("text, written", [("5d", "-5d"), ("+5d", "-5d"), ("24h", "-24h"), ("1h30m", "-1h30m"), ("+ 2w", "-2w")])
@pytest.mark.parametrize("option", ["start", "end"])
def test_a_relative_time_without_its_minus_says_how_to_write_it(option, text, written):
    with pytest.raises(MimecastOptionError) as caught:
        date_window({option: text}, now=FIXED_NOW)
    assert caught.value.option == option
    assert caught.value.message.startswith("%s '%s' is not a time: relative times count back from now and start with a minus, "
                                           "as in %s;" % (option, text, written))


@pytest.mark.parametrize("text, expected", [
    ("-1h30m", "2026-05-04T10:30:00+0000"),
    ("-1d12h", "2026-05-03T00:00:00+0000"),
    ("-1w2d", "2026-04-25T12:00:00+0000"),
    ("- 1h 30m", "2026-05-04T10:30:00+0000"),
    ("-90s", "2026-05-04T11:58:30+0000"),
])
def test_compound_relative_times(text, expected):
    assert date_window(dict(start=text), now=FIXED_NOW) == dict(start=expected)


@pytest.mark.parametrize("text", ["", " ", "\t\n"])
@pytest.mark.parametrize("option", ["start", "end"])
def test_empty_values_are_rejected(option, text):
    with pytest.raises(MimecastOptionError) as caught:
        date_window({option: text}, now=FIXED_NOW)
    assert caught.value.option == option
    assert caught.value.message == "%s must not be empty; use %s" % (option, FORMS_HELP)


def test_a_long_bad_value_is_cut_in_the_message():
    text = "x" * 200
    with pytest.raises(MimecastOptionError) as caught:
        parse_user_time(text, "start", now=FIXED_NOW)
    assert "'%s'" % ("x" * 64) in caught.value.message
    assert "x" * 65 not in caught.value.message


def test_relative_time_too_far_back_is_an_option_error():
    with pytest.raises(MimecastOptionError) as caught:
        parse_user_time("-999999w", "start", now=FIXED_NOW)
    assert caught.value.option == "start"
    assert caught.value.message == "start '-999999w' reaches too far back"


@pytest.mark.parametrize("text", ["-9999999999d", "-1000000000d", "-99999999999999999999s"])
def test_huge_relative_amount_is_an_option_error(text):
    with pytest.raises(MimecastOptionError) as caught:
        parse_user_time(text, "start", now=FIXED_NOW)
    assert caught.value.option == "start"


def test_end_before_start_fails_on_end():
    with pytest.raises(MimecastOptionError) as caught:
        date_window(dict(start="2026-05-02", end="2026-05-01"), now=FIXED_NOW)
    assert caught.value.option == "end"
    assert caught.value.message == "end (2026-05-01T23:59:59+0000) is before start (2026-05-02T00:00:00+0000)"


def test_end_before_start_compares_instants_not_text():
    # 10:00+02:00 is 08:00 UTC, before a start of 09:00 UTC.
    with pytest.raises(MimecastOptionError) as caught:
        date_window(dict(start="2026-05-01T09:00:00Z", end="2026-05-01T10:00:00+02:00"), now=FIXED_NOW)
    assert caught.value.option == "end"


def test_same_day_window_and_equal_bounds_are_accepted():
    assert date_window(dict(start="2026-05-01", end="2026-05-01"), now=FIXED_NOW) == dict(
        start="2026-05-01T00:00:00+0000", end="2026-05-01T23:59:59+0000")
    assert date_window(dict(start="now", end="now"), now=FIXED_NOW) == dict(
        start="2026-05-04T12:00:00+0000", end="2026-05-04T12:00:00+0000")


def test_absent_bounds_are_left_out():
    assert date_window(dict(start=None, end=None), now=FIXED_NOW) == {}
    assert date_window({}, now=FIXED_NOW) == {}


def test_to_mimecast_converts_to_utc_without_fraction():
    moment = datetime.datetime(2026, 5, 1, 10, 0, 5, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert to_mimecast(moment) == "2026-05-01T08:00:05+0000"


def test_to_mimecast_pads_the_year():
    assert to_mimecast(datetime.datetime(999, 1, 1, tzinfo=UTC)) == "0999-01-01T00:00:00+0000"


@pytest.mark.parametrize("text, expected", [
    ("2026-05-01T10:00:00+0000", datetime.datetime(2026, 5, 1, 10, 0, 0, tzinfo=UTC)),
    ("2026-05-01T10:00:00Z", datetime.datetime(2026, 5, 1, 10, 0, 0, tzinfo=UTC)),
    ("2026-05-01T12:00:00+02:00", datetime.datetime(2026, 5, 1, 10, 0, 0, tzinfo=UTC)),
    ("2026-05-01T10:00:00.250+0000", datetime.datetime(2026, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)),
    ("2026-05-01", datetime.datetime(2026, 5, 1, 0, 0, 0, tzinfo=UTC)),
])
def test_parse_api_time_reads_mimecast_timestamps(text, expected):
    assert parse_api_time(text) == expected


@pytest.mark.parametrize("value", [None, "", "garbage", "2026-02-30T10:00:00+0000", 1746093600, ["2026-05-01"], "0001-01-01T00:00:00+01:00"])
def test_parse_api_time_gives_none_for_absent_or_unreadable(value):
    assert parse_api_time(value) is None


@given(st.datetimes(min_value=datetime.datetime(1971, 1, 1), max_value=datetime.datetime(2100, 12, 31),
                    timezones=st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
                        lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes)))))
def test_any_iso_offset_round_trips_to_the_same_utc_instant(moment):
    expected = moment.astimezone(UTC).replace(microsecond=0)
    text = moment.isoformat()
    result = date_window(dict(start=text), now=FIXED_NOW)["start"]
    assert MIMECAST_SHAPE.match(result)
    assert result == expected.strftime("%Y-%m-%dT%H:%M:%S+0000")


def test_digits_of_other_scripts_are_not_read_as_a_date():
    with pytest.raises(MimecastOptionError) as caught:
        parse_user_time(u"\uff12\uff10\uff12\uff16-05-01", "start")
    assert caught.value.option == "start"


# -- one duration grammar: the modules' relative times and the compliance role's ages ---------------------------

DURATION_PARTS = st.lists(st.tuples(st.integers(0, 400), st.sampled_from("smhdw"), st.sampled_from(["", " "])),
                          min_size=1, max_size=4)


@given(DURATION_PARTS, st.booleans())
def test_a_relative_start_and_a_role_age_read_one_duration_the_same_way(parts, upper):
    from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.ages import parse_age

    text = "".join("%d%s%s" % (amount, unit.upper() if upper else unit, space) for amount, unit, space in parts).strip()
    seconds = sum(amount * dict(s=1, m=60, h=3600, d=86400, w=604800)[unit] for amount, unit, _space in parts)
    assert dates.duration_seconds(text) == seconds
    assert parse_age(text, "mail_flow_compliance_max_held_age") == seconds
    assert parse_user_time("-" + text, "start", now=FIXED_NOW) == FIXED_NOW.replace(microsecond=0) - datetime.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "1", "1x", "h1", "1.5h", "-1h", "1h-", "\u0661h", "1h 30"])
def test_anything_else_is_no_duration_for_either(text):
    from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.ages import SettingsError, parse_age

    assert dates.duration_seconds(text) is None
    with pytest.raises(SettingsError):
        parse_age(text, "mail_flow_compliance_max_held_age")
