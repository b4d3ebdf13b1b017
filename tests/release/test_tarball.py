# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The release tarball: what it ships, its metadata, and that it installs offline and runs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import configparser
import fnmatch
import json
import os
import re
import subprocess
import sys
import tarfile

import yaml

from ansible_collections.mimecast.gateway.tests import module_registry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What a published collection must never carry: build output, caches, VCS and
# editor files, and the development-only harness files.
JUNK_NAMES = ("__pycache__", "*.pyc", "*.pyo", "*.tar.gz", "*.orig", "*.rej", "*.swp", "*~",
              "Makefile", "requirements-dev.txt", "pytest.ini")
JUNK_PREFIXES = ("tests/output",)

# What it must carry: metadata, licence, docs, changelog, content and the tests; every module of
# tests/module_registry.py with its reference page.
REQUIRED = (
    "MANIFEST.json", "FILES.json", "LICENSE", "README.md",
    "meta/runtime.yml", "meta/execution-environment.yml", "requirements.txt", "bindep.txt",
    "changelogs/changelog.yaml", "changelogs/config.yaml",
    "docs/reference/index.md",
    "extensions/awx/credential_type_api_v2.yml",
    "extensions/awx/credential_type_api_v1.yml",
    # The image definitions, buildable from the installed collection too.
    "extensions/ee/execution-environment.yml", "extensions/ee/requirements.yml",
    "extensions/de/execution-environment.yml", "extensions/de/requirements.yml",
    "playbooks/queue_report.yml", "playbooks/awx_credential_type.yml",
    "plugins/module_utils/client.py",
    "tests/unit/conftest.py", "tests/e2e/harness.py",
) + tuple("docs/reference/%s_module.md" % module.name for module in module_registry.ALL) + tuple(
    "plugins/modules/%s.py" % module.name for module in module_registry.ALL)


def _members(tarball):
    with tarfile.open(tarball) as archive:
        return sorted(member.name.rstrip("/") for member in archive.getmembers())


def _is_junk(name):
    parts = name.split("/")
    if any(part.startswith(".") for part in parts):
        return True
    if any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in JUNK_NAMES):
        return True
    return any(name == prefix or name.startswith(prefix + "/") for prefix in JUNK_PREFIXES)


def _manifest(tarball, name):
    with tarfile.open(tarball) as archive:
        return json.load(archive.extractfile(name))


def test_junk_rule_knows_junk():
    # The rule below is only worth something if it recognises what build_ignore must keep out.
    for junk in (".hypothesis/constants/x", ".venv", "plugins/modules/__pycache__/m.cpython-311.pyc",
                 "tests/output/junit/x.xml", "Makefile", "mimecast-gateway-1.0.0.tar.gz", "docs/.DS_Store"):
        assert _is_junk(junk), junk
    for kept in ("plugins/modules/mimecast_hold_info.py", "tests/unit/conftest.py", "docs/reference/index.md"):
        assert not _is_junk(kept), kept


def test_tarball_ships_no_dev_junk(release_tarball):
    junk = [name for name in _members(release_tarball) if _is_junk(name)]
    assert not junk, "dev junk in %s (add it to build_ignore in galaxy.yml): %s" % (
        os.path.basename(release_tarball), junk)


def test_tarball_ships_the_collection(release_tarball):
    members = set(_members(release_tarball))
    missing = [name for name in REQUIRED if name not in members]
    assert not missing, "missing from %s: %s" % (os.path.basename(release_tarball), missing)


def test_files_json_lists_exactly_the_tarball(release_tarball):
    listed = set(entry["name"] for entry in _manifest(release_tarball, "FILES.json")["files"] if entry["name"] != ".")
    members = set(_members(release_tarball)) - {"MANIFEST.json", "FILES.json"}
    assert listed == members


def test_manifest_metadata_is_complete(release_tarball):
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        galaxy = yaml.safe_load(handle)
    info = _manifest(release_tarball, "MANIFEST.json")["collection_info"]
    assert os.path.basename(release_tarball) == "mimecast-gateway-%s.tar.gz" % galaxy["version"]
    assert (info["namespace"], info["name"], info["version"]) == ("mimecast", "gateway", galaxy["version"])
    assert info["license"] == ["GPL-3.0-or-later"]
    assert info["dependencies"] == {}
    for url in ("repository", "documentation", "homepage", "issues"):
        assert re.match(r"^https://", info[url] or ""), url
    assert info["tags"] and all(re.match(r"^[a-z][a-z0-9_]{0,63}$", tag) for tag in info["tags"])
    assert info["readme"] == "README.md"


def test_runtime_metadata_matches_the_tested_range():
    """requires_ansible starts at the oldest ansible-core the support matrix tests (tox-ansible.ini's `matrix`)."""
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        runtime = yaml.safe_load(handle)
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(ROOT, "tox-ansible.ini"))
    labels = parser.get("tox", "labels", fallback="")
    matrix = re.search(r"^matrix\s*=(.*?)(?=^\S+\s*=|\Z)", labels, re.MULTILINE | re.DOTALL)
    assert matrix, "no `matrix` label in tox-ansible.ini"
    # Environment names are <suite>-py<Python>-<ansible-core line>, e.g. unit-py3.11-2.16.
    lines = re.findall(r"\b[a-z]+-py3\.\d+-(2\.\d+)\b", matrix.group(1))
    assert lines, "no environments in tox-ansible.ini's `matrix` label"
    oldest = min(lines, key=lambda version: tuple(int(part) for part in version.split(".")))
    assert runtime["requires_ansible"] == ">=%s.0" % oldest


def test_tarball_installs_offline_and_its_module_runs(release_tarball, tool, tmp_path):
    """Install into an empty collections path without network, then run a module from there only."""
    collections = tmp_path / "collections"
    installed = subprocess.run(
        [tool("ansible-galaxy"), "collection", "install", "--offline", "-p", str(collections), release_tarball],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300, check=False)
    assert installed.returncode == 0, installed.stdout
    module_dir = collections / "ansible_collections" / "mimecast" / "gateway" / "plugins" / "modules"
    assert (module_dir / "mimecast_hold_info.py").is_file()

    playbook = tmp_path / "installed.yml"
    playbook.write_text("""---
- name: Run a module of the installed tarball
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: List held messages
      mimecast.gateway.mimecast_hold_info:
        start: -30d
      register: held

    - name: Check the answer
      ansible.builtin.assert:
        that:
          - held is not changed
          - held.count > 0
          - held.count == held.held_messages | length
""")
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("MIMECAST_", "ANSIBLE_")):
            del env[name]
    # Only the fresh install is visible: no working tree link, no site-packages collections.
    env.update(ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1", ANSIBLE_HOME=str(tmp_path / "home"))
    run = subprocess.run(
        [sys.executable, os.path.join(ROOT, "tests", "emulator", "with_emulator.py"), "--quiet", "--",
         tool("ansible-playbook"), "-vvv", str(playbook)],
        env=env, cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
        timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-6000:]
    assert "Using module file %s" % (module_dir / "mimecast_hold_info.py") in run.stdout
    assert "ok=2" in run.stdout and "failed=0" in run.stdout
