# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX credential types in extensions/awx/: accepted by AWX, rendered as AWX renders them, and usable.

AWX's rules, mirrored here (awx/main/fields.py and awx/main/models/credential.py):

- Saving a type validates ``inputs`` against a fixed schema and renders every injector template
  with StrictUndefined and each defined field set to "EXAMPLE".
- At job launch, only the inputs a credential has, non-empty, are in the template namespace.
  Every ``injectors.env`` entry is rendered anyway, by a plain ImmutableSandboxedEnvironment,
  so a template naming an unset field renders as "". The safe copy AWX stores with the job
  renders secret fields as "**********".
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import itertools
import json
import os
import re

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from awx_injection import HIDDEN, SCHEME_CREDENTIALS, TYPE_FILES, awx_inject_env, emulator_inputs, env_fallbacks, secret_fields
from awx_injection import load_credential_type as load
from harness import ROOT
from playbook_factory import RUN_MODULE
from ansible_collections.mimecast.gateway.plugins.module_utils import connection

pytestmark = pytest.mark.e2e

REGION_HOSTS = {"v2": connection.V2_REGIONS, "v1": connection.V1_REGIONS}

# awx/main/fields.py: CredentialTypeInputField's schema.
FIELD_KEYS = {"id", "label", "type", "format", "choices", "help_text", "multiline", "secret", "ask_at_runtime", "default"}
ENV_NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")


@pytest.mark.parametrize("scheme", sorted(TYPE_FILES))
def test_definition_passes_awx_validation(scheme):
    credential_type = load(scheme)
    assert set(credential_type) == {"name", "description", "kind", "inputs", "injectors"}
    assert credential_type["kind"] == "cloud"  # the kind AWX allows for custom types
    fields = credential_type["inputs"]["fields"]
    ids = [field["id"] for field in fields]
    assert len(ids) == len(set(ids)) and "tower" not in ids
    for field in fields:
        assert set(field) <= FIELD_KEYS and {"id", "label"} <= set(field), field
        assert ENV_NAME.match(field["id"])
        assert field.get("type", "string") == "string"
        if "default" in field:
            assert isinstance(field["default"], str) and field["default"] in field.get("choices", [field["default"]])
    assert set(credential_type["inputs"]["required"]) <= set(ids)
    assert set(credential_type["injectors"]) == {"env"}
    sandbox = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for variable, template in credential_type["injectors"]["env"].items():
        assert ENV_NAME.match(variable) and not variable.startswith("ANSIBLE_")
        sandbox.from_string(template).render(dict((field_id, "EXAMPLE") for field_id in ids))


@pytest.mark.parametrize("scheme", sorted(TYPE_FILES))
def test_secret_fields_are_exactly_the_module_no_log_options(scheme):
    credential_type = load(scheme)
    module_secrets = set(connection.SECRET_OPTIONS) & set(SCHEME_CREDENTIALS[scheme])
    assert secret_fields(credential_type) == module_secrets
    assert module_secrets  # client_secret; access_key, secret_key, app_key


@pytest.mark.parametrize("scheme", sorted(TYPE_FILES))
def test_injects_only_this_scheme_and_the_base_url(scheme):
    credential_type = load(scheme)
    fallbacks = env_fallbacks()
    expected = set(fallbacks[name] for name in SCHEME_CREDENTIALS[scheme]) | {fallbacks["base_url"]}
    assert set(credential_type["injectors"]["env"]) == expected
    assert set(SCHEME_CREDENTIALS[scheme]) <= set(credential_type["inputs"]["required"])


def _optional_combinations(scheme):
    regions = ([None] if scheme == "v2" else []) + sorted(REGION_HOSTS[scheme])
    base_urls = [None, "", "   ", "https://mimecast-gateway.example.net"]
    return list(itertools.product(regions, base_urls))


