# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fault matrix: every fault the emulator injects, through real ansible-playbook runs.

Each scenario ends in one of two outcomes and nothing else: the complete result, whose ids equal, in
order, what the emulator's own search returns for the query the module sent; or a clear failure (a
MimecastError type, the facts that explain it, no traceback, no partial result).

Every scenario runs once per session, at -vvvv, with the credentials as module options read from a vars
file, as vault variables would be (so the ``invocation`` echo carries them, and the command line does not):
test_secrets.py greps the very same runs for secrets.

A hold list or processing queue query with a ``start`` is cut into time windows fetched at once (issue 11,
plugins/module_utils/_windows.py): the request numbered 1 is the whole range's first page, every later one a
window's. The ``-windows`` scenarios put their faults there. Their complete result is the same ids, none twice, in
the documented merged order (time, then id, newest first); every attempt that failed is asked again, the same
window and page. Their clear error names the window request that failed: its HTTP status and request id.

The harness and the two outcomes are in fault_matrix.py; the scenarios in fault_reads.py (the listing modules) and
fault_held.py (releasing and rejecting held messages).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

import fault_held
import fault_reads
# test_secrets.py and test_rulebook.py read the same runs and options from here.
from fault_matrix import Scenario, credentials, fault_emulator, matrix_record, run_with_args_file  # noqa: F401 pylint: disable=unused-import

# One worker for the whole matrix: test_secrets.py sweeps the very runs it made (tests/e2e/conftest.py).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("test_faults")]

SCENARIOS = fault_reads.SCENARIOS + fault_held.SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=repr)
def test_fault_matrix(request, scenario):
    scenario.check(matrix_record(request, scenario))
