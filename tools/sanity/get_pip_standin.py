"""Offline stand-in for the get-pip.py script that `ansible-test --venv` fetches.

ansible-test bootstraps pip into each empty virtual environment it creates by
running ~/.ansible/test/cache/get_pip_<version>.py (downloaded from a host that
this project's machines cannot reach).  tools/sanity/run.sh copies this file to
that cache path.  ansible-test's quiet_pip.py runs it via runpy as __main__
inside the new environment with get-pip style arguments, for example:

    --disable-pip-version-check pip==24.2 --no-setuptools --no-wheel

We get a pip from the interpreter's bundled ensurepip, then let that pip
install the requested packages through the machine's normal pip
configuration (local wheel directories / indexes / PyPI).

Both steps run in subprocesses: ensurepip, when run in-process, clears the
PIP_* environment variables and points PIP_CONFIG_FILE at /dev/null for the rest
of the process, which would hide the pip configuration from the install step.
"""

import subprocess
import sys

# Options understood by get-pip.py but not by `pip install`.
GET_PIP_ONLY = ("--no-setuptools", "--no-wheel", "--no-pip")


def run(cmd):
    print("get-pip stand-in: " + " ".join(cmd), flush=True)
    rc = subprocess.call(cmd)
    if rc != 0:
        sys.stderr.write("get-pip stand-in: command failed with exit code %d\n" % rc)
        sys.exit(rc)


def installed(name):
    code = "import importlib.util, sys; sys.exit(importlib.util.find_spec(%r) is None)" % name
    return subprocess.call([sys.executable, "-c", code]) == 0


def main(argv):
    flags = set(a for a in argv if a in GET_PIP_ONLY)
    pip_args = [a for a in argv if a not in GET_PIP_ONLY]
    had_setuptools = installed("setuptools")

    run([sys.executable, "-m", "ensurepip", "--default-pip"])

    if any(not a.startswith("-") for a in pip_args):
        run([sys.executable, "-m", "pip", "install", "--quiet"] + pip_args)

    # ensurepip of Python < 3.12 also installs setuptools; get-pip leaves it out
    # when asked to, so remove it again.
    if "--no-setuptools" in flags and not had_setuptools and installed("setuptools"):
        run([sys.executable, "-m", "pip", "uninstall", "--quiet", "--yes", "--disable-pip-version-check", "setuptools"])


if __name__ == "__main__":
    main(sys.argv[1:])