@pytest.mark.parametrize("scheme", sorted(TYPE_FILES))
def test_no_variable_renders_empty_whatever_optional_fields_are_left_out(scheme):
    """The modules refuse an empty MIMECAST_* variable, and AWX sets every injector variable on every job."""
    credential_type = load(scheme)
    for region, base_url in _optional_combinations(scheme):
        inputs = emulator_inputs(scheme)
        inputs.pop("region", None)
        if region is not None:
            inputs["region"] = region
        if base_url is not None:
            inputs["base_url"] = base_url
        env = awx_inject_env(credential_type, inputs)
        assert all(value.strip() for value in env.values()), (inputs, env)
        expected_url = (base_url or "").strip() or REGION_HOSTS[scheme][region or "global"]
        assert env["MIMECAST_BASE_URL"] == expected_url, (region, base_url)
        for name in SCHEME_CREDENTIALS[scheme]:
            assert env[env_fallbacks()[name]] == inputs[name]


@pytest.mark.parametrize("scheme", sorted(TYPE_FILES))
def test_region_choices_are_the_module_regions(scheme):
    region = [field for field in load(scheme)["inputs"]["fields"] if field["id"] == "region"][0]
    assert sorted(region["choices"]) == sorted(REGION_HOSTS[scheme])


@pytest.mark.parametrize("scheme", sorted(TYPE_FILES))
def test_stored_job_env_hides_every_secret(scheme):
    credential_type = load(scheme)
    inputs = emulator_inputs(scheme, base_url="https://mimecast-gateway.example.net")
    safe_env = awx_inject_env(credential_type, inputs, safe=True)
    secrets = [inputs[name] for name in secret_fields(credential_type)]
    assert secrets and not [value for value in safe_env.values() if any(secret in value for secret in secrets)]
    assert safe_env[env_fallbacks()["client_secret" if scheme == "v2" else "secret_key"]] == HIDDEN


@pytest.mark.parametrize("scheme", sorted(TYPE_FILES))
def test_module_runs_with_the_injected_environment(fresh_emulator, ansible_playbook, scheme):
    env = awx_inject_env(load(scheme), emulator_inputs(scheme, base_url=fresh_emulator.base_url))
    run = ansible_playbook(RUN_MODULE, env=env, extra_vars=dict(module="hold", module_args=dict(start="-30d")))
    assert run.rc == 0, run
    held = run.results()["Run mimecast_hold_info"]
    assert held["count"] == len(fresh_emulator.data()["held"]) > 0
    calls = fresh_emulator.api_requests()
    assert calls and all(call["status"] == 200 for call in calls)
    # API 1.0 requests carry the HMAC signing headers; API 2.0 requests a bearer token first.
    assert set("x-mc-date" in call["headers"] for call in calls) == {scheme == "v1"}
    secrets = [value for name, value in env.items() if name != "MIMECAST_BASE_URL" and "ID" not in name]
    assert not [secret for secret in secrets if secret in run.output]


STUB_MODULE = '''# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function
__metaclass__ = type
import json
import os
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(
        name=dict(required=True), new_name=dict(), description=dict(), kind=dict(), inputs=dict(type="dict"),
        injectors=dict(type="dict"), state=dict(default="present", choices=["present", "absent", "exists"])))
    with open(os.environ["AWX_STUB_LOG"], "a") as log:
        log.write(json.dumps(module.params) + "\\n")
    module.exit_json(changed=True)


if __name__ == "__main__":
    main()
'''


def test_creation_playbook_sends_the_definitions_unchanged(ansible_playbook, tmp_path):
    """playbooks/awx_credential_type.yml against a stand-in awx.awx.credential_type that records its arguments.

    The injector templates must reach AWX as written: Ansible must not render them itself.
    """
    modules = tmp_path / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    modules.mkdir(parents=True)
    (modules / "credential_type.py").write_text(STUB_MODULE)
    log = tmp_path / "calls.jsonl"
    env = dict(ANSIBLE_COLLECTIONS_PATH=os.pathsep.join([os.path.join(ROOT, ".build", "collections"), str(tmp_path)]),
               AWX_STUB_LOG=str(log))
    run = ansible_playbook(os.path.join(ROOT, "playbooks", "awx_credential_type.yml"), env=env)
    assert run.rc == 0, run
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(calls) == len(TYPE_FILES)
    for call, scheme in zip(calls, ("v2", "v1")):
        definition = load(scheme)
        sent = dict((key, call[key]) for key in definition)
        assert sent == definition
        assert call["state"] == "present"
    assert calls[0]["injectors"]["env"]["MIMECAST_CLIENT_SECRET"] == "{{ client_secret }}"
