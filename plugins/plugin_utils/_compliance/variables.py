# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role's variables: their names, read from the role's argument spec, and the error that names one.

``roles/mail_flow_compliance/meta/argument_specs.yml`` is the one list of the role's variables: ansible-doc
and docs/reference show it, Ansible checks each variable's type with it, and here it tells a misspelt
variable name from a real one. The role ships in the same collection as this file, so it is read from
there, once, when first needed.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib
import functools
import os

import yaml


PREFIX = "mail_flow_compliance_"
# Facts the role sets for itself carry a double underscore and are never user input.
PRIVATE_PREFIX = PREFIX + "_"
# Facts the role sets for the play to use afterwards: not typos.
OUTPUTS = ("report",)

# plugins/plugin_utils/_compliance/ -> the collection's root.
COLLECTION_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
ARGUMENT_SPECS = os.path.join(COLLECTION_ROOT, "roles", "mail_flow_compliance", "meta", "argument_specs.yml")


class SettingsError(ValueError):
    """One thing wrong with the role's variables; the text names the variable."""


@functools.lru_cache(maxsize=None)
def role_variables(path=ARGUMENT_SPECS):
    """The role's variables without their prefix, in the argument spec's order: ``('connection', 'account', ...)``."""
    try:
        with open(path, "rb") as handle:
            options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise RuntimeError("mimecast.gateway is incomplete: cannot read the mail_flow_compliance role's variables from %s (%s)"
                           % (path, exc))
    return tuple(name[len(PREFIX):] for name in options)


def split_list(value):
    """``json,html`` -> ``['json', 'html']``, as the argument spec reads a list given as text (-e name=a,b)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def unknown_variables(names):
    """Variables that carry the role's prefix but are not the role's: most likely typos."""
    known = set(PREFIX + name for name in role_variables() + OUTPUTS)
    problems = []
    for name in sorted(set(names or [])):
        if not str(name).startswith(PREFIX) or name in known or str(name).startswith(PRIVATE_PREFIX):
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = "; did you mean %s?" % close[0] if close else "; the role's variables are %s" % ", ".join(sorted(known))
        problems.append("unknown variable %s%s" % (name, hint))
    return problems
