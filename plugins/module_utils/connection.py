# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection options: defined once, shared by every module.

The argument specs here match the ``mimecast.gateway.connection`` and
``mimecast.gateway.results`` doc fragments. ``ConnectionSettings.from_params``
turns the options into a checked, ready-to-use description of where and how to
call Mimecast, or fails naming the option at fault, before any request.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import os
import re
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.plugins.module_utils.options import whole_number_in_range


API_V2 = "2.0"
API_V1 = "1.0"

V2_CREDENTIALS = ("client_id", "client_secret")
V1_CREDENTIALS = ("access_key", "secret_key", "app_id", "app_key")
SECRET_OPTIONS = ("client_secret", "secret_key", "app_key", "access_key")

V2_REGIONS = dict(
    [("global", "https://api.services.mimecast.com"),
     ("uk", "https://uk-api.services.mimecast.com"),
     ("us", "https://us-api.services.mimecast.com")]
)
V1_REGIONS = dict(
    (region, "https://%s-api.mimecast.com" % region)
    for region in ("eu", "de", "us", "usb", "ca", "za", "au", "je", "sandbox")
)
ALL_REGIONS = sorted(set(V2_REGIONS) | set(V1_REGIONS))

# API 1.0 hosts are <region>-api.mimecast.com; API 2.0 hosts are [<region>-]api.services.mimecast.com.
_V1_HOST = re.compile(r"^[a-z0-9]+-api\.mimecast\.com$")
_V2_HOST = re.compile(r"^(?:[a-z0-9]+-)?api\.services\.mimecast\.com$")

MAX_PAGE_SIZE = 500


def _env(*names):
    return (env_fallback, list(names))


CONNECTION_ARGUMENT_SPEC = dict(
    client_id=dict(type="str", fallback=_env("MIMECAST_CLIENT_ID")),
    client_secret=dict(type="str", no_log=True, fallback=_env("MIMECAST_CLIENT_SECRET")),
    access_key=dict(type="str", no_log=True, fallback=_env("MIMECAST_ACCESS_KEY")),
    secret_key=dict(type="str", no_log=True, fallback=_env("MIMECAST_SECRET_KEY")),
    app_id=dict(type="str", fallback=_env("MIMECAST_APP_ID")),
    app_key=dict(type="str", no_log=True, fallback=_env("MIMECAST_APP_KEY")),
    base_url=dict(type="str", fallback=_env("MIMECAST_BASE_URL")),
    region=dict(type="str", choices=ALL_REGIONS, fallback=_env("MIMECAST_REGION")),
    validate_certs=dict(type="bool", default=True, fallback=_env("MIMECAST_VALIDATE_CERTS")),
    ca_path=dict(type="path"),
    proxy=dict(type="str"),
    timeout=dict(type="float", default=30),
    retries=dict(type="int", default=5),
    max_retry_wait=dict(type="float", default=300),
)

# How results are fetched and returned; documented by the mimecast.gateway.results doc fragment.
RESULT_ARGUMENT_SPEC = dict(
    page_size=dict(type="int", default=100),
    max_results=dict(type="int"),
    summary_only=dict(type="bool", default=False),
)


def connection_argument_spec(**module_options):
    """The module's full argument spec: the shared options plus its own."""
    spec = dict(CONNECTION_ARGUMENT_SPEC)
    spec.update(RESULT_ARGUMENT_SPEC)
    spec.update(module_options)
    return spec


def _given(params, name):
    """Whether a credential option was given; a blank one is an error, not an absence."""
    value = params.get(name)
    if value is None:
        return False
    if not str(value).strip():
        raise MimecastOptionError(name, "%s is empty; give a value or leave the option out" % name)
    return True


class ConnectionSettings:
    """Where and how to call Mimecast, checked and resolved from the module options."""

    def __init__(self, scheme, base_url, credentials, validate_certs=True, ca_path=None, proxy=None,
                 timeout=30.0, retries=5, max_retry_wait=300.0, page_size=100, max_results=None, warnings=None):
        self.scheme = scheme
        self.base_url = base_url
        self.credentials = credentials
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.proxy = proxy
        self.timeout = timeout
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self.page_size = page_size
        self.max_results = max_results
        self.warnings = list(warnings or [])

    @property
    def secrets(self):
        """Every secret value in play, for redaction."""
        return [self.credentials[name] for name in SECRET_OPTIONS if self.credentials.get(name)]

    @classmethod
    def from_params(cls, params):
        """Checked settings from the options; a MimecastOptionError names the option at fault, and the
        environment variable its value came from, if it did."""
        try:
            return cls._from_params(params)
        except MimecastOptionError as err:
            raise _naming_the_environment(err, params)

    @classmethod
    def _from_params(cls, params):
        warnings = []
        scheme, credentials = _credentials(params)
        base_url = _base_url(params, scheme, warnings)
        return cls(
            scheme=scheme,
            base_url=base_url,
            credentials=credentials,
            validate_certs=params.get("validate_certs", True),
            ca_path=params.get("ca_path"),
            proxy=_proxy(params.get("proxy")),
            timeout=_positive(params, "timeout", 30.0),
            retries=_at_least(params, "retries", 0, 5),
            max_retry_wait=_at_least(params, "max_retry_wait", 0, 300.0),
            page_size=_page_size(params),
            max_results=_max_results(params),
            warnings=warnings,
        )


