# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A report's files on the controller, behind the ``compliance_report`` action.

One file per format asked for, ``<directory>/<name>.<extension>``, written only when its content or mode
differs, each by a rename so a reader never sees half a report; and the files of the other formats removed, so
none of an earlier run is left looking current. ``plan`` decides, ``apply`` writes: check mode is a plan alone.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import stat
import tempfile

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.render import render_reports, reports_of
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.settings import EXTENSIONS, FORMATS, file_stem

DEFAULT_MODE = "0644"
AGGREGATE_NAME = "aggregate"
# A name is one file name without its extension: never a path, never hidden.
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
_MODE = re.compile(r"^0?[0-7]{3}$")


class ReportFileError(ValueError):
    """An option the files cannot be written with; the message names it."""


class FileChange(object):
    """One file of the plan: ``content`` to write (bytes), or None to remove it."""

    def __init__(self, path, fmt, content, before):
        self.path = path
        self.format = fmt
        self.content = content
        self.before = before  # (bytes, mode) of the file as it is, or None when absent

    def acts(self, mode):
        """Whether applying the plan touches this file: a removal of a file there is, or new content or mode."""
        if self.content is None:
            return self.before is not None
        return self.before != (self.content, mode)


def parse_mode(mode):
    """The mode as an int: an octal string (``"0644"``, ``"644"``), or an int as YAML reads an unquoted 0644 (420).

    ReportFileError names the option."""
    if isinstance(mode, int) and not isinstance(mode, bool) and 0 <= mode <= 0o777:
        return mode
    if isinstance(mode, str) and _MODE.match(mode):
        return int(mode, 8)
    raise ReportFileError("mode must be an octal file mode such as 0644 or 0640, not %r" % (mode,))


def default_name(report):
    """The file name of one account's report (its ``file_stem``), or ``aggregate`` for several."""
    if isinstance(report, dict):
        return report.get("file_stem") or file_stem(str(report.get("account") or "account"))
    return AGGREGATE_NAME


def plan(report, directory, formats, name=None, missing=None, remove_other_formats=True):
    """The FileChanges for ``report`` in ``directory``: every format asked for, then the others to remove."""
    reports_of(report)
    name = default_name(report) if name is None else str(name)
    if not _NAME.match(name):
        raise ReportFileError("name must be a file name without a directory, such as acme or aggregate, not %r" % name)
    unknown = [str(fmt) for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ReportFileError("formats: unknown format(s) %s; use any of %s" % (", ".join(unknown), ", ".join(FORMATS)))
    changes = []
    for fmt in FORMATS:
        path = os.path.join(directory, "%s.%s" % (name, EXTENSIONS[fmt]))
        if fmt in formats:
            content = render_reports(report, fmt, missing).encode("utf-8")
        elif remove_other_formats:
            content = None
        else:
            continue
        changes.append(FileChange(path, fmt, content, _current(path)))
    return changes


def _current(path):
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ReportFileError("%s exists and is not a regular file" % path)
            return handle.read(), stat.S_IMODE(info.st_mode)
    except (IOError, OSError) as error:
        if not os.path.lexists(path):
            return None
        if os.path.isdir(path):
            raise ReportFileError("%s exists and is a directory, not a report file" % path)
        raise ReportFileError("cannot read %s: %s" % (path, error.strerror or error))


def outcome(changes, mode, diff=False, max_diff_size=None):
    """What the plan does: ``changed``, ``files``, ``written`` and ``removed``, and ``diff`` when asked for."""
    files = [change.path for change in changes if change.content is not None]
    acted = [change for change in changes if change.acts(mode)]
    result = dict(changed=bool(acted), files=files,
                  written=[change.path for change in acted if change.content is not None],
                  removed=[change.path for change in acted if change.content is None])
    if diff:
        result["diff"] = [_diff(change, max_diff_size) for change in acted]
    return result


def apply(changes, mode):
    """Write and remove what the plan says, creating the directory (0755) if needed."""
    for change in changes:
        if not change.acts(mode):
            continue
        try:
            if change.content is None:
                os.remove(change.path)
            else:
                _write(change.path, change.content, mode)
        except (IOError, OSError) as error:
            verb = "remove" if change.content is None else "write"
            raise ReportFileError("cannot %s %s: %s" % (verb, change.path, error.strerror or error))


def _write(path, content, mode):
    directory = os.path.dirname(path)
    # exist_ok: the accounts of one play write into one directory from parallel forks.
    os.makedirs(directory, 0o755, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, mode)
        os.rename(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _diff(change, max_diff_size):
    before = change.before[0] if change.before else b""
    after = change.content or b""
    return dict(before_header=change.path if change.before else "%s (absent)" % change.path,
                after_header=change.path if change.content is not None else "%s (absent)" % change.path,
                before=_shown(before, change.format, max_diff_size), after=_shown(after, change.format, max_diff_size))


def _shown(content, fmt, max_diff_size):
    """The text a diff shows of a file: an HTML page (lines of inline SVG) or a large file only by its size."""
    if content and fmt == "html":
        return "(an HTML page of %d bytes, not shown: the other formats hold the same results)\n" % len(content)
    if max_diff_size and len(content) > max_diff_size:
        return "(%d bytes, more than the %d a diff shows)\n" % (len(content), max_diff_size)
    return content.decode("utf-8", "replace")
