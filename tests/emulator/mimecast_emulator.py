# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mimecast.gateway contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# A local stand-in for the three read-only Mimecast endpoints the collection uses, the two
# that release and reject held messages, the API 2.0 token endpoint and a small control API for tests.
#
# The point is to be at least as strict as the real service wherever a client
# can get it wrong (signing, date formats, camelCase pagination keys, the
# messageId/advanced-options exclusivity, page tokens), to answer in the shapes live
# tenants answer in (extra and absent keys, per-endpoint pagination, 100 items a page),
# and to inject the failures real deployments produce (HTML 502s from proxies, 429s,
# dropped connections, expired tokens, HTTP 200 with a non-empty `fail`).  It is
# stdlib only so it runs anywhere the tests run.  See README.md beside it.
#
# This file is the HTTP server and the command line; the emulator's parts sit beside it:
# protocol.py (paths, limits, the answer envelope), auth.py (tokens and signatures),
# validation.py (requests), search.py (records and endpoints), pagination.py (pages and
# their shapes), actions.py (releasing and rejecting held messages), faults.py (fault
# injection), control.py (/_emulator/), state.py (the state and how one request is
# answered) and dataset.py (generated and loaded records).

import argparse
import os
import signal
import socketserver
import ssl
import sys
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

try:
    from .auth import CREDENTIAL_OPTIONS, CREDENTIALS, mc_signature
    from .pagination import PAGINATION_SHAPES
    from .protocol import CONTROL_PREFIX, ApiError, json_reply
    from .search import ENDPOINTS, WINDOW_EDGES
    from .state import DEFAULTS, Emulator
except ImportError:  # run as a script: the script's own directory is on sys.path
    from auth import CREDENTIAL_OPTIONS, CREDENTIALS, mc_signature
    from pagination import PAGINATION_SHAPES
    from protocol import CONTROL_PREFIX, ApiError, json_reply
    from search import ENDPOINTS, WINDOW_EDGES
    from state import DEFAULTS, Emulator

# What tests, the launcher and the benchmark import from here.
__all__ = ["CREDENTIALS", "CREDENTIAL_OPTIONS", "DEFAULTS", "ENDPOINTS", "Emulator", "EmulatorServer",
           "build_server", "main", "mc_signature", "start_in_thread"]


# ---------------------------------------------------------------- HTTP plumbing

class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 with Content-Length on every answer, so clients keep connections alive.
    protocol_version = "HTTP/1.1"
    server_version = "MimecastEmulator/1.0"
    timeout = 120  # idle keep-alive connections are closed eventually, as real servers do
    # TCP_NODELAY, as web servers set it: the headers and the body of an answer go out in two
    # writes, and with Nagle's algorithm the body waited for the client's delayed ACK, adding
    # about 40 ms to the first answers on every connection.
    disable_nagle_algorithm = True
    # The /_emulator/stats epoch this connection was last counted in (one handler per connection).
    stats_epoch = None

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if not self.server.emulator.quiet:
            super().log_message(format, *args)

    def _dispatch(self):
        emulator = self.server.emulator
        path = urlsplit(self.path).path
        # Clients send Content-Length (the handler answers the same way); chunked
        # uploads are refused rather than misread as the next request.
        length = (self.headers.get("Content-Length") or "0").strip()
        if not length.isdigit() or self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._send(json_reply(411, {"meta": {"status": 411}, "data": [], "fail": [{"code": "err_length_required", "message": "Send Content-Length"}]}))
            return
        raw = self.rfile.read(int(length))
        if path.startswith(CONTROL_PREFIX):
            self._send(emulator.control(self.command, path, raw))
            return
        self.stats_epoch = emulator.count_request(self.stats_epoch)
        entry = emulator.log_request(self.command, path, self.headers, raw)
        try:
            reply, fault = emulator.handle(self.command, path, self.headers, raw, entry)
        except Exception:  # pylint: disable=broad-except
            # An emulator bug must still produce an answer (and a visible traceback).
            traceback.print_exc()
            reply, fault = ApiError(500, "err_internal", "Emulator error").reply({}), None
        with emulator.lock:
            entry["status"] = reply.status if reply else None
            entry["fault"] = fault
        if reply is None:  # the 'drop' fault: close without a single byte
            self.close_connection = True
            return
        reply.headers.setdefault("x-request-id", str(uuid.uuid4()))
        self._send(reply)

    def _send(self, reply):
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. a read timeout during a delay)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default backlog of 5 resets connections under parallel tests

    def __init__(self, emulator, host, port, tls_cert=None, tls_key=None):
        super().__init__((host, port), Handler)
        self.emulator = emulator
        self.thread = None
        if tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls_cert, tls_key)
            # Handshake lazily in the handler thread, not in the accept loop.
            self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.base_url = "%s://%s:%d" % ("https" if tls_cert else "http", host, self.server_address[1])

    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn) that can hang offline.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def shutdown(self):
        super().shutdown()
        self.server_close()


