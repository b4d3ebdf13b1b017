# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A report's files, as the compliance_report action writes them: a plan, what it changes, and the writing."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import stat

import pytest

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance import report_files
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.checks import evaluate
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.render import render
from ansible_collections.mimecast.gateway.tests.unit.plugins.plugin_utils.compliance_fixtures import (
    NOW,
    held_result,
    processing_result,
    settings,
)

ALL = ("json", "junit", "markdown", "html")
ACME_FILES = ["acme.json", "acme.junit.xml", "acme.md", "acme.html"]


@pytest.fixture
def report():
    return evaluate(settings(account="acme"), held=held_result(("spam", "INBOUND", 2, "")),
                    processing=processing_result((1, 1)), now=NOW)


def write(report, folder, formats=ALL, mode=0o644, **options):
    changes = report_files.plan(report, str(folder), formats, **options)
    result = report_files.outcome(changes, mode, diff=True)
    report_files.apply(changes, mode)
    return result


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_every_format_is_written_as_the_filter_renders_it(report, tmp_path):
    result = write(report, tmp_path / "accounts")
    assert sorted(os.listdir(str(tmp_path / "accounts"))) == sorted(ACME_FILES)
    assert result["changed"] and result["removed"] == []
    assert result["files"] == result["written"] == [str(tmp_path / "accounts" / name) for name in ACME_FILES]
    for fmt, name in zip(ALL, ACME_FILES):
        assert (tmp_path / "accounts" / name).read_text() == render(report, fmt)
        assert mode_of(tmp_path / "accounts" / name) == 0o644
    assert not [name for name in os.listdir(str(tmp_path / "accounts")) if name.endswith(".tmp")]


def test_a_second_run_with_the_same_report_changes_nothing(report, tmp_path):
    write(report, tmp_path)
    before = dict((name, os.stat(str(tmp_path / name)).st_ino) for name in ACME_FILES)
    result = write(report, tmp_path)
    assert (result["changed"], result["written"], result["removed"], result["diff"]) == (False, [], [], [])
    assert result["files"] == [str(tmp_path / name) for name in ACME_FILES]
    assert dict((name, os.stat(str(tmp_path / name)).st_ino) for name in ACME_FILES) == before, "no file was rewritten"


def test_a_new_report_replaces_the_files_and_the_diff_shows_both(report, tmp_path):
    write(report, tmp_path, formats=["json"])
    later = dict(report, generated="2026-05-04T13:00:00Z")
    result = write(later, tmp_path, formats=["json"])
    assert result["written"] == [str(tmp_path / "acme.json")]
    assert json.loads((tmp_path / "acme.json").read_text())["generated"] == "2026-05-04T13:00:00Z"
    (diff,) = result["diff"]
    assert diff["before_header"] == diff["after_header"] == str(tmp_path / "acme.json")
    assert diff["before"] == render(report, "json") and diff["after"] == render(later, "json")


def test_other_formats_an_earlier_run_wrote_are_removed_unless_told_to_keep_them(report, tmp_path):
    write(report, tmp_path)
    kept = write(report, tmp_path, formats=["json"], remove_other_formats=False)
    assert (kept["changed"], kept["removed"]) == (False, [])
    assert sorted(os.listdir(str(tmp_path))) == sorted(ACME_FILES)
    result = write(report, tmp_path, formats=["json"])
    assert result["changed"] and result["written"] == []
    assert result["removed"] == [str(tmp_path / name) for name in ACME_FILES[1:]]
    assert os.listdir(str(tmp_path)) == ["acme.json"]
    assert [(diff["before_header"], diff["after_header"], diff["after"]) for diff in result["diff"]][0] == (
        str(tmp_path / "acme.junit.xml"), str(tmp_path / "acme.junit.xml") + " (absent)", "")


def test_a_file_of_another_name_is_left_alone(report, tmp_path):
    (tmp_path / "acme.csv").write_text("mine")
    (tmp_path / "globex.json").write_text("{}")
    write(report, tmp_path, formats=["json"])
    assert sorted(os.listdir(str(tmp_path))) == ["acme.csv", "acme.json", "globex.json"]


def test_a_plan_alone_writes_nothing_as_in_check_mode(report, tmp_path):
    changes = report_files.plan(report, str(tmp_path / "new"), ALL)
    result = report_files.outcome(changes, 0o644)
    assert result["changed"] and len(result["written"]) == 4 and "diff" not in result
    assert not (tmp_path / "new").exists()


