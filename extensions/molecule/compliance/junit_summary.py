# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Print a JUnit XML file as JSON (suites, their counters, each testcase's outcome) for verify.yml.

Parsing with a real XML parser is the point: a report that does not parse fails here.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import sys
import xml.etree.ElementTree as ET


def outcome(case):
    for tag in ("failure", "error", "skipped"):
        if case.find(tag) is not None:
            return tag
    return "passed"


def main(path):
    root = ET.parse(path).getroot()
    suites = []
    for suite in root.findall("testsuite"):
        suites.append(dict(
            name=suite.get("name"),
            counters=dict((key, int(suite.get(key))) for key in ("tests", "failures", "errors", "skipped")),
            cases=[dict(classname=case.get("classname"), name=case.get("name"), outcome=outcome(case)) for case in suite.findall("testcase")],
        ))
    print(json.dumps(dict(root=root.tag, tests=int(root.get("tests")), failures=int(root.get("failures")), suites=suites)))


if __name__ == "__main__":
    main(sys.argv[1])