def build_server(**options):
    unknown = sorted(set(options) - set(DEFAULTS))
    if unknown:
        raise TypeError("unknown emulator option(s): %s" % ", ".join(unknown))
    opts = dict(DEFAULTS, **options)
    return EmulatorServer(Emulator(opts), opts["host"], opts["port"], opts["tls_cert"], opts["tls_key"])


def start_in_thread(**options):
    """Start an emulator in a daemon thread: returns (server, base_url).  Options are
    the DEFAULTS keys (quiet defaults to True here); server.shutdown() stops it and
    server.emulator is the live state, for tests that want to reach in."""
    options.setdefault("quiet", True)
    server = build_server(**options)
    server.thread = threading.Thread(target=server.serve_forever, name="mimecast-emulator", daemon=True)
    server.thread.start()
    return server, server.base_url


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Local Mimecast API emulator (see tests/emulator/README.md).")
    parser.add_argument("--host", default=DEFAULTS["host"])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the chosen port to this file")
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    parser.add_argument("--held", type=int, default=DEFAULTS["held"], help="generated held messages")
    parser.add_argument("--processing", type=int, default=DEFAULTS["processing"],
                        help="generated processing-queue messages (bulk_processing gets half as many)")
    parser.add_argument("--tracked", type=int, default=DEFAULTS["tracked"], help="generated tracked emails")
    parser.add_argument("--dataset", help="JSON file replacing generated data")
    parser.add_argument("--tls-cert", help="PEM certificate: serve https")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every API and token answer")
    parser.add_argument("--token-lifetime", type=int, default=DEFAULTS["token_lifetime"], help="expires_in of issued tokens")
    parser.add_argument("--max-page-size", type=int, default=DEFAULTS["max_page_size"],
                        help="serve at most this many items a page, whatever pageSize asks (default %(default)s, "
                             "as the live service); 0 = no cap")
    parser.add_argument("--default-page-size", type=int, default=DEFAULTS["default_page_size"])
    parser.add_argument("--pagination-shape", choices=PAGINATION_SHAPES, default=DEFAULTS["pagination_shape"],
                        help="meta.pagination as live tenants answer (field, the default) or as Mimecast documents it")
    parser.add_argument("--window-edges", choices=WINDOW_EDGES, default=DEFAULTS["window_edges"],
                        help="whether the hold list's and the processing queue's start/end include their own second")
    parser.add_argument("--rate-limit-per-second", type=int, default=0,
                        help="N API calls a second shared by every client, token calls not counted; over it, HTTP 429 "
                             "(default 0: off, only the hourly X-RateLimit-* headers)")
    parser.add_argument("--quiet", action="store_true", help="no access log on stderr")
    for option in CREDENTIAL_OPTIONS:
        parser.add_argument("--" + option.replace("_", "-"), default=DEFAULTS[option])
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.max_page_size is not None and args.max_page_size < 0:
        parser.error("--max-page-size must be 0 (no cap) or more")
    if args.rate_limit_per_second < 0:
        parser.error("--rate-limit-per-second must be 0 (off) or more")
    args.rate_limit_per_second = args.rate_limit_per_second or None
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    options = vars(args)
    port_file = options.pop("port_file")
    try:
        server = build_server(**options)
    except (OSError, ValueError) as exc:  # a busy port, an unreadable dataset, a bad setting
        print("mimecast_emulator: cannot start: %s" % exc, file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.thread = threading.Thread(target=server.serve_forever, name="mimecast-emulator", daemon=True)
    server.thread.start()
    if port_file:
        with open(port_file + ".tmp", "w", encoding="ascii") as handle:
            handle.write("%d\n" % server.server_address[1])
        os.replace(port_file + ".tmp", port_file)  # readers never see a half-written file
    print("EMULATOR_LISTENING " + server.base_url, flush=True)
    while not stop.wait(0.2):  # a timed wait keeps signal handlers responsive
        pass
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
