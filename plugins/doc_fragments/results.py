# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # How results are fetched and returned, and the names they use, shared by every info module
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
notes:
  - Items keep the names Mimecast gives each endpoint, so the same fact has another name on another module. The
    attachment flag is C(has_attachments) on the hold list, C(attachment) on the processing queue and C(attachments)
    in tracking; the header sender is C(from_header) on the hold list and the processing queue and C(from_hdr) in
    tracking; the direction is C(route) on the hold list and in tracking and C(routing) on the processing queue.
  - The summaries use one vocabulary. RV(summary.by_route) keys are lower case in every module (the hold list's
    items say C(INBOUND) where the others say C(inbound)), so C(summary.by_route.inbound) works everywhere; the
    items keep Mimecast's values.
  - C(search_by.field_name) takes the same snake_case names on every module where the endpoint supports the field,
    V(all), V(sender), V(recipient), V(subject), and also V(info) and V(remote_ip) on the processing queue,
    V(reason_code) and V(sender_ip) on the hold list; each is sent as the endpoint's own name.
"""
