# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What AWX does with the credential types in extensions/awx/, for the AWX and ansible-runner tests.

Mirrors ``CredentialType.inject_credential`` (awx/main/models/credential.py): only the inputs a
credential has, non-empty, are in the template namespace; every ``injectors.env`` entry is rendered
anyway by a plain ImmutableSandboxedEnvironment, so a template naming an unset field renders as "";
the safe copy AWX stores with the job shows secret fields as "**********".
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from harness import CREDENTIALS, ROOT
from ansible_collections.mimecast.gateway.plugins.module_utils import connection

AWX_DIR = os.path.join(ROOT, "extensions", "awx")
TYPE_FILES = {"v2": "credential_type_api_v2.yml", "v1": "credential_type_api_v1.yml"}
SCHEME_CREDENTIALS = {"v2": connection.V2_CREDENTIALS, "v1": connection.V1_CREDENTIALS}
HIDDEN = "**********"


def load_credential_type(scheme):
    with open(os.path.join(AWX_DIR, TYPE_FILES[scheme])) as handle:
        return yaml.safe_load(handle)


def env_fallbacks():
    """Module option -> the environment variable it falls back to."""
    return dict((name, spec["fallback"][1][0]) for name, spec in connection.CONNECTION_ARGUMENT_SPEC.items()
                if "fallback" in spec)


def secret_fields(credential_type):
    return set(field["id"] for field in credential_type["inputs"]["fields"] if field.get("secret") is True)


def awx_inject_env(credential_type, inputs, safe=False):
    """The env AWX gives a job for a credential with these inputs (safe=True: the copy AWX stores)."""
    namespace = {}
    secrets = secret_fields(credential_type)
    for name, value in inputs.items():
        if isinstance(value, bool):
            namespace[name] = value
        elif safe and name in secrets:
            namespace[name] = HIDDEN
        elif len(value):
            namespace[name] = value
    sandbox = ImmutableSandboxedEnvironment()
    return dict((variable, sandbox.from_string(template).render(**namespace))
                for variable, template in credential_type["injectors"]["env"].items())


def emulator_inputs(scheme, **extra):
    """A complete credential of the scheme holding the emulator's credentials (API 1.0 needs a region)."""
    inputs = dict((name, CREDENTIALS[scheme][env_fallbacks()[name]]) for name in SCHEME_CREDENTIALS[scheme])
    if scheme == "v1":
        inputs["region"] = "eu"
    inputs.update(extra)
    return inputs
