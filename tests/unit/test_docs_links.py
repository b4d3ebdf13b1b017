# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every link and repository path in the README, CONTRIBUTING.md and the guides in docs/docsite/rst/ resolves.

Checked, in each document: Markdown links and images (``[text](target)``, ``[name]: target``), reStructuredText links
(```text <target>`_``, ``.. _name: target``, image and include directives), links to this repository on GitHub
(``https://github.com/mimecast-gateway/mimecast.gateway/blob/main/<path>``, which the guides use because they are
also published on the Ansible docsite, where a relative path would not resolve), and paths written out in the text
or in examples that start with a folder of the repository (``tests/e2e/test_faults.py``). Each must name a file or
folder that exists inside the repository: a moved file, or a path that leaves the repository, fails here.

The guides' ``:ref:`` targets must be labels the guides define, and every guide must be listed in
docs/docsite/extra-docs.yml, so that the docsite shows it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest
import yaml

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DOCSITE = os.path.join(ROOT, "docs", "docsite")
GUIDES = os.path.join(DOCSITE, "rst")
REPOSITORY_URL = "https://github.com/mimecast-gateway/mimecast.gateway/"

# The repository's own folders; a path in the text that starts with one of them names a file of the repository.
# .build and .venv are left out: they hold what make writes, which the docs name but the repository does not hold.
TREE = sorted(name for name in os.listdir(ROOT)
              if os.path.isdir(os.path.join(ROOT, name)) and (not name.startswith(".") or name in (".ci", ".github")))

MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
MARKDOWN_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?(\S+?)>?(?:\s|$)", re.M)
RST_LINK = re.compile(r"(?<![:\w])`[^`<]*<([^`>]+)>`__?")
RST_TARGET = re.compile(r"^[ \t]*\.\. _[^:\n]+:[ \t]+(\S+)[ \t]*$", re.M)
RST_DIRECTIVE = re.compile(r"^[ \t]*\.\. (?:image|figure|include|literalinclude)::[ \t]+(\S+)", re.M)
REPOSITORY_LINK = re.compile(re.escape(REPOSITORY_URL) + r"(?:blob|tree)/main/([^\s`<>)\"'#?]*)")
URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
# A path with a placeholder stands for many files and is checked up to it: tests/e2e/<name>.py as tests/e2e/.
PATH_IN_TEXT = re.compile(r"(?<![\w./@:~$-])((?:%s)/[\w./-]*)" % "|".join(re.escape(name) for name in TREE))

REF = re.compile(r":ref:`(?:[^`<]*<([^`>]+)>|([^`<]+))`")
LABEL = re.compile(r"^\.\. _([^:\s][^:]*):\s*$", re.M)

# The docs name files of the source tree, some of which a built collection leaves out (galaxy.yml's build_ignore:
# tools/, .github/, the Makefile): in an installed copy, which has a MANIFEST.json, there is nothing to check against.
pytestmark = pytest.mark.skipif(os.path.isfile(os.path.join(ROOT, "MANIFEST.json")),
                                reason="a built collection, without the source tree the docs point to")


def documents():
    found = ["README.md"]
    if os.path.isfile(os.path.join(ROOT, "CONTRIBUTING.md")):
        found.append("CONTRIBUTING.md")
    found.extend(os.path.join("docs", "docsite", "rst", name) for name in sorted(os.listdir(GUIDES)) if name.endswith(".rst"))
    return found


def read(relative):
    with open(os.path.join(ROOT, relative)) as handle:
        return handle.read()


def line_of(text, index):
    return text.count("\n", 0, index) + 1


def link_targets(relative, text):
    """(line, target, resolved path or None) for each link of the document that is not to another site."""
    patterns = [MARKDOWN_LINK, MARKDOWN_REFERENCE] if relative.endswith(".md") else [RST_LINK, RST_TARGET, RST_DIRECTIVE]
    base = os.path.dirname(os.path.join(ROOT, relative))
    for pattern in patterns:
        for match in pattern.finditer(text):
            target = match.group(1)
            if target.startswith(REPOSITORY_URL):
                continue  # checked with the other links to the repository
            if target.startswith("#") or target.startswith("mailto:"):
                continue
            if URL.match(target):
                if target.lower().startswith("file:"):
                    yield line_of(text, match.start()), target, None
                continue
            path = target.split("#")[0]
            # An absolute path is one of the machine that wrote the docs, never of the repository.
            yield line_of(text, match.start()), target, None if os.path.isabs(path) else os.path.join(base, path)


