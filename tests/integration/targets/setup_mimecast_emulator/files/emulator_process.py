# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the Mimecast emulator in the background for one integration target, and stop it again.

    python emulator_process.py start STATE_DIR LIFETIME EMULATOR_SCRIPT [EMULATOR OPTIONS...]
        Starts the emulator on a free 127.0.0.1 port and prints {"pid": N, "base_url": URL} once it listens.
        Its credentials are made up for this run and written to STATE_DIR/credentials.json (mode 0600, module
        option names, both schemes), so neither Ansible's output nor a task's arguments carry them.
    python emulator_process.py stop STATE_DIR
        Stops it and waits until it has exited; does nothing when none runs. Prints {"stopped": true|false}.

The emulator runs under a watchdog (this script's `watch` command) in a session of its own, so Ansible does not wait
for it. The watchdog stops the emulator after LIFETIME seconds: a run that never reaches its `stop` (Ctrl-C, a killed
ansible-test) cannot leave an emulator behind for long.
"""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time

STARTUP_TIMEOUT = 30
STOP_TIMEOUT = 15


def paths(state_dir):
    return {name: os.path.join(state_dir, name)
            for name in ("watchdog.pid", "emulator.port", "emulator.log", "credentials.json")}


def made_up_credentials():
    """Both schemes' credentials for one run; the API 1.0 secret key is base64, as Mimecast issues it."""
    return {
        "client_id": "integration-client-" + secrets.token_hex(4),
        "client_secret": "integration-secret-" + secrets.token_urlsafe(18),
        "access_key": "integration-access-" + secrets.token_urlsafe(12),
        "secret_key": base64.b64encode(secrets.token_bytes(24)).decode("ascii"),
        "app_id": "integration-app-" + secrets.token_hex(4),
        "app_key": "integration-app-key-" + secrets.token_urlsafe(12),
    }


def alive(pid):
    """Whether pid names a live process (not a zombie) that this script started as a watchdog."""
    try:
        line = subprocess.check_output(["ps", "-o", "stat=,command=", "-p", str(pid)], universal_newlines=True)
    except subprocess.CalledProcessError:  # ps exits 1 when there is no such process
        return False
    return bool(line.strip()) and not line.strip().startswith("Z") and __file__.rsplit("/", 1)[-1] in line


def group_alive(pgid):
    """Whether any live process is left in the process group (the watchdog and the emulator share one)."""
    listing = subprocess.check_output(["ps", "-eo", "pgid=,stat="], universal_newlines=True)
    return any(fields[0] == str(pgid) and not fields[1].startswith("Z")
               for fields in (line.split() for line in listing.splitlines()) if len(fields) == 2)


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def log_tail(log_path):
    try:
        with open(log_path) as handle:
            return handle.read()[-2000:].strip()
    except OSError:
        return ""


def start(state_dir, lifetime, emulator, options):
    files = paths(state_dir)
    os.makedirs(state_dir, exist_ok=True)
    if os.path.exists(files["watchdog.pid"]):
        stop(state_dir, quiet=True)  # a run that never stopped its emulator
    for name in ("emulator.port", "emulator.log"):
        if os.path.exists(files[name]):
            os.unlink(files[name])
    credentials = made_up_credentials()
    descriptor = os.open(files["credentials.json"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(credentials, handle)
    for option, value in sorted(credentials.items()):
        options = options + ["--" + option.replace("_", "-"), value]
    command = [sys.executable, os.path.abspath(__file__), "watch", str(lifetime), sys.executable, emulator,
               "--host", "127.0.0.1", "--port", "0", "--port-file", files["emulator.port"], "--quiet"] + options
    with open(files["emulator.log"], "w") as log, open(os.devnull) as devnull:
        watchdog = subprocess.Popen(command, stdin=devnull, stdout=log, stderr=log, close_fds=True,
                                    start_new_session=True)
    with open(files["watchdog.pid"], "w") as handle:
        handle.write("%d\n" % watchdog.pid)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not os.path.exists(files["emulator.port"]):
        exited = watchdog.poll() is not None
        if exited or time.monotonic() > deadline:
            stop(state_dir, quiet=True)
            fail("the emulator %s; its output:\n%s"
                 % ("exited at start" if exited else "did not start within %d s" % STARTUP_TIMEOUT,
                    log_tail(files["emulator.log"]) or "(none)"))
        time.sleep(0.1)
    with open(files["emulator.port"]) as handle:
        port = int(handle.read())
    print(json.dumps({"pid": watchdog.pid, "base_url": "http://127.0.0.1:%d" % port}))


def stop(state_dir, quiet=False):
    try:
        with open(paths(state_dir)["watchdog.pid"]) as handle:
            pid = int(handle.read())
    except (OSError, ValueError):
        pid = None
    stopped = False
    if pid and alive(pid):
        os.killpg(pid, signal.SIGTERM)  # the watchdog and the emulator: both stop on SIGTERM
        deadline = time.monotonic() + STOP_TIMEOUT
        while group_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if group_alive(pid):
            os.killpg(pid, signal.SIGKILL)
        stopped = True
    for name in ("watchdog.pid", "credentials.json"):
        if os.path.exists(paths(state_dir)[name]):
            os.unlink(paths(state_dir)[name])
    if not quiet:
        print(json.dumps({"stopped": stopped}))


def watch(lifetime, command):
    """Run the emulator until SIGTERM or for lifetime seconds, whichever comes first."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    emulator = subprocess.Popen(command)
    deadline = time.monotonic() + lifetime
    while not stopping and emulator.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if emulator.poll() is None:
        if not stopping:
            print("emulator_process.py: stopping the emulator after its lifetime of %d s" % lifetime, file=sys.stderr)
        emulator.terminate()
        try:
            emulator.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            emulator.kill()
            emulator.wait()
    return emulator.returncode


def main(argv):
    if len(argv) >= 4 and argv[0] == "start":
        start(argv[1], int(argv[2]), argv[3], argv[4:])
    elif len(argv) == 2 and argv[0] == "stop":
        stop(argv[1])
    elif len(argv) >= 3 and argv[0] == "watch":
        sys.exit(watch(int(argv[1]), argv[2:]))
    else:
        fail(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
