# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.mimecast.gateway.plugins.module_utils.connection import (
    API_V1,
    API_V2,
    CONNECTION_ARGUMENT_SPEC,
    RESULT_ARGUMENT_SPEC,
    ConnectionSettings,
    connection_argument_spec,
)
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastOptionError
from ansible_collections.mimecast.gateway.tests.unit.mimecast_fakes import (
    ACCESS_KEY,
    APP_ID,
    APP_KEY,
    CLIENT_ID,
    CLIENT_SECRET,
    SECRET_KEY,
    SECRET_KEY_BYTES,
    V1_BASE,
    V1_CREDENTIALS,
    V2_BASE,
    default_params,
    v1_params,
    v2_params,
)

V1_REGION_NAMES = "au, ca, de, eu, je, sandbox, us, usb, za"


def option_error(params):
    with pytest.raises(MimecastOptionError) as caught:
        ConnectionSettings.from_params(params)
    return caught.value


# -- scheme and credentials --------------------------------------------------------------------


def test_v2_credentials_select_api_2_and_the_global_host():
    settings = ConnectionSettings.from_params(v2_params())
    assert settings.scheme == API_V2
    assert settings.base_url == V2_BASE
    assert settings.credentials == dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert settings.warnings == []


def test_v1_credentials_select_api_1_and_decode_the_secret_key():
    settings = ConnectionSettings.from_params(v1_params())
    assert settings.scheme == API_V1
    assert settings.base_url == V1_BASE
    assert settings.credentials == dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY, app_id=APP_ID, app_key=APP_KEY,
                                        secret_key_bytes=SECRET_KEY_BYTES)


def test_credentials_are_stripped():
    settings = ConnectionSettings.from_params(v2_params(client_id="  id-1 ", client_secret="\tsecret-1\n"))
    assert settings.credentials == dict(client_id="id-1", client_secret="secret-1")


def test_defaults_of_the_other_settings():
    settings = ConnectionSettings.from_params(v2_params())
    assert (settings.validate_certs, settings.ca_path, settings.proxy, settings.timeout, settings.retries,
            settings.max_retry_wait, settings.page_size, settings.max_results) == (True, None, None, 30, 5, 300, 100, None)


def test_settings_pass_through_tls_options():
    settings = ConnectionSettings.from_params(v2_params(validate_certs=False, ca_path="/etc/pki/mimecast.pem"))
    assert settings.validate_certs is False
    assert settings.ca_path == "/etc/pki/mimecast.pem"


def test_secrets_lists_every_secret_value():
    assert ConnectionSettings.from_params(v2_params()).secrets == [CLIENT_SECRET]
    assert ConnectionSettings.from_params(v1_params()).secrets == [SECRET_KEY, APP_KEY, ACCESS_KEY]


def test_mixed_credentials_are_rejected():
    err = option_error(v2_params(access_key=ACCESS_KEY, app_key=APP_KEY))
    assert err.option == "access_key"
    assert err.message.startswith(
        "Both API 2.0 credentials (client_id, client_secret) and API 1.0 credentials (access_key, app_key) were given")


@pytest.mark.parametrize("given, missing, option", [
    (dict(client_id=CLIENT_ID), "client_secret", "client_secret"),
    (dict(client_secret=CLIENT_SECRET), "client_id", "client_id"),
])
def test_incomplete_v2_credentials_name_the_missing_option(given, missing, option):
    err = option_error(default_params(**given))
    assert err.option == option
    assert err.message == ("API 2.0 credentials are incomplete: %s given, %s missing; give it as an option or as the "
                           "environment variable MIMECAST_%s" % (", ".join(given), missing, missing.upper()))


@pytest.mark.parametrize("given, missing", [
    (["access_key", "secret_key"], ["app_id", "app_key"]),
    (["access_key", "secret_key", "app_id"], ["app_key"]),
    (["app_key"], ["access_key", "secret_key", "app_id"]),
    (["secret_key", "app_id", "app_key"], ["access_key"]),
])
def test_incomplete_v1_credentials_name_the_missing_options(given, missing):
    err = option_error(default_params(region="eu", **dict((name, V1_CREDENTIALS[name]) for name in given)))
    assert err.option == missing[0]
    variables = ", ".join("MIMECAST_" + name.upper() for name in missing)
    how = ("give it as an option or as the environment variable " if len(missing) == 1
           else "give them as options or as the environment variables ") + variables
    assert err.message == "API 1.0 credentials are incomplete: %s given, %s missing; %s" % (", ".join(given), ", ".join(missing), how)


