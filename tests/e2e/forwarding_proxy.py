# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A small forwarding HTTP proxy for the proxy tests: CONNECT tunnels and plain HTTP forwarding.

Standard library only. It listens on 127.0.0.1, forwards only to loopback addresses (anything else gets
403, so a test can never reach out), bounds its connections, bodies and tunnels, and records what it
forwarded so a test can assert that requests went through it, or did not::

    with ForwardingProxy() as proxy:
        ...                     # point a client at proxy.url
    proxy.forwarded             # [("POST", "http://127.0.0.1:8080/path"), ("CONNECT", "127.0.0.1:8443")]
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import http.client
import ipaddress
import select
import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

MAX_CONNECTIONS = 16
MAX_BODY = 1024 * 1024
IDLE_TIMEOUT = 10.0    # seconds a connection or tunnel may stay silent
TUNNEL_LIFETIME = 60.0  # seconds a tunnel may stay open at all
# Hop-by-hop headers (RFC 9110, section 7.6.1) are the proxy's own business, never forwarded.
HOP_BY_HOP = frozenset(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
                        "te", "trailer", "transfer-encoding", "upgrade"])


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # any other name would need a DNS lookup: refused


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass  # quiet: the test asserts on ForwardingProxy.forwarded instead

    def _refuse(self, status, reason):
        self.server.proxy.record(self.server.proxy.refused, self.command, self.path)
        self.close_connection = True
        self.send_error(status, reason)

    def do_CONNECT(self):
        host, _sep, port = self.path.rpartition(":")
        if not port.isdigit() or not is_loopback(host):
            self._refuse(403, "This test proxy only forwards to loopback addresses")
            return
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=IDLE_TIMEOUT)
        except OSError:
            self._refuse(502, "Cannot reach %s" % self.path)
            return
        self.server.proxy.record(self.server.proxy.forwarded, "CONNECT", self.path)
        self.send_response_only(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        try:
            self._tunnel(upstream)
        finally:
            upstream.close()

    def _tunnel(self, upstream):
        sockets = [self.connection, upstream]
        deadline = time.monotonic() + TUNNEL_LIFETIME
        while time.monotonic() < deadline:
            readable, _writable, _errors = select.select(sockets, [], [], IDLE_TIMEOUT)
            if not readable:
                return
            for source in readable:
                try:
                    chunk = source.recv(65536)
                    if not chunk:
                        return
                    (upstream if source is self.connection else self.connection).sendall(chunk)
                except OSError:
                    return

    def _forward(self):
        target = urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:
            self._refuse(400, "Send an absolute http:// URL, or CONNECT for https")
            return
        if not is_loopback(target.hostname):
            self._refuse(403, "This test proxy only forwards to loopback addresses")
            return
        length = (self.headers.get("Content-Length") or "0").strip()
        if self.headers.get("Transfer-Encoding") or not length.isdigit() or int(length) > MAX_BODY:
            self._refuse(411 if not length.isdigit() or self.headers.get("Transfer-Encoding") else 413, "Bad body length")
            return
        body = self.rfile.read(int(length))
        headers = dict((name, value) for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP)
        path = target.path or "/"
        if target.query:
            path += "?" + target.query
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=IDLE_TIMEOUT)
        try:
            upstream.request(self.command, path, body=body, headers=headers)
            answer = upstream.getresponse()
            payload = answer.read(MAX_BODY + 1)
        except (OSError, http.client.HTTPException):
            self._refuse(502, "No answer from %s" % target.netloc)
            return
        finally:
            upstream.close()
        self.server.proxy.record(self.server.proxy.forwarded, self.command, self.path)
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _forward


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, proxy):
        super(_Server, self).__init__(("127.0.0.1", 0), _Handler)
        self.proxy = proxy
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def server_bind(self):
        # Skip HTTPServer's reverse DNS lookup of the address, which can hang without a network.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)  # over the bound: refuse rather than queue
            return
        super(_Server, self).process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super(_Server, self).process_request_thread(request, client_address)
        finally:
            self.slots.release()


class ForwardingProxy:
    """The proxy, running in a daemon thread from start() (or ``with``) until stop()."""

    MAX_RECORDS = 10000

    def __init__(self):
        self.forwarded = []
        self.refused = []
        self._lock = threading.Lock()
        self._server = _Server(self)
        self._thread = None
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]

    def record(self, where, method, target):
        with self._lock:
            if len(where) < self.MAX_RECORDS:
                where.append((method, target))

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, name="forwarding-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
