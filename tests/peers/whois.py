"""A WHOIS server (RFC 3912) on 127.0.0.1: reads one query line, writes the canned reply, closes."""

from __future__ import annotations

import socketserver
import time
from collections.abc import Callable

from tests.peers.server import BackgroundServer


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    request_queue_size = 256  # set before listen(): the default backlog of 5 drops bursts of connects


class WhoisPeer(BackgroundServer):
    """`with WhoisPeer({"acme.test": "Domain Name: ACME.TEST\\n..."}) as whois: whois.server` (host:port)."""

    def __init__(
        self, answers: dict[str, str] | None = None, delay: float = 0.0, encoding: str = "utf-8"
    ) -> None:
        self.encoding = encoding  # JPRS answers in ISO-2022-JP
        self.answers: dict[str, str | Callable[[str], str]] = dict(answers or {})
        self.default = "No match for domain.\r\n"
        self.delay = delay
        self.queries: list[str] = []
        self._server: socketserver.ThreadingTCPServer | None = None

    @property
    def server(self) -> str:
        assert self._server is not None, "start the peer first"
        return f"127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> WhoisPeer:
        peer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                query = self.rfile.readline(4096).decode("utf-8", "replace").strip()
                peer.queries.append(query)
                if peer.delay:
                    time.sleep(peer.delay)
                answer = peer.answers.get(query.lower(), peer.default)
                text = answer(query) if callable(answer) else answer
                self.wfile.write(text.encode(peer.encoding))

        server = _Server(("127.0.0.1", 0), Handler)
        self._serve(server)
        return self
