# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # Time windows fetched at once, for the modules whose endpoint takes a start and an end
    # (CONCURRENCY_ARGUMENT_SPEC in plugins/module_utils/options.py holds the spec).
    DOCUMENTATION = r"""
options:
  concurrency:
    description:
      - With O(start), how many time windows of the query are fetched at once, each over its own kept-alive
        connection. V(1) pages serially, one page after another, as earlier releases did.
      - Mimecast pages are a chain (each needs the previous page's token), so a large result takes one round trip
        per page. Cutting [O(start), O(end)] into windows lets several chains run at once; a window that turns out
        to hold a spike of messages is cut again while the others go on.
      - The result is the same as serial paging, merged in one order (see RV(count) and the notes); neighbouring
        windows overlap by one second and duplicates are dropped by id, because Mimecast does not document whether
        O(start) and O(end) are inclusive.
      - Without O(start), or with O(max_results), the query stays serial. The hold list's default time range is
        undocumented, and a guessed lower bound could lose messages.
      - From V(1) to V(8). Every window shares the task's rate-limit budget. When Mimecast's
        C(X-RateLimit-Remaining) runs low, or after a 429, all the windows wait together until the reset.
    type: int
    default: 4
notes:
  - With O(start) and O(concurrency) over V(1), the merged items are ordered by time, then by id where times are
    equal. The hold list's are newest first by C(date_received), as Mimecast lists them. The processing queue's
    follow its C(sort_order) by C(created) (newest first by default). Serial paging returns the items as Mimecast sends
    them, which is the same order except among items of the same second.
"""
