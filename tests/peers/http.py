"""A real HTTP(S) server on 127.0.0.1 for tests and benchmarks: routes by (host, path), optional TLS.

Replies are either fixed (`Reply`) or computed per request (a callable), so peers such as an RDAP
server or a Statuspage can be built on it. Every request is logged for assertions.
"""

from __future__ import annotations

import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.peers.server import BackgroundServer


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drop: bool = False  # close the connection without answering (a crashed or cut-off server)
    stream: Callable[[], Iterator[bytes]] | None = (
        None  # a large body, written as it is made (`length` bytes)
    )
    length: int | None = None  # the Content-Length of a streamed body
    cut_after: int | None = None  # announce the whole body, send this many bytes, then cut the connection

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> Reply:
        import json

        return cls(status, json.dumps(data), {"Content-Type": "application/json", **headers})


@dataclass
class Request:
    method: str
    host: str  # Host header without the port
    path: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # must be set before listen(): a backlog of 5 drops bursts of connects

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that stop reading (a bounded body, a timeout) are normal in tests, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class HttpPeer(BackgroundServer):
    """`with HttpPeer() as peer: peer.route("/x", Reply(200, "hi")); peer.url("/x")`."""

    def __init__(self, tls: ssl.SSLContext | None = None, latency: float = 0.0) -> None:
        self.tls = tls
        self.latency = latency
        self.routes: dict[tuple[str | None, str], Reply | Handler] = {}
        self.requests: list[Request] = []
        self.fallback: Reply | Handler = Reply(404, "not found")
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    def route(self, path: str, reply: Reply | Handler, host: str | None = None) -> None:
        self.routes[(host, path)] = reply

    @property
    def port(self) -> int:
        assert self._server is not None, "start the peer first"
        return int(self._server.server_address[1])

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    def _reply_for(self, request: Request) -> Reply:
        path = request.path.split("?", 1)[0]
        target = self.routes.get((request.host, path)) or self.routes.get((None, path)) or self.fallback
        return target(request) if callable(target) else target

    def start(self) -> HttpPeer:
        peer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
                request = Request(self.command, host, self.path, dict(self.headers.items()), body)
                with peer._lock:
                    peer.requests.append(request)
                reply = peer._reply_for(request)
                if reply.delay or peer.latency:
                    time.sleep(reply.delay + peer.latency)
                if reply.drop:
                    self.close_connection = True
                    return
                payload = reply.body.encode() if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                length = reply.length if reply.stream is not None else len(payload)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                if self.command == "HEAD":
                    return
                chunks = reply.stream() if reply.stream is not None else iter([payload])
                sent = 0
                for chunk in chunks:
                    if reply.cut_after is not None and sent + len(chunk) >= reply.cut_after:
                        self.wfile.write(chunk[: reply.cut_after - sent])
                        self.wfile.flush()
                        self.close_connection = True  # the rest never comes: the client sees a short body
                        return
                    self.wfile.write(chunk)
                    sent += len(chunk)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = _serve

        server = _Server(("127.0.0.1", 0), _Handler)
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        self._serve(server)
        return self
