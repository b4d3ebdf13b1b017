# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: compliance_render
short_description: Write a mail flow compliance report as JSON, JUnit XML, Markdown, HTML or a text table
version_added: 1.0.0
author:
  - mimecast.gateway contributors (@mimecast-gateway)
description:
  - Renders one account's report from P(mimecast.gateway.compliance_evaluate#filter), or a list of them as the
    aggregate over several accounts, with one row per account.
  - V(json) is the full report; V(junit) has one testsuite per account and one testcase per check, as GitLab,
    Jenkins and GitHub read it; V(markdown) suits a merge-request comment or a ticket; V(html) is a self-contained
    page with the pass/fail table, a bar chart of held messages by reason and an age histogram of the held and
    processing queues, as inline SVG with no external asset; V(text) is a short table for a terminal.
  - The aggregate counts accounts with failing checks apart from accounts in error (stopped, or a check that could
    not be evaluated), and each account's row gives its failing checks and why it is in error.
options:
  _input:
    description:
      - One account's report (a dict), or a list of reports for the aggregate.
    type: raw
    required: true
  format:
    description:
      - The output format.
    type: str
    required: true
    choices: [json, junit, markdown, html, text]
  missing:
    description:
      - For the aggregate, names of accounts that have no report because the play failed for them before their
        checks ran. Each shows as an account in error, so the aggregate still covers every account.
    type: list
    elements: str
    default: []
seealso:
  - plugin: mimecast.gateway.compliance_evaluate
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Write the HTML report
  ansible.builtin.copy:
    content: "{{ report | mimecast.gateway.compliance_render('html') }}"
    dest: /var/tmp/compliance.html
    mode: "0644"

- name: Print a table of every account's checks, one line each (readable with the default callback)
  ansible.builtin.debug:
    msg: "{{ (ansible_play_hosts | map('extract', hostvars, 'report') | list | mimecast.gateway.compliance_render('text')).splitlines() }}"
"""

RETURN = r"""
_value:
  description: The report as text in the format asked for.
  type: str
  sample: "Mail flow compliance ERROR: 2 accounts checked: 0 passed, 1 with failing checks, 1 in error"
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.render import RENDERERS, render_reports


def compliance_render(data, format, missing=None):  # pylint: disable=redefined-builtin
    if format not in RENDERERS:
        raise AnsibleFilterError("compliance_render: unknown format %r; use one of %s" % (format, ", ".join(sorted(RENDERERS))))
    try:
        return render_reports(data, format, missing)
    except ValueError as error:
        raise AnsibleFilterError("compliance_render %s" % error)


class FilterModule(object):
    def filters(self):
        return dict(compliance_render=compliance_render)
