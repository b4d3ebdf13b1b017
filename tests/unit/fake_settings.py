# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fixed "now", credentials and base URLs of the unit tests, and the module params and settings built from them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime

from ansible_collections.mimecast.gateway.plugins.module_utils.connection import ConnectionSettings, connection_argument_spec


UTC = datetime.timezone.utc
# A fixed "now" for dates, summaries and x-mc-date: Monday 4 May 2026, 12:00:00 UTC.
FIXED_NOW = datetime.datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)

V2_BASE = "https://api.services.mimecast.com"
V1_BASE = "https://eu-api.mimecast.com"

CLIENT_ID = "test-client-id-0a1b"
CLIENT_SECRET = "CLIENT-SECRET-7f3a9c2d"
ACCESS_KEY = "ACCESS-KEY-4d2e8b"
SECRET_KEY_BYTES = b"v1-secret-key-bytes-\x00\xff"
SECRET_KEY = base64.b64encode(SECRET_KEY_BYTES).decode("ascii")
APP_ID = "test-app-id-6c5d"
APP_KEY = "APP-KEY-SECRET-91b0e4"
BEARER = "BEARER-TOKEN-5e6f7a8b"

V2_CREDENTIALS = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
V1_CREDENTIALS = dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY, app_id=APP_ID, app_key=APP_KEY)

ENV_VARIABLES = (
    "MIMECAST_CLIENT_ID", "MIMECAST_CLIENT_SECRET", "MIMECAST_ACCESS_KEY", "MIMECAST_SECRET_KEY",
    "MIMECAST_APP_ID", "MIMECAST_APP_KEY", "MIMECAST_BASE_URL", "MIMECAST_REGION", "MIMECAST_VALIDATE_CERTS",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
)


def default_params(module_spec=None, **overrides):
    """Module params as AnsibleModule would build them with no option given: every key, at its default."""
    spec = connection_argument_spec(**(module_spec or {}))
    params = dict((name, option.get("default")) for name, option in spec.items())
    for name, value in overrides.items():
        if name not in params:
            raise AssertionError("%s is not an option" % name)
        params[name] = value
    return params


def v2_params(module_spec=None, **overrides):
    options = dict(V2_CREDENTIALS)
    options.update(overrides)
    return default_params(module_spec, **options)


def v1_params(module_spec=None, **overrides):
    options = dict(V1_CREDENTIALS, region="eu")
    options.update(overrides)
    return default_params(module_spec, **options)


def v2_settings(**overrides):
    return ConnectionSettings.from_params(v2_params(**overrides))


def v1_settings(**overrides):
    return ConnectionSettings.from_params(v1_params(**overrides))
