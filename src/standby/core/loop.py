"""The event loop Standby's long-running processes use: uvloop where it is installed (Linux, macOS),
asyncio's own otherwise or when `STANDBY_EVENT_LOOP=asyncio` asks for it.

uvloop runs the same asyncio code with its sockets, timers and callbacks in C (libuv). For a probe
process, whose every check opens a fresh TCP connection, it cut the CPU of one HTTP request by about a
fifth in a microbenchmark (0.47–0.53 → 0.38–0.42 ms); docs/benchmarks.md, "Checks at scale", has the
figures of the whole engine.
"""

from __future__ import annotations

import asyncio
import gc
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


LARGE = 1_000  # monitors: a smaller plan's heap is walked in milliseconds, not worth a collection a load


def settle_heap(monitors: int) -> None:
    """After a plan of `monitors` is loaded (LARGE or more): collect what the previous one left, then
    keep every object alive now (the plan, its jobs: hundreds of thousands at 25,000 monitors) out of
    later garbage collections. Without it each full collection walked them all: 243 ms for a
    25,000-monitor plan (505,930 objects), a pause in which no check started on time; frozen, 0 ms.
    Objects frozen stay freed by their reference counts; the next call unfreezes first, so a cycle
    of the old plan is still collected then."""
    if monitors < LARGE:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()