def test_incomplete_credentials_say_which_came_from_the_environment(monkeypatch):
    monkeypatch.setenv("MIMECAST_CLIENT_ID", CLIENT_ID)
    err = option_error(default_params(client_id=CLIENT_ID))  # AnsibleModule's env fallback put it there
    assert err.message == ("API 2.0 credentials are incomplete: client_id (from MIMECAST_CLIENT_ID) given, client_secret "
                           "missing; give it as an option or as the environment variable MIMECAST_CLIENT_SECRET")
    assert CLIENT_ID not in err.message


def test_no_credentials():
    err = option_error(default_params())
    assert err.option == "client_id"
    assert err.message.startswith("No Mimecast credentials: give client_id and client_secret (API 2.0), or access_key, secret_key")


@pytest.mark.parametrize("name", ["client_id", "client_secret"])
@pytest.mark.parametrize("value", ["", "   "])
def test_empty_v2_credential_is_an_error_not_an_absence(name, value):
    err = option_error(v2_params(**{name: value}))
    assert err.option == name
    assert err.message == "%s is empty; give a value or leave the option out" % name


@pytest.mark.parametrize("name", ["access_key", "secret_key", "app_id", "app_key"])
def test_empty_v1_credential_is_an_error(name):
    err = option_error(v1_params(**{name: ""}))
    assert err.option == name


@pytest.mark.parametrize("bad", ["not base64!", "abc", "%%%%", "QUJD\nREVG", "===="])
def test_secret_key_not_base64_is_rejected_without_echoing_it(bad):
    err = option_error(v1_params(secret_key=bad))
    assert err.option == "secret_key"
    assert "not valid base64" in err.message
    assert bad not in str(err)
    assert bad not in json.dumps(err.to_fail_json())


# -- where to connect ------------------------------------------------------------------------


@pytest.mark.parametrize("region, url", [
    ("global", "https://api.services.mimecast.com"),
    ("uk", "https://uk-api.services.mimecast.com"),
    ("us", "https://us-api.services.mimecast.com"),
])
def test_v2_regions(region, url):
    assert ConnectionSettings.from_params(v2_params(region=region)).base_url == url


@pytest.mark.parametrize("region", ["eu", "de", "us", "usb", "ca", "za", "au", "je", "sandbox"])
def test_v1_regions(region):
    assert ConnectionSettings.from_params(v1_params(region=region)).base_url == "https://%s-api.mimecast.com" % region


def test_v1_needs_a_region_or_a_base_url():
    err = option_error(v1_params(region=None))
    assert err.option == "region"
    assert err.message == "API 1.0 keys are regional: give region (one of %s) or base_url" % V1_REGION_NAMES


@pytest.mark.parametrize("region", ["uk", "global"])
def test_v2_region_with_v1_credentials(region):
    err = option_error(v1_params(region=region))
    assert err.option == "region"
    assert err.message.endswith("with API 1.0 credentials use one of: %s" % V1_REGION_NAMES)
    assert err.message.startswith("region %s " % region)


@pytest.mark.parametrize("region", ["eu", "de", "sandbox"])
def test_v1_region_with_v2_credentials(region):
    err = option_error(v2_params(region=region))
    assert err.option == "region"
    assert err.message.endswith("with API 2.0 credentials use one of: global, uk, us")


@pytest.mark.parametrize("params, right", [
    (v2_params(region="eu"), "region eu is not an API 2.0 region; with API 2.0 credentials use one of: global, uk, us"),
    (v1_params(region="global"), "region global is not an API 1.0 region; with API 1.0 credentials use one of: au, ca, de"),
])
def test_wrong_region_message_states_the_scheme_in_use(params, right):
    err = option_error(params)
    assert right in err.message


