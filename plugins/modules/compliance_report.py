#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# The documentation of the action plugin plugins/action/compliance_report.py, which does the work on the controller.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: compliance_report
short_description: Write a mail flow compliance report's files on the controller
version_added: 1.1.0
description:
  - Writes one account's report from P(mimecast.gateway.compliance_evaluate#filter), or the aggregate over several,
    as one file per format in O(directory), rendered as P(mimecast.gateway.compliance_render#filter) renders them.
  - Each file is C(<name>.json), C(<name>.junit.xml), C(<name>.md) or C(<name>.html), written only when its content
    or mode differs, through a temporary file and a rename, so a reader never sees half a report.
  - Removes the files of the formats not asked for (see O(remove_other_formats)), so that no report of an earlier
    run is left looking current.
  - Runs on the controller, whatever the task's host or C(delegate_to), and calls no module; a report and all its
    formats take one task, not a file module per file. The C(mimecast.gateway.mail_flow_compliance) role writes
    its reports with it.
author:
  - mimecast.gateway contributors (@mimecast-gateway)
options:
  report:
    description:
      - One account's report (a dict), or a list of them for the aggregate, as made by
        P(mimecast.gateway.compliance_evaluate#filter).
    type: raw
    required: true
  directory:
    description:
      - The directory to write the files in, on the controller. Created (mode C(0755)) when missing.
    type: path
    required: true
  name:
    description:
      - The files' name, without extension or directory.
      - Defaults to the report's C(file_stem) (the account's name made safe for a file name) for one account's
        report, and to V(aggregate) for a list.
    type: str
  formats:
    description:
      - The formats to write.
    type: list
    elements: str
    choices: [json, junit, markdown, html]
    default: [json, junit, markdown, html]
  missing:
    description:
      - For the aggregate, names of accounts that have no report because the play failed for them before their
        checks ran. Each shows as an account in error.
    type: list
    elements: str
    default: []
  remove_other_formats:
    description:
      - Remove C(<name>.*) files of the formats not in O(formats), when they exist.
    type: bool
    default: true
  mode:
    description:
      - The files' permissions, as an octal number such as V("0640"). Quote it; an unquoted V(0640) is read by YAML
        as the same octal number and works too.
    type: raw
    default: "0644"
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  become:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Reports which files would be written or removed, and writes nothing.
  connection:
    support: none
  delegation:
    support: none
    details:
      - The files are always written on the controller.
  diff_mode:
    support: full
    details:
      - Shows each file's content before and after; an HTML page (long lines of inline SVG), or a file above the diff
        size limit, only by its size.
  platform:
    platforms: posix
notes:
  - The report holds counts and ages only, never message subjects or addresses, and no credential.
seealso:
  - plugin: mimecast.gateway.compliance_evaluate
    plugin_type: filter
  - plugin: mimecast.gateway.compliance_render
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Write one account's reports in every format
  mimecast.gateway.compliance_report:
    report: "{{ report }}"
    directory: /var/tmp/compliance/accounts

- name: Write the aggregate over the play's accounts as JSON and JUnit XML only, removing older HTML and Markdown
  mimecast.gateway.compliance_report:
    report: "{{ ansible_play_hosts | map('extract', hostvars, 'report') | list }}"
    directory: /var/tmp/compliance
    formats: [json, junit]
  run_once: true
"""

RETURN = r"""
files:
  description: The files of the formats asked for, written now or already current.
  returned: always
  type: list
  elements: str
  sample: ["/var/tmp/compliance/accounts/acme.json", "/var/tmp/compliance/accounts/acme.junit.xml"]
written:
  description: The files written (in check mode, that would be written), because their content or mode differed.
  returned: always
  type: list
  elements: str
  sample: ["/var/tmp/compliance/accounts/acme.json"]
removed:
  description: The files of other formats removed (in check mode, that would be removed).
  returned: always
  type: list
  elements: str
  sample: ["/var/tmp/compliance/accounts/acme.html"]
"""
