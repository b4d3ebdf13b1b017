# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The transport under the client: one kept-alive requests session, and what a network failure means.

``Transport.post`` sends one request and returns requests' response, whatever its status; a failure to get an
answer becomes a MimecastTransportError, raised as ``Retryable`` when another attempt may help. Reading the answer,
retrying and signing are the client's.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket
import traceback

from ansible_collections.mimecast.gateway.plugins.module_utils._answers import root_cause
from ansible_collections.mimecast.gateway.plugins.module_utils.errors import MimecastTransportError

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - exercised only where requests is absent
    requests = None
    ConnectTimeoutError = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()


COLLECTION_VERSION = "1.0.0"
USER_AGENT = "mimecast.gateway/%s" % COLLECTION_VERSION


class Retryable(Exception):
    """This attempt failed in a way that another attempt may fix.

    ``floor`` is how long the server asked to wait (a 429's reset), if it said. ``maybe_applied`` is False only
    when the server certainly did nothing (a 429, a connection never made): only then may a call that changes
    state be sent again.
    """

    def __init__(self, error, floor=None, maybe_applied=True):
        super(Retryable, self).__init__(str(error))
        self.error = error
        self.floor = floor
        self.maybe_applied = maybe_applied


def new_session():
    """A requests session that keeps its connections alive across the calls of one module run."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    return session


class Transport:
    """POST to one Mimecast host over ``session``, with the connection settings' timeout, proxy and TLS checks."""

    def __init__(self, settings, session):
        self.session = session
        self._base_url = settings.base_url
        self._timeout = settings.timeout
        # Passed with every request: requests lets REQUESTS_CA_BUNDLE and the proxy variables override
        # session-level settings, but never per-request ones.
        self._proxies = {"http": settings.proxy, "https": settings.proxy} if settings.proxy else None
        self._verify = (settings.ca_path or True) if settings.validate_certs else False

    def post(self, path, **kwargs):
        url = self._base_url + path
        try:
            return self.session.post(url, timeout=self._timeout, proxies=self._proxies, verify=self._verify, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise MimecastTransportError(
                "TLS verification of %s failed: %s" % (url, root_cause(exc)), path=path,
                hint="give ca_path (a CA bundle that signs the server's certificate), or validate_certs: false for a test server")
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            if _host_unknown(exc):
                # A name that does not exist will not exist a second later: fail at once. A temporary resolver
                # failure (EAI_AGAIN) is retried with the rest.
                raise MimecastTransportError(
                    "The host name in %s does not exist: %s" % (url, root_cause(exc)), path=path,
                    hint="check base_url/region (and the proxy, if one is set): the name is not known to DNS")
            raise Retryable(MimecastTransportError(
                "No answer from %s: %s" % (url, root_cause(exc)), path=path,
                hint="check base_url/region, proxy settings and network access to Mimecast"),
                maybe_applied=not _never_connected(exc))
        except requests.exceptions.ChunkedEncodingError as exc:
            raise Retryable(MimecastTransportError(
                "The connection to %s broke while the answer arrived: %s" % (url, root_cause(exc)), path=path,
                hint="check proxy settings and network stability between this host and Mimecast"))
        except requests.exceptions.RequestException as exc:
            raise MimecastTransportError("Request to %s failed: %s" % (url, root_cause(exc)), path=path)


# getaddrinfo's answers for a name that does not exist (as opposed to EAI_AGAIN, a resolver that could not answer).
_UNKNOWN_NAME_ERRORS = frozenset(code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None)) if code)


def _causes(exc, limit=8):
    """The exception and what it wraps: requests wraps urllib3, which wraps the socket's error."""
    seen = 0
    while exc is not None and seen < limit:
        yield exc
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner if inner is not None and inner is not exc else (exc.__cause__ or exc.__context__)
        seen += 1


def _host_unknown(exc):
    return any(isinstance(cause, socket.gaierror) and cause.errno in _UNKNOWN_NAME_ERRORS for cause in _causes(exc))


def _never_connected(exc):
    """True when a request cannot have reached the server: the connection itself was never made."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    # urllib3's NewConnectionError (refused, no route, unknown name) is a ConnectTimeoutError.
    return any(isinstance(cause, ConnectTimeoutError) for cause in _causes(exc))