def test_base_url_wins_over_region_with_a_warning():
    settings = ConnectionSettings.from_params(v2_params(base_url="https://uk-api.services.mimecast.com/", region="us"))
    assert settings.base_url == "https://uk-api.services.mimecast.com"
    assert settings.warnings == [
        "Both base_url and region were given; base_url https://uk-api.services.mimecast.com/ is used and region us is ignored"]


@pytest.mark.parametrize("url", ["https://xx-api.mimecast.com", "https://XX-API.mimecast.com/api", "https://xx-api.services.mimecast.com"])
@pytest.mark.parametrize("params", [v1_params, v2_params])
def test_xx_api_placeholder_is_rejected(params, url):
    err = option_error(params(base_url=url))
    assert err.option == "base_url"
    assert "uses the xx-api placeholder from Mimecast's samples" in err.message


def test_the_xx_api_hint_names_a_host_of_the_credentials_own_scheme():
    v1 = option_error(v1_params(base_url="https://xx-api.mimecast.com")).message
    assert "for API 1.0 keys, your region's host, https://<region>-api.mimecast.com, or region one of %s" % V1_REGION_NAMES in v1
    assert "api.services.mimecast.com" not in v1
    v2 = option_error(v2_params(base_url="https://xx-api.mimecast.com")).message
    assert "for API 2.0 credentials, https://api.services.mimecast.com, or region global, uk or us" in v2


# -- where a bad value came from -----------------------------------------------------------------


def test_a_bad_value_from_the_environment_names_the_variable(monkeypatch):
    monkeypatch.setenv("MIMECAST_REGION", "eu")
    err = option_error(v2_params(region="eu"))  # AnsibleModule's env fallback put it there
    assert err.option == "region"
    assert err.message.endswith("(region comes from the environment variable MIMECAST_REGION)")


def test_an_empty_variable_is_named(monkeypatch):
    monkeypatch.setenv("MIMECAST_APP_KEY", "")
    err = option_error(v1_params(app_key=""))
    assert (err.option, err.message) == ("app_key", "app_key is empty; give a value or leave the option out "
                                                    "(app_key comes from the environment variable MIMECAST_APP_KEY)")


def test_a_bad_option_given_in_the_task_is_not_blamed_on_the_environment(monkeypatch):
    monkeypatch.setenv("MIMECAST_REGION", "uk")
    err = option_error(v2_params(region="eu"))
    assert "environment" not in err.message


@pytest.mark.parametrize("url", ["ftp://files.example.com", "api.services.mimecast.com", "https://", "file:///etc/passwd", "mailto:a@example.com"])
def test_base_url_must_be_http_or_https(url):
    err = option_error(v2_params(base_url=url))
    assert err.option == "base_url"
    assert err.message == "base_url %s is not an http:// or https:// URL" % url


@pytest.mark.parametrize("url", ["", "   "])
def test_empty_base_url_is_rejected(url):
    err = option_error(v2_params(base_url=url))
    assert err.option == "base_url"
    assert err.message.startswith("base_url is empty")


@pytest.mark.parametrize("url", ["https://eu-api.mimecast.com", "https://EU-API.MIMECAST.COM/", "https://sandbox-api.mimecast.com:443"])
def test_v1_host_with_v2_credentials_is_rejected(url):
    err = option_error(v2_params(base_url=url))
    assert err.option == "base_url"
    assert "is an API 1.0 host, which rejects API 2.0" in err.message


@pytest.mark.parametrize("url", ["https://api.services.mimecast.com", "https://us-api.services.mimecast.com/"])
def test_v2_host_with_v1_credentials_is_rejected(url):
    err = option_error(v1_params(base_url=url))
    assert err.option == "base_url"
    assert "is an API 2.0 host, which does not accept API 1.0 signed requests" in err.message


@pytest.mark.parametrize("params", [v1_params, v2_params])
@pytest.mark.parametrize("url, expected", [
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("https://mimecast-proxy.example.com/base", "https://mimecast-proxy.example.com/base"),
])
def test_other_hosts_are_accepted_for_both_schemes(params, url, expected):
    settings = ConnectionSettings.from_params(params(base_url=url, region=None))
    assert settings.base_url == expected
    assert settings.warnings == []


