"""DNS over UDP and TCP on one 127.0.0.1 port, in background threads, for any message handler.

The handler gets the query's wire bytes and whether it came over TCP, and returns the reply's wire
bytes or None to stay silent (a server that does not answer, for timeout tests).
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Callable

Handler = Callable[[bytes, bool], "bytes | None"]


class DnsTransport:
    def __init__(self, handler: Handler, latency: float = 0.0) -> None:
        self._handler = handler
        self.latency = latency  # seconds added to every UDP answer, without blocking other queries
        self._servers: list[socketserver.TCPServer] = []  # UDPServer is a TCPServer subclass

    @property
    def port(self) -> int:
        assert self._servers, "start the server first"
        return int(self._servers[0].server_address[1])

    def start(self, port: int = 0) -> None:
        """Listen on `port` (0: one the kernel chooses for both UDP and TCP)."""
        handler = self._handler
        transport = self

        class _Udp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                reply = handler(data, False)
                if reply is None:
                    return
                if transport.latency:
                    timer = threading.Timer(transport.latency, sock.sendto, (reply, self.client_address))
                    timer.daemon = True
                    timer.start()
                else:
                    sock.sendto(reply, self.client_address)

        class _Tcp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(2.0)  # bounded: an idle client cannot hold a thread for long
                try:
                    while (data := _read_message(self.request)) is not None:
                        reply = handler(data, True)
                        if reply is None:
                            return
                        self.request.sendall(struct.pack("!H", len(reply)) + reply)
                except OSError:
                    return

        for _ in range(20):  # TCP must get the port the kernel chose for UDP
            udp = socketserver.UDPServer(("127.0.0.1", port), _Udp)
            try:
                tcp = _TcpServer(("127.0.0.1", udp.server_address[1]), _Tcp)
            except OSError:
                udp.server_close()
                continue
            break
        else:
            raise RuntimeError("could not bind UDP and TCP on one port")
        self._servers = [udp, tcp]
        for server in self._servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []


class _TcpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    request_queue_size = 256  # set before listen(): the default backlog of 5 drops bursts of connects
    daemon_threads = True
    block_on_close = False


def _read_message(sock: socket.socket) -> bytes | None:
    header = _recv_exact(sock, 2)
    if header is None:
        return None
    return _recv_exact(sock, struct.unpack("!H", header)[0])


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data
