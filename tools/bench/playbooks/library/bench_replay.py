# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: bench_replay
short_description: Return a saved module result, to measure what Ansible costs to carry it
description:
  - Benchmark tooling, not part of the collection.
  - Loads a result that a module printed, saved as a JSON file, and returns it unchanged through
    C(exit_json). Its task time and peak memory are Ansible's own cost of carrying that result from
    the module to the playbook, the floor against which the collection's modules are measured.
options:
  path:
    description:
      - The JSON file holding the module's result, as the module printed it.
    type: path
    required: true
author:
  - mimecast.gateway contributors (@mimecast-gateway)
"""

import json

from ansible.module_utils.basic import AnsibleModule

# exit_json adds these itself; keeping the saved ones would carry them twice.
ADDED_BY_EXIT_JSON = ("invocation", "warnings", "deprecations")


def main():
    module = AnsibleModule(argument_spec=dict(path=dict(type="path", required=True)), supports_check_mode=True)
    with open(module.params["path"]) as handle:
        result = json.load(handle)
    for key in ADDED_BY_EXIT_JSON:
        result.pop(key, None)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
