# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One account's report, or the aggregate of several, in any report format."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.html_renderer import render_html
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.model import document
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.text_renderers import (
    render_json,
    render_junit,
    render_markdown,
    render_text,
)


RENDERERS = dict(json=render_json, junit=render_junit, markdown=render_markdown, html=render_html, text=render_text)


def render(data, fmt, now=None, missing=None):
    """Render one account's report (a dict) or several (a list: the aggregate) as ``fmt``.

    ``missing`` names accounts without a report; the aggregate shows each as an error row.
    """
    if fmt not in RENDERERS:
        raise ValueError("unknown report format %r; use one of %s" % (fmt, ", ".join(sorted(RENDERERS))))
    return RENDERERS[fmt](document(data, now, missing))


def reports_of(data):
    """The reports in ``data``, one account's (a dict) or several (a list); ValueError says what else it is."""
    if isinstance(data, dict):
        reports = [data]
    elif isinstance(data, (list, tuple)):
        reports = list(data)
    else:
        raise ValueError("expects a report or a list of reports, got %s" % type(data).__name__)
    for report in reports:
        if not isinstance(report, dict) or "checks" not in report or "account" not in report:
            raise ValueError("expects reports made by mimecast.gateway.compliance_evaluate")
    return reports


def render_reports(data, fmt, missing=None):
    """``data`` checked, then rendered: a dict alone as one account's report, otherwise as the aggregate."""
    reports = reports_of(data)
    if isinstance(data, dict) and not missing:
        return render(data, fmt)
    return render(reports, fmt, missing=[str(name) for name in missing or []])
