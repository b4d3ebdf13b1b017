# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every module does around its own ``run(module, client)``.

Build the AnsibleModule from the shared argument spec, check that requests is
installed, resolve the connection, run, and exit with the result ``run`` returns
(``changed`` false unless it says otherwise), or turn any MimecastError into
``fail_json``: the one place where errors reach the user.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import gc

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mimecast.gateway.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.mimecast.gateway.plugins.module_utils.client import MimecastClient
from ansible_collections.mimecast.gateway.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC,
    ConnectionSettings,
    connection_argument_spec,
)
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastError


def new_module(argument_spec, result_options=True, **kwargs):
    """An AnsibleModule with the shared connection options added to the module's own.

    ``result_options`` adds the options of modules that return lists (page_size, max_results,
    summary_only). Every module supports check mode: a read module reads as usual; a module that
    changes state reads what it would change and returns it without changing anything.
    """
    spec = connection_argument_spec(**argument_spec) if result_options else dict(CONNECTION_ARGUMENT_SPEC, **argument_spec)
    return AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)


@contextlib.contextmanager
def _cyclic_gc_off():
    """Python's cyclic garbage collector off, then back as it was, however the block ends.

    A module process builds one large result without reference cycles, copies it (exit_json's no_log scrub) and
    exits: the collector only rescans it as it grows, a tenth of the module's time at 20,000 items, while reference
    counting still frees everything. Restored for callers in a longer-lived process (tests).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def execute(module, run, client_factory=MimecastClient):
    """Run ``run(module, client)`` and exit the module with its result, or fail cleanly."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    with _cyclic_gc_off():
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
        result.setdefault("changed", False)
        module.exit_json(**result)
