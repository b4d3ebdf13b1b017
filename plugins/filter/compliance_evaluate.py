# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: compliance_evaluate
short_description: Turn Mimecast queue facts and thresholds into one account's compliance report
version_added: 1.0.0
author:
  - mimecast.gateway contributors (@mimecast-gateway)
description:
  - Evaluates the checks of the C(mimecast.gateway.mail_flow_compliance) role for one Mimecast account, from the
    registered results of M(mimecast.gateway.mimecast_hold_info), M(mimecast.gateway.mimecast_processing_info)
    and a loop of M(mimecast.gateway.mimecast_track_info) probes.
  - Each check is V(passed), V(failed), V(error) (its data could not be read) or V(skipped) (turned off).
  - A module result that holds no summary (a failure registered with C(failed_when=false)) makes its checks
    V(error), with the module's message, so one unreachable account still shows in the reports.
  - A result Mimecast refused (C(error_type=MimecastAuthenticationError), for wrong credentials or a bad signature)
    stops the account instead; its report is in error with one reason, naming Mimecast's error code, and no check.
    The role makes no API call after a refused one.
  - The report holds counts and ages only, never message subjects or addresses.
options:
  _input:
    description:
      - The C(settings) returned by P(mimecast.gateway.compliance_settings#filter).
    type: dict
    required: true
  held:
    description:
      - The registered result of M(mimecast.gateway.mimecast_hold_info). Leave out when no held check is on.
    type: dict
  processing:
    description:
      - The registered result of M(mimecast.gateway.mimecast_processing_info). Leave out when no processing check is on.
    type: dict
  probes:
    description:
      - The C(results) of the loop of M(mimecast.gateway.mimecast_track_info) over the settings' probes; each
        result's C(item) must be the probe it ran.
    type: list
    elements: dict
    default: []
  stopped:
    description:
      - Why the account stopped before its checks, for example the errors of
        P(mimecast.gateway.compliance_settings#filter). The report is then in error with this reason alone, and
        the module results are not read; only C(account) (and C(file_stem)) of the settings are needed.
    type: str
seealso:
  - plugin: mimecast.gateway.compliance_settings
    plugin_type: filter
  - plugin: mimecast.gateway.compliance_render
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Evaluate the checks
  ansible.builtin.set_fact:
    report: >-
      {{ checked.settings | mimecast.gateway.compliance_evaluate(held=held, processing=queue, probes=probe_runs.results) }}

- name: Show the failing checks
  ansible.builtin.debug:
    msg: "{{ report.checks | selectattr('status', 'in', ['failed', 'error']) | map(attribute='message') | list }}"
"""

RETURN = r"""
_value:
  description: One account's report.
  type: dict
  contains:
    account:
      description: The account's name.
      type: str
      sample: contoso-eu
    status:
      description: V(passed), V(failed) (a check failed) or V(error) (a check could not be evaluated, or the account stopped).
      type: str
      sample: failed
    stopped:
      description:
        - Whether the account stopped before its checks (O(stopped) was given, or Mimecast refused the credentials).
          Its one check, C(checked), is then in error with the reason as its message.
      type: bool
      sample: false
    error:
      description: Why the account is in error, each distinct reason once; V(null) when it is not.
      type: str
      sample: "Mimecast refused the credentials (invalid_client) while reading the held messages; no further API call was made: ..."
    warnings:
      description: Warnings about the settings, such as a probe's expected status no message tracking status is known to match.
      type: list
      elements: str
    counts:
      description: How many checks passed, failed, were in error or were turned off (V(skipped)).
      type: dict
      sample: {"passed": 6, "failed": 2, "error": 0, "skipped": 1}
    checks:
      description:
        - Every check, in a fixed order, each with C(id), C(category), C(name), C(status), C(observed), C(limit),
          C(observed_text), C(limit_text) and C(message).
        - A probe check (C(category) V(probe)) observes the status of the newest matching message; its C(limit) is the
          probe's C(expected_status), lowercased (a list when several were given), and its C(accepted_statuses) lists
          every status that passes, V(delivered) standing for V(archived) and V(delivered).
      type: list
      elements: dict
      sample:
        - {"id": "held_total", "category": "held", "name": "Held messages", "status": "failed", "observed": 12,
           "limit": 10, "observed_text": "12", "limit_text": "10", "message": "12 held, at most 10 allowed"}
        - {"id": "probe:canary", "category": "probe", "name": "Probe canary", "status": "passed", "observed": "archived",
           "limit": "delivered", "accepted_statuses": ["archived", "delivered"], "observed_text": "archived",
           "limit_text": "delivered (archived or delivered)",
           "message": "status archived, expected delivered (archived or delivered); received 2026-11-22T16:02:11+0000, route outbound"}
    held:
      description: Tallies of the held queue (count, C(by_reason_code), C(by_route), oldest, C(age_histogram)).
      type: dict
    processing:
      description: Tallies of the processing queue (count, C(by_route), C(by_info), C(max_attempts), oldest, C(age_histogram)).
      type: dict
    age_buckets:
      description: Labels of the age histogram buckets.
      type: list
      elements: str
      sample: ["< 1h", "1h-6h", "6h-24h", "1d-3d", "3d-7d", ">= 7d"]
    generated:
      description: When the report was made, in UTC.
      type: str
      sample: "2026-11-22T17:05:00Z"
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.checks import evaluate


def compliance_evaluate(settings, held=None, processing=None, probes=None, stopped=None):
    if not isinstance(settings, dict) or "account" not in settings:
        raise AnsibleFilterError("compliance_evaluate expects the settings returned by mimecast.gateway.compliance_settings")
    return evaluate(settings, held=held, processing=processing, probe_results=probes or [], stopped=stopped)


class FilterModule(object):
    def filters(self):
        return dict(compliance_evaluate=compliance_evaluate)
