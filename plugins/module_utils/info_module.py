# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every info module does around its own ``run(module, client)``.

Build the AnsibleModule from the shared argument spec, check that requests is
installed, resolve the connection, run, and turn any MimecastError into
``fail_json``: the one place where errors reach the user.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mimecast.gateway.plugins.module_utils.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    MimecastClient,
)
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import (
    ConnectionSettings,
    connection_argument_spec,
)
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastError, MimecastOptionError


def new_module(argument_spec, **kwargs):
    """An AnsibleModule with the shared connection options added to the module's own."""
    return AnsibleModule(argument_spec=connection_argument_spec(**argument_spec), supports_check_mode=True, **kwargs)


def execute(module, run, client_factory=MimecastClient):
    """Run ``run(module, client)`` and exit the module with its result, or fail cleanly."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        settings = ConnectionSettings.from_params(module.params)
        for warning in settings.warnings:
            module.warn(warning)
        client = client_factory(settings)
        try:
            result = run(module, client)
        finally:
            client.close()
    except MimecastError as err:
        module.fail_json(**err.to_fail_json())
    module.exit_json(changed=False, **result)


def require_text(value, option):
    """A search value must say something: reject empty and whitespace-only strings."""
    if value is None:
        return None
    if not str(value).strip():
        raise MimecastOptionError(option, "%s must not be empty or only whitespace" % option)
    return value


def search_by(params, option="search_by"):
    """Map a ``search_by`` option to Mimecast's ``searchBy`` object, or None."""
    value = params.get(option)
    if not value:
        return None
    require_text(value.get("value"), "%s.value" % option)
    return {"fieldName": value["field_name"], "value": value["value"]}
