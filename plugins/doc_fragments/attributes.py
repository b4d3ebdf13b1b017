# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # Attributes of the read-only info modules.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - The module only reads, so it runs and returns its data in check mode too.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in diff mode).
    support: none
  action_group:
    description: Use C(group/mimecast.gateway.mimecast) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mimecast.gateway.mimecast
"""
