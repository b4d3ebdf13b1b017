# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # How results are fetched and returned, shared by every module
    # (RESULT_ARGUMENT_SPEC in plugins/module_utils/connection.py holds their spec).
    DOCUMENTATION = r"""
options:
  page_size:
    description:
      - How many results to ask for per page, from 1 to 500. The module follows the next page token until the
        last page, so this only changes how many requests are made.
      - A server may return fewer per page than asked; that is handled.
    type: int
    default: 100
  max_results:
    description:
      - Stop after this many results. RV(truncated) tells whether more were available.
      - Leave it out to fetch every result.
    type: int
  summary_only:
    description:
      - Fetch every page but return only RV(count) and RV(summary), with an empty list of results.
      - Memory stays flat however large the queue, and the task returns fast; use it for checks that only
        need counts, ages and tallies.
    type: bool
    default: false
"""