def repository_paths(text):
    """(line, text as written, path in the repository) for each link to the repository and path written out."""
    for match in REPOSITORY_LINK.finditer(text):
        yield line_of(text, match.start()), match.group(0), os.path.join(ROOT, match.group(1))
    for match in PATH_IN_TEXT.finditer(text):
        yield line_of(text, match.start()), match.group(1), os.path.join(ROOT, match.group(1).rstrip("."))


def inside_repository(path):
    real = os.path.realpath(path)
    return real == ROOT or real.startswith(ROOT + os.sep)


def git_ignored_files():
    """Files .gitignore names one by one: files the docs tell the user to create (a filled config), never shipped."""
    path = os.path.join(ROOT, ".gitignore")
    if not os.path.exists(path):
        return set()
    with open(path) as handle:
        return set(os.path.join(ROOT, line.strip()) for line in handle
                   if line.strip() and not line.startswith("#") and not any(char in line for char in "*?[]!") and not line.strip().endswith("/"))


def problems(relative, text):
    user_files = git_ignored_files()
    found = []
    for line, target, resolved in list(link_targets(relative, text)) + list(repository_paths(text)):
        if resolved is None or not inside_repository(resolved):
            problem = "%s:%d: %s points outside the repository" % (relative, line, target)
        elif not os.path.exists(resolved) and os.path.normpath(resolved) not in user_files:
            problem = "%s:%d: %s does not exist" % (relative, line, target)
        else:
            continue
        if problem not in found:  # a link whose text is its path is found twice
            found.append(problem)
    return found


@pytest.mark.parametrize("relative", documents())
def test_every_link_and_path_resolves_inside_the_repository(relative):
    assert problems(relative, read(relative)) == []


def test_the_checks_catch_each_kind_of_broken_link():
    """A check whose patterns found nothing would pass on anything: each kind of link, broken, is reported."""
    markdown = ("[a](docs/nowhere.md) and [b](../outside.md), ![c](/etc/passwd), [fine](LICENSE#top), [e](#anchor)\n"
                "[d]: missing.md\nIn ``plugins/modules/nowhere.py`` and <img>: [f](file:///etc/hosts)\n")
    assert problems("README.md", markdown) == [
        "README.md:1: docs/nowhere.md does not exist",
        "README.md:1: ../outside.md points outside the repository",
        "README.md:1: /etc/passwd points outside the repository",
        "README.md:3: file:///etc/hosts points outside the repository",
        "README.md:2: missing.md does not exist",
        "README.md:3: plugins/modules/nowhere.py does not exist",
    ]
    guide = os.path.join("docs", "docsite", "rst", "guide_x.rst")
    rst = ("`a <missing.rst>`__, ``tests/e2e/test_nowhere.py`` and ``tests/e2e/<name>.py``, `site <https://example.com>`_\n"
           "`b <%sblob/main/plugins/modules/nowhere.py>`__ `c <%stree/main/plugins/modules>`__\n\n"
           ".. _x: ../../../../outside.rst\n\n.. image:: ../../missing.png\n" % (REPOSITORY_URL, REPOSITORY_URL))
    assert problems(guide, rst) == [
        guide + ":1: missing.rst does not exist",
        guide + ":4: ../../../../outside.rst points outside the repository",
        guide + ":6: ../../missing.png does not exist",
        guide + ":2: %sblob/main/plugins/modules/nowhere.py does not exist" % REPOSITORY_URL,
        guide + ":1: tests/e2e/test_nowhere.py does not exist",
    ]


def guide_names():
    return [name[:-4] for name in sorted(os.listdir(GUIDES)) if name.endswith(".rst")]


def test_every_reference_is_to_a_label_of_the_guides():
    labels = set()
    references = []
    for name in guide_names():
        text = read(os.path.join(GUIDES, name + ".rst"))
        labels.update(LABEL.findall(text))
        references.extend((name, match.group(1) or match.group(2), line_of(text, match.start()))
                          for match in REF.finditer(text))
    assert references, "the guides refer to one another nowhere"
    assert ["%s.rst:%d: %s" % (name, line, label) for name, label, line in references if label.strip() not in labels] == []


def test_every_guide_is_on_the_docsite():
    with open(os.path.join(DOCSITE, "extra-docs.yml")) as handle:
        sections = yaml.safe_load(handle)["sections"]
    listed = [entry if isinstance(entry, str) else entry["ref"] for section in sections for entry in section["toctree"]]
    assert sorted(set(guide_names()) - set(listed)) == []
