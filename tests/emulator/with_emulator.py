# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Run a command against a fresh Mimecast emulator:
#
#   python tests/emulator/with_emulator.py [--scheme v1|v2] [emulator options] -- CMD ARGS...
#
# The emulator runs as a child process on a free 127.0.0.1 port; CMD gets
# MIMECAST_BASE_URL, MIMECAST_EMULATOR_URL and the credentials of one scheme in its
# environment, and this script exits with CMD's exit code.  Credentials of the other
# scheme are removed from CMD's environment so a client cannot pick up real ones.

import argparse
import os
import queue
import signal
import subprocess
import sys
import threading

try:
    from . import mimecast_emulator
except ImportError:  # run as a script: the script's own directory is on sys.path
    import mimecast_emulator

STARTUP_TIMEOUT = 30


def parse(argv):
    if "--" not in argv:
        sys.exit("usage: with_emulator.py [--scheme v1|v2] [emulator options] -- CMD ARGS...")
    split = argv.index("--")
    command = argv[split + 1:]
    if not command:
        sys.exit("with_emulator.py: no command given after --")
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--scheme", choices=("v1", "v2"), default="v2")
    parser.add_argument("--tls-cert")
    for option in mimecast_emulator.CREDENTIAL_OPTIONS:
        parser.add_argument("--" + option.replace("_", "-"))
    # Everything but --scheme goes to the emulator; credential overrides are also read here.
    args, _unknown = parser.parse_known_args(argv[:split])
    emulator_args, rest = [], iter(argv[:split])
    for arg in rest:
        if arg == "--scheme":
            next(rest, None)
        elif not arg.startswith("--scheme="):
            emulator_args.append(arg)
    return args, emulator_args, command


def start_emulator(emulator_args):
    """Start the emulator and return (process, base URL) once it listens."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mimecast_emulator.py")
    process = subprocess.Popen([sys.executable, script, "--host", "127.0.0.1", "--port", "0"] + emulator_args,
                               stdout=subprocess.PIPE, universal_newlines=True,
                               start_new_session=True)  # Ctrl-C reaches CMD, not the emulator it still needs
    lines = queue.Queue()
    reader = threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True)
    reader.start()
    try:
        line = lines.get(timeout=STARTUP_TIMEOUT)
    except queue.Empty:
        line = ""
    if not line.startswith("EMULATOR_LISTENING "):
        stop_emulator(process)
        sys.exit("with_emulator.py: the emulator did not start (exit code %s)" % process.returncode)
    return process, line.split(None, 1)[1].strip()


def stop_emulator(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv=None):
    args, emulator_args, command = parse(sys.argv[1:] if argv is None else argv)
    env = dict(os.environ)
    for names in mimecast_emulator.CREDENTIALS.values():
        for name in names:
            env.pop(name, None)
    env.update(mimecast_emulator.CREDENTIALS[args.scheme])
    for option, (scheme, name) in mimecast_emulator.CREDENTIAL_OPTIONS.items():
        if scheme == args.scheme and getattr(args, option):
            env[name] = getattr(args, option)
    if args.tls_cert:
        env["MIMECAST_EMULATOR_CA_CERT"] = os.path.abspath(args.tls_cert)

    process, base_url = start_emulator(emulator_args)
    env["MIMECAST_BASE_URL"] = env["MIMECAST_EMULATOR_URL"] = base_url
    child = None

    def forward(signum, _frame):
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    try:
        try:
            child = subprocess.Popen(command, env=env)
        except OSError as exc:
            print("with_emulator.py: cannot run %s: %s" % (command[0], exc), file=sys.stderr)
            return 127
        while True:
            try:
                code = child.wait()
                break
            except KeyboardInterrupt:  # Ctrl-C reached CMD too; let it finish its cleanup
                continue
    finally:
        stop_emulator(process)
    return code if code >= 0 else 128 - code  # killed by a signal: shell convention


if __name__ == "__main__":
    sys.exit(main())
