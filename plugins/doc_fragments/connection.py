# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The connection options shared by every module; the argument spec is
    # plugins/module_utils/connection.py, and the two must stay in step.
    DOCUMENTATION = r"""
options:
  client_id:
    description:
      - API 2.0 client ID of a Mimecast API application (OAuth 2.0 client credentials).
      - Give O(client_id) and O(client_secret) for API 2.0, or O(access_key), O(secret_key),
        O(app_id) and O(app_key) for API 1.0. The scheme follows from the credentials given;
        a mix of both schemes, or an incomplete set, fails before any request.
      - If not set, the E(MIMECAST_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - API 2.0 client secret, paired with O(client_id).
      - If not set, the E(MIMECAST_CLIENT_SECRET) environment variable is used.
    type: str
  access_key:
    description:
      - API 1.0 (legacy) access key of the API user's key binding.
      - Mimecast stopped issuing new API 1.0 applications in June 2025; existing ones keep working.
      - If not set, the E(MIMECAST_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - API 1.0 secret key, base64 encoded exactly as Mimecast issued it.
      - If not set, the E(MIMECAST_SECRET_KEY) environment variable is used.
    type: str
  app_id:
    description:
      - API 1.0 application ID.
      - If not set, the E(MIMECAST_APP_ID) environment variable is used.
    type: str
  app_key:
    description:
      - API 1.0 application key.
      - If not set, the E(MIMECAST_APP_KEY) environment variable is used.
    type: str
  base_url:
    description:
      - Base URL of the Mimecast API, for example V(https://api.services.mimecast.com).
      - Takes precedence over O(region) when both are given.
      - Must be an http:// or https:// URL. The V(xx-api) placeholder host of Mimecast's samples is refused,
        and so is an API 1.0 host (V(<region>-api.mimecast.com)) with API 2.0 credentials, and the reverse.
      - If not set, the E(MIMECAST_BASE_URL) environment variable is used.
    type: str
  region:
    description:
      - The Mimecast region, used to pick the base URL when O(base_url) is not given.
      - API 2.0 regions are V(global) (the default, V(https://api.services.mimecast.com)),
        V(uk) and V(us).
      - API 1.0 regions are V(eu), V(de), V(us), V(usb), V(ca), V(za), V(au), V(je) and V(sandbox)
        (V(https://<region>-api.mimecast.com)). API 1.0 has no default region.
      - A region of the other scheme fails before any request.
      - If not set, the E(MIMECAST_REGION) environment variable is used.
    type: str
    choices: [au, ca, de, eu, global, je, sandbox, uk, us, usb, za]
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Leave it on against Mimecast.
      - If not set, the E(MIMECAST_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM CA bundle to verify the server's certificate with, instead of the system's.
    type: path
  proxy:
    description:
      - URL of an HTTP(S) proxy for every request, for example V(http://proxy.example.com:3128).
      - If not set, the standard E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables apply.
    type: str
  timeout:
    description:
      - Seconds to wait for a connection and for each read of an answer.
    type: float
    default: 30
  retries:
    description:
      - How many times a failed call is retried, so at most O(retries) + 1 attempts per call.
      - Retried are HTTP 429 (waiting at least the E(X-RateLimit-Reset) milliseconds or E(Retry-After) seconds
        the server asks for), HTTP 408 and 5xx answers, dropped connections and timeouts, and failures that
        Mimecast marks C(retryable).
      - Waits grow exponentially from half a second with random jitter, up to 30 seconds each.
      - Never retried are 400, 401, 403, 404, 405, 409 and 418, except that an API 2.0 token refused as expired is
        refreshed and the call tried once more.
    type: int
    default: 5
  max_retry_wait:
    description:
      - Most seconds a call may spend waiting between retries in total. When the next wait would pass it, the
        module fails, saying how many attempts were made over how long.
    type: float
    default: 300
notes:
  - API 1.0 requests are signed afresh for every attempt (new date and request ID), so this host's clock must be
    right to within minutes.
  - API 2.0 tokens are fetched once per task and refreshed shortly before they expire.
  - The modules run where the task runs, usually the controller (C(delegate_to) C(localhost), or a local connection).
requirements:
  - python >= 3.8
  - requests >= 2.25
"""
