# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Module stand-ins: ExitJson/FailJson for exit_json/fail_json, FakeModule, and call_main, a module's main() end to end."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 (the support matrix runs these tests on 2.16 to 2.18)
    import contextlib
    from unittest import mock

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """What ansible-core 2.19's patch_module_args does, the way older releases read module args."""
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps(dict(ANSIBLE_MODULE_ARGS=args or {})).encode()):
            yield

from ansible_collections.mimecast.gateway.plugins.module_utils import dates, module_runner, results
from ansible_collections.mimecast.gateway.plugins.module_utils.client import MimecastClient
from ansible_collections.mimecast.gateway.tests.unit.fake_settings import FIXED_NOW
from ansible_collections.mimecast.gateway.tests.unit.fake_transport import FakeClock, FakeTransport, make_client


class ExitJson(Exception):
    """Raised by a patched ``exit_json``; ``result`` holds its keyword arguments."""

    def __init__(self, result):
        super(ExitJson, self).__init__("exit_json")
        self.result = result
        self.warnings = []


class FailJson(Exception):
    """Raised by a patched ``fail_json``; ``result`` holds its keyword arguments, msg included."""

    def __init__(self, result):
        super(FailJson, self).__init__(result.get("msg"))
        self.result = result
        self.warnings = []


class FakeModule:
    """Just enough of AnsibleModule for ``run()`` and ``execute()``."""

    def __init__(self, params):
        self.params = params
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def exit_json(self, **kwargs):
        raise ExitJson(kwargs)

    def fail_json(self, **kwargs):
        raise FailJson(kwargs)


def _exit_json(self, **kwargs):  # pylint: disable=unused-argument
    raise ExitJson(kwargs)


def _fail_json(self, msg, **kwargs):  # pylint: disable=unused-argument
    kwargs["msg"] = msg
    raise FailJson(kwargs)


def patch_module_exits(monkeypatch):
    """Make AnsibleModule raise ExitJson/FailJson instead of printing and exiting; return the list warnings go to."""
    warnings = []
    monkeypatch.setattr(AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(AnsibleModule, "fail_json", _fail_json)
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, warning, **kwargs: warnings.append(warning))
    monkeypatch.setattr(dates, "utcnow", lambda: FIXED_NOW)
    monkeypatch.setattr(results, "utcnow", lambda: FIXED_NOW)
    return warnings


def call_main(monkeypatch, module, args, transport=None, clock=None, use_default_factory=False, real_exit=False):
    """Run ``module.main()`` end to end: the real AnsibleModule, argument spec and execute(), HTTP on ``transport``.

    By default execute() gets a client factory wired to the fake transport and clock; with
    ``use_default_factory`` the real MimecastClient is built and only its session factory is patched.
    Returns the ExitJson or FailJson raised, with ``.warnings`` set; with ``real_exit`` the real
    exit_json/fail_json run (print the result and raise SystemExit) and the SystemExit is returned.
    """
    transport = transport if transport is not None else FakeTransport()
    clock = clock or FakeClock()
    if real_exit:
        monkeypatch.setattr(dates, "utcnow", lambda: FIXED_NOW)
        monkeypatch.setattr(results, "utcnow", lambda: FIXED_NOW)
        warnings = []
    else:
        warnings = patch_module_exits(monkeypatch)
    if use_default_factory:
        new_session = MimecastClient._new_session

        def patched_session():
            session = new_session()
            session.mount("https://", transport)
            session.mount("http://", transport)
            return session

        monkeypatch.setattr(MimecastClient, "_new_session", staticmethod(patched_session))
    else:
        real_execute = module_runner.execute

        def factory(settings):
            return make_client(settings, transport, clock=clock)

        monkeypatch.setattr(module, "execute", lambda ansible_module, run: real_execute(ansible_module, run, client_factory=factory))
    with patch_module_args(args):
        try:
            module.main()
        except (ExitJson, FailJson) as outcome:
            outcome.warnings.extend(warnings)
            return outcome
        except SystemExit as outcome:
            if not real_exit:
                raise
            return outcome
    raise AssertionError("main() returned without exit_json or fail_json")
