# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers and fixtures that run real ``ansible-playbook`` against the bundled emulator on 127.0.0.1.

conftest.py re-exports the fixtures; test modules import the helpers from here.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import ssl
import subprocess
import sys
import tempfile
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(ROOT, "tests", "e2e", "playbooks")
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
EMULATOR = os.path.join(ROOT, "tests", "emulator", "mimecast_emulator.py")

sys.path.insert(0, ROOT)
from tests.emulator.mimecast_emulator import CREDENTIALS  # noqa: E402 pylint: disable=wrong-import-position


def _collection_link():
    """The collection must be importable as ansible_collections.mimecast.gateway: link the checkout there."""
    link = os.path.join(COLLECTIONS, "ansible_collections", "mimecast", "gateway")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(os.path.relpath(ROOT, os.path.dirname(link)), link)
    return COLLECTIONS


class Emulator:
    """A running emulator and its control API."""

    def __init__(self, base_url, process):
        self.base_url = base_url
        self.process = process
        self.ca_path = None

    def _call(self, path, payload=None, method=None):
        data = None if payload is None else json.dumps(payload).encode()
        method = method or ("GET" if data is None else "POST")
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        context = ssl.create_default_context(cafile=self.ca_path) if self.ca_path else None
        with urllib.request.urlopen(request, timeout=10, context=context) as answer:
            return json.loads(answer.read().decode() or "null")

    def reset(self):
        return self._call("/_emulator/reset", {})

    def faults(self, *rules):
        return self._call("/_emulator/faults", {"faults": list(rules)})

    def configure(self, **settings):
        return self._call("/_emulator/config", settings)

    def requests(self):
        return self._call("/_emulator/requests")["requests"]

    def api_requests(self):
        return [r for r in self.requests() if r["path"].startswith("/api/")]

    def data(self):
        return self._call("/_emulator/data")

    def stats(self, clear=False):
        """Connections that carried an API request, and those requests, since the last reset (or clear)."""
        return self._call("/_emulator/stats", method="DELETE" if clear else None)

    def actions(self):
        """Every release/reject the emulator applied since the last reset or clear, in order."""
        return self._call("/_emulator/actions")["actions"]

    def clear_actions(self):
        return self._call("/_emulator/actions", method="DELETE")

    def held_ids(self):
        return [record["id"] for record in self.data()["held"]]


def start_emulator(*options):
    process = subprocess.Popen([sys.executable, EMULATOR, "--port", "0", "--quiet"] + list(options),
                               stdout=subprocess.PIPE, universal_newlines=True)
    line = process.stdout.readline().strip()
    if not line.startswith("EMULATOR_LISTENING "):
        process.kill()
        pytest.fail("the emulator did not start: %r" % line)
    return Emulator(line.split(" ", 1)[1], process)


def stop_emulator(running):
    running.process.terminate()
    running.process.wait(timeout=10)
    running.process.stdout.close()


@pytest.fixture(scope="session")
def emulator():
    running = start_emulator()
    yield running
    stop_emulator(running)


@pytest.fixture(scope="session")
def tls_emulator(tmp_path_factory):
    """The emulator over HTTPS with a certificate from a throw-away CA; ``.ca_path`` is that CA's PEM."""
    trustme = pytest.importorskip("trustme")
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    server = authority.issue_cert("127.0.0.1")
    cert, key, ca_path = folder / "server.pem", folder / "server.key", folder / "ca.pem"
    server.cert_chain_pems[0].write_to_path(str(cert))
    for extra in server.cert_chain_pems[1:]:
        extra.write_to_path(str(cert), append=True)
    server.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca_path))
    running = start_emulator("--tls-cert", str(cert), "--tls-key", str(key))
    running.ca_path = str(ca_path)
    yield running
    stop_emulator(running)


@pytest.fixture
def fresh_emulator(emulator):
    emulator.reset()
    yield emulator
    emulator.reset()


def scheme_env(emulator, scheme):
    """Environment carrying one scheme's credentials, as AWX or a shell would set them."""
    env = dict(CREDENTIALS[scheme])
    env["MIMECAST_BASE_URL"] = emulator.base_url
    return env


class PlaybookRun:
    def __init__(self, completed, results_file):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.results_text = ""
        if os.path.exists(results_file):
            with open(results_file) as handle:
                self.results_text = handle.read()
            os.unlink(results_file)

    @property
    def output(self):
        """Every byte the run printed or recorded."""
        return self.stdout + self.stderr + self.results_text

    def __str__(self):
        """The end of the run's output, for assertion messages."""
        return "rc=%s\n%s" % (self.rc, (self.stdout + self.stderr)[-6000:])

    __repr__ = __str__

    def results(self):
        """Task results by task name (the last host result of each task)."""
        return json.loads(self.results_text or "{}")


@pytest.fixture(scope="session")
def ansible_playbook():
    collections = _collection_link()
    bin_dir = os.path.dirname(sys.executable)
    executable = os.path.join(bin_dir, "ansible-playbook")

    def run(playbook, env=None, extra_vars=None, check=False, diff=False, verbosity=0, clean_env=True):
        handle, results_file = tempfile.mkstemp(prefix="task-results-", suffix=".json")
        os.close(handle)
        os.unlink(results_file)
        full_env = dict(os.environ)
        if clean_env:
            for name in list(full_env):
                if name.startswith("MIMECAST_"):
                    del full_env[name]
        full_env.update({
            "ANSIBLE_COLLECTIONS_PATH": collections,
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            # ansible-core 2.21+ returns a module's (no_log masked) arguments as "invocation" only when asked;
            # the secrets tests look for the mask there on every version.
            "ANSIBLE_INJECT_INVOCATION": "true",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(ROOT, "tests", "e2e", "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "task_results",
            "TASK_RESULTS_FILE": results_file,
        })
        full_env.update(env or {})
        command = [executable, os.path.join(PLAYBOOKS, playbook) if not os.path.isabs(playbook) else playbook]
        if extra_vars:
            command += ["--extra-vars", json.dumps(extra_vars)]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)
        completed = subprocess.run(command, env=full_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True, timeout=600, check=False)
        return PlaybookRun(completed, results_file)

    return run