# -- numbers and proxy -----------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 500])
def test_page_size_bounds_accepted(value):
    assert ConnectionSettings.from_params(v2_params(page_size=value)).page_size == value


@pytest.mark.parametrize("value", [0, 501, -1])
def test_page_size_out_of_bounds(value):
    err = option_error(v2_params(page_size=value))
    assert err.option == "page_size"
    assert err.message == "page_size must be between 1 and 500, got %d" % value


@pytest.mark.parametrize("value", [0, -5])
def test_max_results_must_be_positive(value):
    err = option_error(v2_params(max_results=value))
    assert err.option == "max_results"
    assert err.message == "max_results must be 1 or more (leave it out for no limit), got %d" % value


def test_max_results_one_is_accepted():
    assert ConnectionSettings.from_params(v2_params(max_results=1)).max_results == 1


def test_retries_minus_one_rejected_zero_accepted():
    err = option_error(v2_params(retries=-1))
    assert (err.option, err.message) == ("retries", "retries must be 0 or more, got -1")
    assert ConnectionSettings.from_params(v2_params(retries=0)).retries == 0


def test_max_retry_wait_negative_rejected_zero_accepted():
    err = option_error(v2_params(max_retry_wait=-0.5))
    assert (err.option, err.message) == ("max_retry_wait", "max_retry_wait must be 0 or more, got -0.5")
    assert ConnectionSettings.from_params(v2_params(max_retry_wait=0.0)).max_retry_wait == 0.0


@pytest.mark.parametrize("value", [0, -1.0])
def test_timeout_must_be_positive(value):
    err = option_error(v2_params(timeout=value))
    assert (err.option, err.message) == ("timeout", "timeout must be greater than 0, got %s" % value)


def test_small_timeout_accepted():
    assert ConnectionSettings.from_params(v2_params(timeout=0.5)).timeout == 0.5


@pytest.mark.parametrize("proxy", ["http://proxy.example.com:3128", "https://proxy.example.com", "socks5://10.0.0.1:1080",
                                   "socks5h://user:pass@proxy.example.com:1080"])
def test_proxy_urls_accepted(proxy):
    assert ConnectionSettings.from_params(v2_params(proxy=" %s " % proxy)).proxy == proxy


@pytest.mark.parametrize("proxy", ["proxy.example.com:3128", "ftp://proxy.example.com", "", "http://", "user:secret-pw@proxy"])
def test_bad_proxy_rejected_without_echoing_it(proxy):
    err = option_error(v2_params(proxy=proxy))
    assert err.option == "proxy"
    assert err.message == "proxy must be a URL such as http://proxy.example.com:3128"


# -- the argument spec -----------------------------------------------------------------------


def test_connection_argument_spec_adds_module_options_without_changing_the_shared_spec():
    before = dict(CONNECTION_ARGUMENT_SPEC)
    spec = connection_argument_spec(extra=dict(type="str"))
    assert spec["extra"] == dict(type="str")
    assert set(spec) == set(before) | set(RESULT_ARGUMENT_SPEC) | set(["extra"])
    assert set(RESULT_ARGUMENT_SPEC) == set(["page_size", "max_results", "summary_only"])
    assert CONNECTION_ARGUMENT_SPEC == before
    assert "extra" not in CONNECTION_ARGUMENT_SPEC


def test_secret_options_are_no_log():
    no_log = sorted(name for name, option in CONNECTION_ARGUMENT_SPEC.items() if option.get("no_log"))
    assert no_log == ["access_key", "app_key", "client_secret", "secret_key"]


def test_every_option_has_its_environment_variable():
    fallbacks = dict((name, option["fallback"][1]) for name, option in CONNECTION_ARGUMENT_SPEC.items() if "fallback" in option)
    assert fallbacks == dict(
        client_id=["MIMECAST_CLIENT_ID"], client_secret=["MIMECAST_CLIENT_SECRET"], access_key=["MIMECAST_ACCESS_KEY"],
        secret_key=["MIMECAST_SECRET_KEY"], app_id=["MIMECAST_APP_ID"], app_key=["MIMECAST_APP_KEY"],
        base_url=["MIMECAST_BASE_URL"], region=["MIMECAST_REGION"], validate_certs=["MIMECAST_VALIDATE_CERTS"])