def test_a_mode_change_alone_rewrites_the_file(report, tmp_path):
    write(report, tmp_path, formats=["json"])
    result = write(report, tmp_path, formats=["json"], mode=0o640)
    assert result["written"] == [str(tmp_path / "acme.json")] and mode_of(tmp_path / "acme.json") == 0o640
    assert report_files.parse_mode("0640") == report_files.parse_mode("640") == 0o640
    # YAML reads an unquoted 0640 as the octal number it is: the int is the mode, not its decimal digits read as octal.
    assert report_files.parse_mode(0o640) == 0o640


def test_one_account_s_report_without_a_file_stem_is_named_after_its_account(report, tmp_path):
    report.pop("file_stem")
    result = write(dict(report, account="Contoso EU/prod"), tmp_path, formats=["json"])
    assert result["files"] == [str(tmp_path / "Contoso_EU_prod.json")]


def test_the_aggregate_is_named_aggregate_and_shows_the_missing_accounts(report, tmp_path):
    result = write([report], tmp_path, formats=["json"], missing=["initech"])
    assert result["files"] == [str(tmp_path / "aggregate.json")]
    aggregate = json.loads((tmp_path / "aggregate.json").read_text())
    assert [(item["account"], item["status"]) for item in aggregate["accounts"]] == [("acme", "passed"), ("initech", "error")]


def test_a_large_file_is_described_in_the_diff_not_shown(report, tmp_path):
    changes = report_files.plan(report, str(tmp_path), ["json"])
    (diff,) = report_files.outcome(changes, 0o644, diff=True, max_diff_size=100)["diff"]
    assert diff["before"] == "" and diff["before_header"] == str(tmp_path / "acme.json") + " (absent)"
    assert diff["after"] == "(%d bytes, more than the 100 a diff shows)\n" % len(render(report, "json").encode("utf-8"))


def test_an_html_page_is_never_shown_in_the_diff_whatever_its_size(report, tmp_path):
    write(report, tmp_path, formats=["html"])
    later = dict(report, generated="2026-05-04T13:00:00Z")
    (diff,) = report_files.outcome(report_files.plan(later, str(tmp_path), ["html"]), 0o644, diff=True)["diff"]
    sizes = [len(render(data, "html").encode("utf-8")) for data in (report, later)]
    assert [diff["before"], diff["after"]] == [
        "(an HTML page of %d bytes, not shown: the other formats hold the same results)\n" % size for size in sizes]


@pytest.mark.parametrize("call, words", [
    (lambda report, folder: report_files.plan(report, folder, ALL, name="../acme"),
     "name must be a file name without a directory, such as acme or aggregate, not '../acme'"),
    (lambda report, folder: report_files.plan(report, folder, ALL, name=".hidden"), "name must be a file name"),
    (lambda report, folder: report_files.plan(report, folder, ["json", "pdf"]), "formats: unknown format(s) pdf"),
    (lambda report, folder: report_files.plan("a report", folder, ALL), "expects a report or a list of reports, got str"),
    (lambda report, folder: report_files.plan([{"account": "acme"}], folder, ALL),
     "expects reports made by mimecast.gateway.compliance_evaluate"),
    (lambda report, folder: report_files.parse_mode("rw-r--r--"), "mode must be an octal file mode such as 0644 or 0640, not 'rw-r--r--'"),
    (lambda report, folder: report_files.parse_mode("0999"), "mode must be an octal file mode"),
    (lambda report, folder: report_files.parse_mode(True), "mode must be an octal file mode"),
    (lambda report, folder: report_files.parse_mode(0o10000), "mode must be an octal file mode"),
])
def test_bad_options_say_which(report, tmp_path, call, words):
    with pytest.raises(ValueError) as raised:
        call(report, str(tmp_path))
    assert words in str(raised.value)


def test_a_directory_where_a_report_goes_is_an_error_naming_it(report, tmp_path):
    (tmp_path / "acme.json").mkdir()
    with pytest.raises(report_files.ReportFileError) as raised:
        report_files.plan(report, str(tmp_path), ["json"])
    assert str(raised.value) == "%s exists and is a directory, not a report file" % (tmp_path / "acme.json")


def test_a_directory_that_cannot_be_made_is_an_error_naming_the_file(report, tmp_path):
    (tmp_path / "accounts").write_text("a file, not a directory")
    changes = report_files.plan(report, str(tmp_path / "accounts"), ["json"])
    with pytest.raises(report_files.ReportFileError) as raised:
        report_files.apply(changes, 0o644)
    assert str(raised.value).startswith("cannot write %s: " % (tmp_path / "accounts" / "acme.json"))
