# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module registry agrees with the collection: one test profile per module, and a module's files in place.

A Mimecast API module is its plugins/modules/mimecast_<name>.py; CONTRIBUTING.md lists the files a new module
takes, and these tests name whichever one is missing. Any other file in plugins/modules/ documents an action plugin.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import importlib
import os

import pytest
import yaml

from ansible_collections.mimecast.gateway.plugins.module_utils import endpoints
from ansible_collections.mimecast.gateway.tests import module_registry

ROOT = module_registry.ROOT
PLUGIN_NAMES = sorted(os.path.splitext(os.path.basename(path))[0]
                      for path in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))
                      if not path.endswith("__init__.py"))
# The Mimecast API modules are the mimecast_* ones; the others document an action plugin that works on the controller.
MODULE_NAMES = [name for name in PLUGIN_NAMES if name.startswith("mimecast_")]
ACTION_NAMES = [name for name in PLUGIN_NAMES if name not in MODULE_NAMES]
PROFILE_NAMES = sorted(module_registry.profile_files())


def profile_path(name):
    return os.path.join("tests", "integration", "targets", name, module_registry.PROFILE)


def test_every_module_has_a_test_profile():
    missing = ["plugins/modules/%s.py has no test profile: add %s" % (name, profile_path(name))
               for name in MODULE_NAMES if name not in PROFILE_NAMES]
    assert not missing, "\n".join(missing)


def test_every_test_profile_is_of_a_module():
    orphans = ["%s is the profile of no module: there is no plugins/modules/%s.py" % (profile_path(name), name)
               for name in PROFILE_NAMES if name not in MODULE_NAMES]
    assert not orphans, "\n".join(orphans)


def test_the_action_group_holds_every_module():
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        group = yaml.safe_load(handle)["action_groups"]["mimecast"]
    assert sorted(group) == MODULE_NAMES, "meta/runtime.yml's action group mimecast must list every module once"


@pytest.mark.parametrize("name", ACTION_NAMES)
def test_every_other_module_documents_an_action_plugin_and_calls_no_api(name):
    assert os.path.isfile(os.path.join(ROOT, "plugins", "action", name + ".py")), \
        "plugins/modules/%s.py is not a Mimecast API module (mimecast_*), so it documents plugins/action/%s.py" % (name, name)
    plugin = importlib.import_module("ansible_collections.mimecast.gateway.plugins.modules." + name)
    assert not hasattr(plugin, "main"), "plugins/modules/%s.py holds only the action plugin's documentation" % name
    assert os.path.isfile(os.path.join(ROOT, "docs", "reference", "%s_module.md" % name))
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        assert name not in yaml.safe_load(handle)["action_groups"]["mimecast"], "the mimecast group is for API modules"


@pytest.mark.parametrize("module", module_registry.ALL, ids=repr)
def test_the_module_files_are_in_place(module):
    files = ["tests/unit/plugins/modules/test_%s.py" % module.name,
             "tests/integration/targets/%s/aliases" % module.name,
             "tests/integration/targets/%s/tasks/main.yml" % module.name,
             "docs/reference/%s_module.md" % module.name]
    missing = [name for name in files if not os.path.isfile(os.path.join(ROOT, name))]
    assert not missing, "%s lacks %s (see CONTRIBUTING.md)" % (module.name, ", ".join(missing))


@pytest.mark.parametrize("module", module_registry.ALL, ids=repr)
def test_the_profile_fact_is_a_documented_list(module):
    plugin = importlib.import_module("ansible_collections.mimecast.gateway.plugins.modules." + module.name)
    returned = yaml.safe_load(plugin.RETURN)
    assert returned.get(module.fact, {}).get("type") == "list", \
        "%s: fact %s is not a list in %s's RETURN" % (module.source, module.fact, module.name)


@pytest.mark.parametrize("module", module_registry.ALL, ids=repr)
def test_the_profile_paths_are_endpoints_of_the_client(module):
    known = dict((endpoint.path, endpoint) for endpoint in endpoints.ENDPOINTS)
    assert [path for path in module.paths if path not in known] == [], \
        "%s: paths not in plugins/module_utils/endpoints.py" % module.source
    if module.read_only:
        assert module.answer_items == known[module.path].items_key, \
            "%s: answer_items is not the items_key endpoints.py gives %s" % (module.source, module.path)


PROFILE = dict(key="example", paths=["/api/example"], fact="items", read_only=True, list_all={}, answer_items=None,
               raw_answer_item=dict(id="e"), bad_input=[dict(name="example-row", option="start")])


@pytest.mark.parametrize("change, problem", [
    (dict(paths=[]), "paths must be a list of API paths"),
    (dict(read_only="yes"), "read_only must be true or false"),
    (dict(bad_input=[]), "bad_input must list at least one row"),
    (dict(bad_input=[dict(name="no-option")]), "every bad_input row needs name and option"),
    (dict(bad_input=[dict(name="typo", option="start", arg={})]), "bad_input row typo: unknown keys arg"),
    (dict(bad_input=[dict(name="v3", option="start", scheme="v3")]), "scheme must be one of v1, v2"),
    (dict(listall={}), "unknown keys listall"),
    (dict(read_only=False), "list_all, answer_items, raw_answer_item only apply to a read-only module"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_a_wrong_profile_fails_naming_its_file_and_the_problem(change, problem):
    profile = dict(PROFILE, **change)
    with pytest.raises(module_registry.ProfileError) as caught:
        module_registry.Module("mimecast_example", profile, "tests/integration/targets/mimecast_example/vars/profile.yml")
    assert str(caught.value).startswith("tests/integration/targets/mimecast_example/vars/profile.yml: ")
    assert problem in str(caught.value)


@pytest.mark.parametrize("missing", ["key", "fact", "bad_input", "list_all", "raw_answer_item"])
def test_a_profile_without_a_key_it_needs_fails_naming_the_key(missing):
    profile = dict(PROFILE)
    del profile[missing]
    with pytest.raises(module_registry.ProfileError, match=r"^source: .*\b%s\b" % missing):
        module_registry.Module("mimecast_example", profile, "source")


def test_a_file_without_the_profile_variable_fails_naming_it(tmp_path):
    path = tmp_path / "profile.yml"
    path.write_text(u"---\nkey: example\n")
    with pytest.raises(module_registry.ProfileError, match="the profile goes under the one variable module_profile"):
        module_registry.load("mimecast_example", str(path))


def test_the_profiles_read_as_modules():
    assert [module.name for module in module_registry.ALL] == PROFILE_NAMES
    assert len(set(module.key for module in module_registry.ALL)) == len(module_registry.ALL)
    assert all(module.read_only == (module.list_all is not None) for module in module_registry.ALL)
