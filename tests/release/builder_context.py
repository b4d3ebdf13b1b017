# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the EE and DE checks share: ansible-builder's two commands and the image build's stages, without a container.

There is no container engine here, so no image is built. Instead the checks run `ansible-builder create` and
`ansible-builder introspect` as a user would, and the two build stages that need no container: the galaxy stage's
collection install, and the builder stage's dependency introspection, with the very commands, scripts and files
ansible-builder wrote into the build context.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import filecmp
import os
import re
import shlex
import shutil
import subprocess
import sys

import yaml
from packaging.specifiers import SpecifierSet

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def read(*parts):
    with open(os.path.join(*parts)) as handle:
        return handle.read()


def load_yaml(*parts):
    return yaml.safe_load(read(*parts))


def requirement_names(text):
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [re.split(r"[<>=!~;\[ ]", line, 1)[0].lower() for line in lines if line]


def collection_version():
    return load_yaml(ROOT, "galaxy.yml")["version"]


def assert_names_this_collection_line(requirements):
    """requirements.yml of a definition folder: mimecast.gateway from a Galaxy server, in a range holding this version."""
    entries = requirements["collections"]
    assert [entry["name"] for entry in entries] == ["mimecast.gateway"], entries
    assert entries[0].get("type", "galaxy") == "galaxy"
    version = collection_version()
    assert version in SpecifierSet(entries[0]["version"]), (
        "requirements.yml asks for mimecast.gateway %s, which leaves out this checkout's %s"
        % (entries[0]["version"], version))


def _run(command, cwd, env=None, timeout=300):
    done = subprocess.run(command, cwd=str(cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=timeout, check=False)
    assert done.returncode == 0, "%s failed:\n%s" % (" ".join(command[:3]), done.stdout)
    return done.stdout


def create_from_folder(folder, context):
    """`ansible-builder create` run in the definition's folder, as its comments tell users, with the default file name."""
    _run([os.path.join(BIN, "ansible-builder"), "create", "--context", str(context), "--output-filename", "Containerfile"],
         cwd=folder)
    return str(context)


def install_collections(arguments, collections, cwd):
    """`ansible-galaxy collection install --offline` into `collections` only, whatever the caller's environment."""
    env = dict(os.environ, ANSIBLE_HOME=os.path.join(str(collections), os.pardir, "ansible-home"))
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    _run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline"] + list(arguments)
         + ["--collections-path", str(collections)], cwd=cwd, env=env)


def introspect(collections):
    """`ansible-builder introspect` on a collections path: {"python": [...], "system": [...]}, each line naming its collection."""
    answer = _run([os.path.join(BIN, "ansible-builder"), "introspect", str(collections)], cwd=collections, timeout=120)
    return yaml.safe_load(answer.split("---", 1)[1])


def from_this_collection(found, kind):
    """The requirement lines introspection attributes to mimecast.gateway, comments dropped."""
    suffix = "# from collection mimecast.gateway"
    return [line[:-len(suffix)].strip() for line in found.get(kind) or [] if line.endswith(suffix)]


def galaxy_stage(context, stage):
    """The galaxy stage: the Containerfile's `ansible-galaxy collection install -r requirements.yml` in a copy of _build."""
    containerfile = read(context, "Containerfile")
    assert re.search(r"^COPY _build /build$", containerfile, re.MULTILINE), "the galaxy stage no longer copies _build"
    assert re.search(r"ansible-galaxy collection install .*-r requirements\.yml", containerfile)
    build = stage / "build"
    shutil.copytree(os.path.join(context, "_build"), str(build))
    collections = stage / "collections"
    install_collections(["-r", "requirements.yml"], collections, cwd=build)
    return build, collections


def builder_stage(context, build, collections, output):
    """The builder stage: the Containerfile's introspect.py command, writing the image's requirements into `output`.

    Returns the Python and the system requirements the image gets, as text.
    """
    containerfile = read(context, "Containerfile")
    step = re.search(r"^RUN \$PYCMD /output/scripts/introspect\.py introspect (.*)$", containerfile, re.MULTILINE)
    assert step, "no introspection step in the Containerfile"
    arguments = [argument.replace("/tmp/src/", str(output) + os.sep) for argument in shlex.split(step.group(1))]
    # The stage runs in /build with _build's requirements.txt and bindep.txt copied in, as `build` has them.
    _run([sys.executable, str(build / "scripts" / "introspect.py"), "introspect"] + arguments + [str(collections)],
         cwd=build, timeout=120)
    return read(str(output), "requirements.txt"), read(str(output), "bindep.txt")


def assert_checkout_context_is_the_folder_context(context, folder_context, release_tarball):
    """`make ee` / `make de` change only where the collection comes from: the Containerfile is the one users get."""
    assert read(context, "Containerfile") == read(folder_context, "Containerfile")
    name = "mimecast-gateway-%s.tar.gz" % collection_version()
    assert load_yaml(context, "_build", "requirements.yml")["collections"] == [
        {"name": "collections/%s" % name, "type": "file"}]
    assert filecmp.cmp(os.path.join(context, "_build", "collections", name), release_tarball, shallow=False)
