"""An open-loop HTTP/1.1 load generator on raw asyncio streams (httpx costs more CPU per request than
the servers it would measure). Requests are scheduled at a fixed rate whatever the answers do, and a
request's latency counts from its scheduled time, so a server that falls behind shows it (no
coordinated omission). Keep-alive connections, as browsers and proxies use."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Run:
    offered: float  # requests per second scheduled
    seconds: float
    latencies: list[float] = field(default_factory=list)  # of 2xx answers, seconds
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    cpu_per_post: float = 0.0  # the server's CPU seconds per acknowledged request (filled by the caller)

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")


async def _answer(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def run(
    port: int, path: str, body: Callable[[int], bytes], *, rate: float, seconds: float, connections: int = 64
) -> Run:
    """Offer `rate` POSTs a second to 127.0.0.1:`port` for `seconds`; `body(n)` is the n-th request's."""
    result = Run(rate, seconds)
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    counter = iter(range(total))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for n in counter:
                due = start + n / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                payload = body(n)
                request = (
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                    f"Accept: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
                ).encode() + payload
                try:
                    writer.write(request)
                    status = await _answer(reader)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    result.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                result.statuses[status] += 1
                if 200 <= status < 300:
                    result.latencies.append(time.perf_counter() - due)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    result.seconds = max(seconds, time.perf_counter() - start)
    return result
