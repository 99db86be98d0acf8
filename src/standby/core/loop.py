"""The event loop Standby's long-running processes use: uvloop where it is installed (Linux, macOS),
asyncio's own otherwise or when `STANDBY_EVENT_LOOP=asyncio` asks for it.

uvloop runs the same asyncio code with its sockets, timers and callbacks in C (libuv). For a probe
process, whose every check opens a fresh TCP connection, it cut the CPU of one HTTP request by about a
fifth in a microbenchmark (0.47–0.53 → 0.38–0.42 ms); docs/benchmarks.md, "Checks at scale", has the
figures of the whole engine.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger("standby.engine")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop, unless it is missing or STANDBY_EVENT_LOOP=asyncio."""
    asked = os.environ.get("STANDBY_EVENT_LOOP", "").strip().lower()
    if asked == "asyncio":
        return None
    if asked not in ("", "uvloop"):
        log.warning(
            "STANDBY_EVENT_LOOP=%r is neither 'asyncio' nor 'uvloop'; using uvloop if installed", asked
        )
    try:
        import uvloop
    except ImportError:  # Windows, or an install without it: asyncio's loop does the same, slower
        if asked == "uvloop":
            log.warning("STANDBY_EVENT_LOOP=uvloop, but uvloop is not installed; using asyncio's loop")
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on the chosen loop."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
