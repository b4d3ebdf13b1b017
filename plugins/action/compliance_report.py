# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The compliance_report action (documented in plugins/modules/compliance_report.py).

An action plugin, not a module: the reports are the controller's files, and writing them here takes no module
run per file (a copy task runs two), which is most of a compliance run's time over many accounts.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance import report_files
from ansible_collections.mimecast.gateway.plugins.plugin_utils._compliance.settings import FORMATS

ARGUMENT_SPEC = dict(
    report=dict(type="raw", required=True),
    directory=dict(type="path", required=True),
    name=dict(type="str"),
    formats=dict(type="list", elements="str", choices=list(FORMATS), default=list(FORMATS)),
    missing=dict(type="list", elements="str", default=[]),
    remove_other_formats=dict(type="bool", default=True),
    mode=dict(type="raw", default=report_files.DEFAULT_MODE),
)


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # no remote files

        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            mode = report_files.parse_mode(args["mode"])
            changes = report_files.plan(args["report"], args["directory"], args["formats"], name=args["name"],
                                        missing=args["missing"], remove_other_formats=args["remove_other_formats"])
            outcome = report_files.outcome(changes, mode, diff=self._task.diff, max_diff_size=C.MAX_FILE_SIZE_FOR_DIFF)
            if not self._task.check_mode:
                report_files.apply(changes, mode)
        except ValueError as error:
            # ReportFileError names the option or the file; the rest come from a report that is not one.
            raise AnsibleActionFail("compliance_report: %s" % error)
        result.update(outcome)
        return result
