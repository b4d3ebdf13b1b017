# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: compliance_settings
short_description: Check and normalise the mail_flow_compliance role's variables
version_added: 1.0.0
author:
  - mimecast.gateway contributors (@mimecast-gateway)
description:
  - Reads the variables of the C(mimecast.gateway.mail_flow_compliance) role, given as a dict of full variable
    names to values, and returns them normalised (ages such as V(24h) in seconds, probe defaults filled in, the
    report directory made absolute), together with the list of everything wrong with them.
  - Each error names the variable at fault, so the role can stop before any API call.
  - A probe's expected status that message tracking is not known to report (a typo such as V(deliverd)) is a
    warning, not an error, naming the probe and the closest known status.
  - The role calls this filter itself; it is public so other roles can reuse the same checks.
options:
  _input:
    description:
      - The role's variables, as a dict of full variable name (C(mail_flow_compliance_max_held)) to value.
    type: dict
    required: true
  defined_names:
    description:
      - Every variable name in scope, for example from C(query('ansible.builtin.varnames', '^mail_flow_compliance_')).
      - Names that carry the role's prefix but are not among its variables are reported as probable typos.
    type: list
    elements: str
    default: []
  cwd:
    description:
      - The directory a relative C(mail_flow_compliance_report_dir) is resolved against.
      - Defaults to the directory C(ansible-playbook) runs in.
    type: str
seealso:
  - plugin: mimecast.gateway.compliance_evaluate
    plugin_type: filter
  - plugin: mimecast.gateway.compliance_render
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Check the thresholds before calling Mimecast
  ansible.builtin.set_fact:
    checked: >-
      {{ {'mail_flow_compliance_max_held': 100, 'mail_flow_compliance_max_held_age': '24h'}
         | mimecast.gateway.compliance_settings }}

- name: Stop on the first mistake, naming every variable at fault
  ansible.builtin.assert:
    that: checked.errors | length == 0
    fail_msg: "{{ checked.errors | join('; ') }}"
"""

RETURN = r"""
_value:
  description: The list of errors (empty when all is well) and the normalised settings.
  type: dict
  contains:
    errors:
      description: One message per mistake, each naming the variable at fault.
      type: list
      elements: str
      sample: ["mail_flow_compliance_max_held_age 'a day' is not an age; give an age such as 30m, 24h, 2d or 1w"]
    warnings:
      description: Things that are allowed but probably wrong, each naming the variable and the probe.
      type: list
      elements: str
      sample: ["mail_flow_compliance_probes[0].expected_status (probe canary): 'deliverd' is not a message tracking status
               Mimecast is known to report, so the probe may never pass; did you mean delivered?"]
    settings:
      description:
        - The variables without their prefix, normalised; ages (C(max_held_age), C(max_processing_age)) in seconds,
          V(null) for a check that is turned off. Complete only when RV(_value.errors) is empty.
        - C(report_files) lists the files to write, C(other_report_files) those of the formats not asked for.
          Both are given whenever the account, the report directory and the formats are readable, even with
          errors, so an account stopped by its variables still gets a fresh report.
      type: dict
      sample: {"max_held": 100, "max_held_age": 86400, "report_formats": ["json", "html"], "read_held": true}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.settings import check_settings


def compliance_settings(given, defined_names=None, cwd=None):
    if not isinstance(given, dict):
        raise AnsibleFilterError("compliance_settings expects a dict of the role's variables, got %s" % type(given).__name__)
    return check_settings(given, defined_names=defined_names or [], cwd=cwd)


class FilterModule(object):
    def filters(self):
        return dict(compliance_settings=compliance_settings)
