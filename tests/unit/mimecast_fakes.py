# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fakes shared by the unit tests: the one module they import them from.

Each fake lives in the module of its concern, and this module gathers them:

- ``fake_settings``: the fixed "now", credentials and base URLs, and the module params and settings built from them;
- ``fake_transport``: scripted answers, ``FakeTransport`` (HTTP faked at the ``requests`` adapter), ``FakeClock``
  and ``make_client``, a real MimecastClient wired to both;
- ``record_server``: ``RecordServer``, a list endpoint holding dated records, and Mimecast's form of a date;
- ``fake_module``: ``ExitJson``/``FailJson``, ``FakeModule`` and ``call_main``, a module's main() end to end.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# pylint: disable=unused-import
from ansible_collections.mimecast.gateway.tests.unit.fake_module import (
    ExitJson,
    FailJson,
    FakeModule,
    call_main,
    patch_module_args,
    patch_module_exits,
)
from ansible_collections.mimecast.gateway.tests.unit.fake_settings import (
    ACCESS_KEY,
    APP_ID,
    APP_KEY,
    BEARER,
    CLIENT_ID,
    CLIENT_SECRET,
    ENV_VARIABLES,
    FIXED_NOW,
    SECRET_KEY,
    SECRET_KEY_BYTES,
    UTC,
    V1_BASE,
    V1_CREDENTIALS,
    V2_BASE,
    V2_CREDENTIALS,
    default_params,
    v1_params,
    v1_settings,
    v2_params,
    v2_settings,
)
from ansible_collections.mimecast.gateway.tests.unit.fake_transport import (
    Answer,
    FakeClock,
    FakeTransport,
    envelope,
    fail_answer,
    fake_session,
    flat_fail_answer,
    form_of,
    html_answer,
    make_client,
    page,
    request_text,
    token_answer,
)
from ansible_collections.mimecast.gateway.tests.unit.record_server import RecordServer, RequestLimit, epoch_of, mimecast_time
