# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make emulator`: the emulator in the foreground for a user, with the variables to paste into another shell.

Each test runs the make target as a user would, reads what it prints, pastes the printed lines into a shell that
runs a module, and stops the target with Ctrl-C (SIGINT to its process group).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import queue
import shlex
import signal
import socket
import subprocess
import sys
import threading
from urllib.parse import urlsplit

import pytest

from harness import COLLECTIONS, ROOT

pytestmark = pytest.mark.e2e

BIN = os.path.dirname(sys.executable)
STARTUP = 60


class Target:
    """`make emulator` running in its own process group, its output read line by line."""

    def __init__(self, tmp_path, *make_args):
        self.log = open(str(tmp_path / "emulator.log"), "w+")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            ["make", "--no-print-directory", "emulator", "PYTHON=" + sys.executable] + list(make_args),
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log, universal_newlines=True, start_new_session=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def read_until(self, last):
        printed = []
        while True:
            try:
                line = self.lines.get(timeout=STARTUP)
            except queue.Empty:
                pytest.fail("make emulator printed no %r in %d s; it printed %r" % (last, STARTUP, printed))
            if line is None:
                self.log.seek(0)
                pytest.fail("make emulator ended (exit code %s) before printing %r: %r\n%s"
                            % (self.process.wait(), last, printed, self.log.read()))
            printed.append(line)
            if line == last:
                return printed

    def interrupt(self):
        """Ctrl-C: SIGINT to the whole foreground process group (make and the launcher)."""
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=30)
        rest = []
        while True:
            line = self.lines.get(timeout=10)
            if line is None:
                return rest
            rest.append(line)

    def close(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture
def target(tmp_path):
    started = []

    def start(*make_args):
        started.append(Target(tmp_path, *make_args))
        return started[-1]

    yield start
    for running in started:
        running.close()


def shell_lines(printed):
    return [line for line in printed if line.startswith(("export ", "unset "))]


def exported(printed):
    variables = {}
    for line in shell_lines(printed):
        words = shlex.split(line)
        if words[0] == "export":
            name, _equals, value = words[1].partition("=")
            variables[name] = value
    return variables


def run_pasted(printed, module_args, stray):
    """Paste the printed lines into bash, then run a module ad hoc there; stray: variables already set in that shell."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MIMECAST_")}
    env.update(stray)
    env.update({"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1", "PATH": BIN + os.pathsep + env["PATH"]})
    script = "\n".join(shell_lines(printed) + ["exec ansible localhost -o -m mimecast.gateway.mimecast_hold_info -a %s"
                                               % shlex.quote(module_args)])
    completed = subprocess.run(["bash", "-c", script], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads(completed.stdout.split(" => ", 1)[1])


def listening(base_url):
    address = urlsplit(base_url)
    try:
        socket.create_connection((address.hostname, address.port), timeout=5).close()
    except OSError:
        return False
    return True


@pytest.mark.parametrize("scheme, credentials, stray", [
    ("v2", ["MIMECAST_CLIENT_ID", "MIMECAST_CLIENT_SECRET"], {"MIMECAST_ACCESS_KEY": "a-real-key-left-in-the-shell"}),
    ("v1", ["MIMECAST_ACCESS_KEY", "MIMECAST_APP_ID", "MIMECAST_APP_KEY", "MIMECAST_SECRET_KEY"],
     {"MIMECAST_CLIENT_ID": "a-real-id-left-in-the-shell"}),
])
def test_make_emulator_prints_what_to_export_serves_the_demo_data_and_stops_on_ctrl_c(target, scheme, credentials, stray):
    running = target(*(["EMULATOR_ARGS=--scheme v1 --quiet"] if scheme == "v1" else []))
    printed = running.read_until("Ctrl-C stops the emulator.")
    variables = exported(printed)
    assert sorted(variables) == sorted(["MIMECAST_BASE_URL"] + credentials), printed
    assert variables["MIMECAST_BASE_URL"].startswith("http://127.0.0.1:")
    assert variables["MIMECAST_BASE_URL"] in printed[0]
    # The printed lines, pasted into a shell that still has the other scheme's variable, let a module run.
    result = run_pasted(printed, "summary_only=true", stray)
    assert result["count"] == 12, result   # tests/emulator/datasets/compliance.json
    assert result["summary"]["by_reason_code"]["impersonation"] == 2
    assert listening(variables["MIMECAST_BASE_URL"])
    rest = running.interrupt()
    assert "Emulator stopped." in rest
    assert not listening(variables["MIMECAST_BASE_URL"])


def test_make_emulator_serves_generated_data_without_a_dataset(target):
    running = target("EMULATOR_DATASET=")
    printed = running.read_until("Ctrl-C stops the emulator.")
    result = run_pasted(printed, "summary_only=true", {})
    assert result["count"] == 60, result   # the emulator's generated hold list (--held 60)
    running.interrupt()
    assert not listening(exported(printed)["MIMECAST_BASE_URL"])
