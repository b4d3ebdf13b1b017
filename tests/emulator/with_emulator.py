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
#
# Or keep it running in the foreground for another shell (what `make emulator` does):
#
#   python tests/emulator/with_emulator.py --print-env [--scheme v1|v2] [emulator options]
#
# prints the settings a client needs as shell lines to paste (unset the other scheme's
# credentials, export the base URL and this scheme's) and serves until Ctrl-C or SIGTERM,
# then stops the emulator and exits 0.

import argparse
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading

try:
    from . import mimecast_emulator
except ImportError:  # run as a script: the script's own directory is on sys.path
    import mimecast_emulator

STARTUP_TIMEOUT = 30


USAGE = ("usage: with_emulator.py [--scheme v1|v2] [emulator options] -- CMD ARGS...\n"
         "       with_emulator.py --print-env [--scheme v1|v2] [emulator options]")


def parse(argv):
    split = argv.index("--") if "--" in argv else len(argv)
    command = argv[split + 1:]
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--scheme", choices=("v1", "v2"), default="v2")
    parser.add_argument("--print-env", action="store_true")
    parser.add_argument("--tls-cert")
    for option in mimecast_emulator.CREDENTIAL_OPTIONS:
        parser.add_argument("--" + option.replace("_", "-"))
    # Everything but --scheme and --print-env goes to the emulator; credential overrides are also read here.
    args, _unknown = parser.parse_known_args(argv[:split])
    if args.print_env:
        if "--" in argv:
            sys.exit("with_emulator.py: --print-env runs no command\n" + USAGE)
    elif "--" not in argv:
        sys.exit(USAGE)
    elif not command:
        sys.exit("with_emulator.py: no command given after --")
    emulator_args, rest = [], iter(argv[:split])
    for arg in rest:
        if arg == "--scheme":
            next(rest, None)
        elif not arg.startswith("--scheme=") and arg != "--print-env":
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


def settings(args, base_url):
    """(variables to set, variables to unset): what CMD's environment differs by."""
    unset = [name for scheme, names in sorted(mimecast_emulator.CREDENTIALS.items()) if scheme != args.scheme
             for name in names]
    variables = {"MIMECAST_BASE_URL": base_url, "MIMECAST_EMULATOR_URL": base_url}
    variables.update(mimecast_emulator.CREDENTIALS[args.scheme])
    for option, (scheme, name) in mimecast_emulator.CREDENTIAL_OPTIONS.items():
        if scheme == args.scheme and getattr(args, option):
            variables[name] = getattr(args, option)
    if args.tls_cert:
        variables["MIMECAST_EMULATOR_CA_CERT"] = os.path.abspath(args.tls_cert)
    return variables, unset


def serve(process, variables, unset):
    """--print-env: print the settings as shell lines, then wait for Ctrl-C or SIGTERM."""
    # MIMECAST_EMULATOR_URL is for the tests; a client needs the rest.
    order = ["MIMECAST_BASE_URL"] + sorted(name for name in variables
                                           if name not in ("MIMECAST_BASE_URL", "MIMECAST_EMULATOR_URL"))
    print("Mimecast API emulator listening on %s. In another shell, paste:" % variables["MIMECAST_BASE_URL"])
    print("")
    print("unset " + " ".join(unset))
    for name in order:
        print("export %s=%s" % (name, shlex.quote(variables[name])))
    print("")
    print("Ctrl-C stops the emulator.", flush=True)
    stopped = []
    # Set here, not inherited: a shell starting this in the background may have SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.append(True))
    while not stopped and process.poll() is None:
        try:
            process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is not None:
        print("with_emulator.py: the emulator stopped (exit code %s)" % process.returncode, file=sys.stderr)
        return 1
    stop_emulator(process)
    print("Emulator stopped.", flush=True)
    return 0


def main(argv=None):
    args, emulator_args, command = parse(sys.argv[1:] if argv is None else argv)
    process, base_url = start_emulator(emulator_args)
    variables, unset = settings(args, base_url)
    if args.print_env:
        try:
            return serve(process, variables, unset)
        finally:
            stop_emulator(process)
    env = dict(os.environ)
    for name in unset:
        env.pop(name, None)
    env.update(variables)
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
