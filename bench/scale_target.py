"""The local target of bench/engine_scale.py: an HTTP server in a process of its own that answers every
request `200 up` on a connection it then closes, and keeps when each path was asked. A request of
Standby's that asks for HTML as a browser does (`Accept: text/html…`) is its daily page discovery:
its path is kept as `DISCOVERY + path`, so the benchmark counts the checks alone.

A bare asyncio protocol rather than tests/peers/http.py's thread per connection: at 1,250 new
connections a second on two shared cores, the target must cost little, or it would measure itself.
The parent talks to it over a pipe: "take" returns the arrivals kept so far (Unix time, path) and
forgets them; "stop" ends it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from multiprocessing.connection import Connection
from typing import Any

DISCOVERY = "discovery "
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nup"


class _Answer(asyncio.Protocol):
    def __init__(self, arrivals: list[tuple[float, str]]) -> None:
        self.arrivals, self.head = arrivals, b""

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.head += data
        if b"\r\n\r\n" in self.head:
            path = self.head.split(b" ", 2)[1].decode("latin-1")
            head = self.head.lower()
            if b"\r\nuser-agent: standby/" in head and b"\r\naccept: text/html" in head:
                path = DISCOVERY + path
            self.arrivals.append((time.time(), path))
            self.transport.write(ANSWER)
            self.transport.close()


async def _serve(pipe: Connection) -> None:
    loop = asyncio.get_running_loop()
    arrivals: list[tuple[float, str]] = []
    server = await loop.create_server(lambda: _Answer(arrivals), "127.0.0.1", 0, backlog=4096)
    pipe.send(server.sockets[0].getsockname()[1])
    stopped = asyncio.Event()

    def command() -> None:
        try:
            what = pipe.recv()
        except EOFError:  # the benchmark is gone (killed): stop rather than spin on a closed pipe
            what = "stop"
        if what == "take":
            pipe.send(arrivals[:])
            arrivals.clear()
        else:
            stopped.set()

    loop.add_reader(pipe.fileno(), command)
    await stopped.wait()
    server.close()


def _main(pipe: Connection) -> None:
    asyncio.run(_serve(pipe))


class Target:
    """`with Target() as target: target.url("/e1"); target.take()`."""

    def __enter__(self) -> Target:
        self._pipe, child = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(target=_main, args=(child,), daemon=True)
        self._process.start()
        self.port: int = self._pipe.recv()
        self.pid = self._process.pid or 0
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def take(self) -> list[tuple[float, str]]:
        """The arrivals since the last take: (Unix time, path)."""
        self._pipe.send("take")
        arrivals: list[tuple[float, str]] = self._pipe.recv()
        return arrivals

    def __exit__(self, *exc: object) -> None:
        self._pipe.send("stop")
        self._process.join(timeout=10)