def _credentials(params):
    v2 = [name for name in V2_CREDENTIALS if _given(params, name)]
    v1 = [name for name in V1_CREDENTIALS if _given(params, name)]
    if v2 and v1:
        raise MimecastOptionError(
            v1[0],
            "Both API 2.0 credentials (%s) and API 1.0 credentials (%s) were given (as options or MIMECAST_* "
            "environment variables); give only one set" % (", ".join(v2), ", ".join(v1)))
    if not v2 and not v1:
        raise MimecastOptionError(
            "client_id",
            "No Mimecast credentials: give client_id and client_secret (API 2.0), or access_key, secret_key, "
            "app_id and app_key (API 1.0), as options or MIMECAST_* environment variables")
    scheme, names, given = (API_V2, V2_CREDENTIALS, v2) if v2 else (API_V1, V1_CREDENTIALS, v1)
    missing = [name for name in names if name not in given]
    if missing:
        # Credentials often come from MIMECAST_* variables (AWX credential types inject them): say which did.
        sources = [_with_source(params, name) for name in given]
        how = ("give it as an option or as the environment variable %s" if len(missing) == 1
               else "give them as options or as the environment variables %s") % ", ".join(_variable(name) for name in missing)
        raise MimecastOptionError(
            missing[0],
            "API %s credentials are incomplete: %s given, %s missing; %s"
            % (scheme, ", ".join(sources), ", ".join(missing), how))
    credentials = dict((name, str(params[name]).strip()) for name in names)
    if scheme == API_V1:
        credentials["secret_key_bytes"] = _decode_secret_key(credentials["secret_key"])
    return scheme, credentials


def _decode_secret_key(value):
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if not decoded:
        # Never echo the value: it is a secret, even when malformed.
        raise MimecastOptionError(
            "secret_key", "secret_key is not valid base64; give the secret key exactly as Mimecast issued it")
    return decoded


def _base_url(params, scheme, warnings):
    region = params.get("region")
    url = params.get("base_url")
    if url is not None and str(url).strip():
        if region:
            warnings.append("Both base_url and region were given; base_url %s is used and region %s is ignored" % (url, region))
        return _check_url(str(url).strip(), scheme)
    if url is not None:
        raise MimecastOptionError("base_url", "base_url is empty; give a URL such as https://api.services.mimecast.com, or use region")
    regions = V2_REGIONS if scheme == API_V2 else V1_REGIONS
    if region is None:
        if scheme == API_V2:
            return V2_REGIONS["global"]
        raise MimecastOptionError(
            "region", "API 1.0 keys are regional: give region (one of %s) or base_url" % ", ".join(sorted(V1_REGIONS)))
    if region not in regions:
        raise MimecastOptionError(
            "region",
            "region %s is not an API %s region; with API %s credentials use one of: %s"
            % (region, scheme, scheme, ", ".join(sorted(regions))))
    return regions[region]


def _check_url(url, scheme):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MimecastOptionError("base_url", "base_url %s is not an http:// or https:// URL" % url[:200])
    host = parts.hostname.lower()
    if "xx-api" in host:
        if scheme == API_V2:
            real = "for API 2.0 credentials, https://api.services.mimecast.com, or region global, uk or us"
        else:
            real = ("for API 1.0 keys, your region's host, https://<region>-api.mimecast.com, or region one of %s"
                    % ", ".join(sorted(V1_REGIONS)))
        raise MimecastOptionError(
            "base_url", "base_url %s uses the xx-api placeholder from Mimecast's samples; use your account's real host: %s"
            % (url[:200], real))
    if scheme == API_V2 and _V1_HOST.match(host):
        raise MimecastOptionError(
            "base_url",
            "base_url %s is an API 1.0 host, which rejects API 2.0 (client_id/client_secret) tokens; use "
            "https://api.services.mimecast.com or region global, uk or us" % url[:200])
    if scheme == API_V1 and _V2_HOST.match(host):
        raise MimecastOptionError(
            "base_url",
            "base_url %s is an API 2.0 host, which does not accept API 1.0 signed requests; use your API 1.0 "
            "region's host (region one of %s)" % (url[:200], ", ".join(sorted(V1_REGIONS))))
    return url.rstrip("/")


def _variable(option):
    """The environment variable a connection option falls back to, or None."""
    fallback = CONNECTION_ARGUMENT_SPEC.get(option or "", {}).get("fallback")
    return fallback[1][0] if fallback else None


def _from_environment(params, option):
    """The environment variable that supplied the option's value, or None when the task gave it (or nothing did)."""
    variable = _variable(option)
    value = os.environ.get(variable) if variable else None
    if value is None or params.get(option) is None or str(params[option]) != value:
        return None
    return variable


def _with_source(params, option):
    """The option's name, with the environment variable that supplied its value, if one did."""
    variable = _from_environment(params, option)
    return "%s (from %s)" % (option, variable) if variable else option


def _naming_the_environment(err, params):
    """Add to the message where a bad value came from, when an environment variable supplied it."""
    variable = _from_environment(params, err.option)
    if variable:
        err.message = "%s (%s comes from the environment variable %s)" % (err.message.rstrip("."), err.option, variable)
    return err


def _proxy(value):
    if value is None:
        return None
    value = str(value).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
        raise MimecastOptionError("proxy", "proxy must be a URL such as http://proxy.example.com:3128")
    return value


def _positive(params, name, default):
    value = params.get(name)
    if value is None:
        return default
    if value <= 0:
        raise MimecastOptionError(name, "%s must be greater than 0, got %s" % (name, value))
    return value


def _at_least(params, name, minimum, default):
    value = params.get(name)
    if value is None:
        return default
    if value < minimum:
        raise MimecastOptionError(name, "%s must be %s or more, got %s" % (name, minimum, value))
    return value


def _page_size(params):
    return whole_number_in_range(params, "page_size", 1, MAX_PAGE_SIZE, 100)


def _max_results(params):
    value = params.get("max_results")
    if value is not None and value < 1:
        raise MimecastOptionError("max_results", "max_results must be 1 or more (leave it out for no limit), got %d" % value)
    return value
