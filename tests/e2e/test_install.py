# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The install guide (docs/docsite/rst/guide_install.rst), followed as written: it is the first guide, every other
guide that runs a playbook by name points to it, it covers Galaxy, a clone, a tarball, an AWX project's
requirements.yml and the Python dependency, and its commands work (into a temporary collections path, so nothing
outside the test's directory changes)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import shlex
import subprocess
import sys
import textwrap

import pytest
import yaml

from harness import ROOT

pytestmark = pytest.mark.e2e

README = os.path.join(ROOT, "README.md")
DOCSITE = os.path.join(ROOT, "docs", "docsite")
GUIDES = os.path.join(DOCSITE, "rst")
INSTALL_GUIDE = "guide_install"
INSTALL_LABEL = ":ref:`Install <ansible_collections.mimecast.gateway.docsite.%s>`" % INSTALL_GUIDE
BIN = os.path.dirname(sys.executable)
BY_NAME = re.compile(r"ansible-playbook (?:-\S+ \S+ )*mimecast\.gateway\.(\w+)")


def read(path):
    with open(path) as handle:
        return handle.read()


def guides():
    """Every guide's text, by name (the file name without .rst)."""
    return {name[:-4]: read(os.path.join(GUIDES, name)) for name in sorted(os.listdir(GUIDES)) if name.endswith(".rst")}


def install_section():
    return guides()[INSTALL_GUIDE]


def blocks(text, language):
    """The contents of the text's `.. code-block:: LANGUAGE` directives, dedented."""
    found = re.finditer(r"^( *)\.\. code-block:: %s\n\n((?:\1 +\S.*\n|[ ]*\n)+)" % re.escape(language), text, re.M)
    return [textwrap.dedent(match.group(2)).strip("\n") + "\n" for match in found]


def commands(text):
    """The shell commands of the section's sh blocks: continuation lines joined, comments dropped."""
    found = []
    for block in blocks(text, "sh"):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #")[0].strip()
            if line and not line.startswith("#"):
                found.append(" ".join(line.split()))
    return found


def clean_env(**extra):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("MIMECAST_") and name not in ("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS")}
    env.update({"PATH": BIN + os.pathsep + env.get("PATH", ""), "ANSIBLE_LOCALHOST_WARNING": "false",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable})
    env.update(extra)
    return env


def run(argv, env, cwd=ROOT):
    completed = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=600, check=False)
    assert completed.returncode == 0, "%s\n%s%s" % (argv, completed.stdout, completed.stderr)
    return completed


def test_install_comes_before_the_first_playbook_run_by_name():
    with open(os.path.join(DOCSITE, "extra-docs.yml")) as handle:
        sections = yaml.safe_load(handle)["sections"]
    assert sections[0]["toctree"][0] == INSTALL_GUIDE, sections[0]
    assert "docs/docsite/rst/%s.rst" % INSTALL_GUIDE in read(README)
    text = install_section()
    first_run = BY_NAME.search(text)
    assert text.index("ansible-galaxy collection install") < first_run.start(), first_run.group(0)
    running = [name for name, guide in guides().items() if name != INSTALL_GUIDE and BY_NAME.search(guide)]
    assert running, "no other guide runs a playbook by name"
    assert [name for name in running if INSTALL_LABEL not in guides()[name]] == []


def test_install_covers_galaxy_a_clone_a_tarball_and_the_python_dependency():
    section = install_section()
    steps = commands(section)
    assert "ansible-galaxy collection install mimecast.gateway" in steps
    assert "ansible-galaxy collection install ." in steps
    assert any(re.match(r"ansible-galaxy collection install \.build/release/mimecast-gateway-\S*\.tar\.gz$", step)
               for step in steps), steps
    assert "make release-build" in section
    assert any("pip install" in step and "requirements.txt" in step for step in steps), steps
    assert "requests" in section and "ANSIBLE_COLLECTIONS_PATH" in section


def test_every_playbook_the_docs_run_by_name_exists():
    names = set(BY_NAME.findall("\n".join([read(README)] + list(guides().values()))))
    assert names, "the README and the guides run no playbook by name"
    missing = [name for name in sorted(names) if not os.path.isfile(os.path.join(ROOT, "playbooks", name + ".yml"))]
    assert not missing


def test_install_from_a_checkout_then_run_a_playbook_by_name_against_the_emulator(tmp_path):
    """The section's commands as written: install from the clone, then the with_emulator.py line."""
    steps = commands(install_section())
    collections = str(tmp_path / "collections")
    install = [step for step in steps if step == "ansible-galaxy collection install ."]
    run(shlex.split(install[0]) + ["-p", collections], clean_env())
    installed = os.path.join(collections, "ansible_collections", "mimecast", "gateway")
    assert os.path.isfile(os.path.join(installed, "playbooks", "held_report.yml"))
    assert os.path.isfile(os.path.join(installed, "requirements.txt"))
    for ignored in (".build", ".venv", "Makefile", "requirements-dev.txt"):  # galaxy.yml's build_ignore
        assert not os.path.lexists(os.path.join(installed, ignored)), ignored

    tries = [step for step in steps if "with_emulator.py" in step and "ansible-playbook mimecast.gateway." in step]
    assert tries, "the Install section shows no with_emulator.py -- ansible-playbook line"
    argv = shlex.split(tries[0])
    assert argv[0] in ("python", "python3")
    # Under the default callback, as a user sees it.
    completed = run([sys.executable] + argv[1:], clean_env(ANSIBLE_COLLECTIONS_PATH=collections,
                                                           ANSIBLE_STDOUT_CALLBACK="default",
                                                           ANSIBLE_CALLBACK_RESULT_FORMAT="json"))
    assert '"HELD MESSAGES: 12",' in completed.stdout, completed.stdout
    assert "could not be found" not in completed.stdout + completed.stderr


def test_requirements_yml_for_awx_projects(tmp_path):
    """The section's requirements.yml forms: the Galaxy name, and the repository (installed here from this clone's
    own git history, as AWX would from the repository's URL)."""
    documents = [yaml.safe_load(block) for block in blocks(install_section(), "yaml")]
    entries = [entry for document in documents if document and "collections" in document
               for entry in document["collections"]]
    assert {"name": "mimecast.gateway"} in entries, entries
    from_git = [entry for entry in entries if entry.get("type") == "git"]
    assert from_git and from_git[0]["name"].endswith("/mimecast.gateway.git"), entries
    requirements = tmp_path / "requirements.yml"
    requirements.write_text(yaml.safe_dump({"collections": [dict(from_git[0], name="file://" + ROOT, version="HEAD")]}))
    collections = str(tmp_path / "collections")
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "-r", str(requirements), "-p", collections],
        clean_env(), cwd=str(tmp_path))
    assert os.path.isfile(os.path.join(collections, "ansible_collections", "mimecast", "gateway", "playbooks",
                                       "held_report.yml"))
