# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Stand-in Python interpreter for Ansible that records what each module process cost.

The benchmark points ``ANSIBLE_PYTHON_INTERPRETER`` at a two-line launcher that runs
``python peak_rss.py REAL_PYTHON ARGS...``. This runs ``REAL_PYTHON ARGS...`` (the module) as
its child, with the same standard streams, then appends one JSON line to the file named by
``BENCH_RSS_FILE``: the child's peak resident set size, CPU times and wall time. Exits with the
child's exit code. Standard library only: it must not add imports to what it measures.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import resource
import subprocess
import sys
import time


def main(argv):
    if not argv:
        sys.stderr.write("usage: peak_rss.py REAL_PYTHON [ARGS...]\n")
        return 2
    started = time.monotonic()
    code = subprocess.call(argv)
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    record = {
        # Non-pipelined runs name the module: .../AnsiballZ_mimecast_hold_info.py
        "script": os.path.basename(argv[1]) if len(argv) > 1 else "<stdin>",
        "exit_code": code,
        "max_rss_kib": usage.ru_maxrss,  # Linux reports kibibytes
        "user_seconds": usage.ru_utime,
        "system_seconds": usage.ru_stime,
        "wall_seconds": wall,
    }
    target = os.environ.get("BENCH_RSS_FILE")
    if target:
        with open(target, "a") as handle:
            handle.write(json.dumps(record) + "\n")
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
