"""Work a tick job hands to a thread of its own — asking resolvers, uploading a file — so a slow or
unreachable server never holds up the engine's tick. One thread per (job, session factory) at a time;
while it runs, the job's next turn starts nothing and the work waits for the tick after."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("standby.recovery")
_running: dict[tuple[str, int], threading.Thread] = {}
_guard = threading.Lock()


def start(name: str, owner: object, work: Callable[[], None]) -> bool:
    """Run `work` in a daemon thread unless `name`'s last one for `owner` still runs; True if started."""
    key = (name, id(owner))

    def guarded() -> None:
        try:
            work()
        except Exception:  # a bug or an outage must not kill the engine; the next turn tries again
            log.exception("%s failed; it is tried again later", name)

    with _guard:
        running = _running.get(key)
        if running is not None and running.is_alive():
            return False
        thread = threading.Thread(target=guarded, name=f"standby-{name}", daemon=True)
        _running[key] = thread
        thread.start()
        return True


def settle(name: str, owner: object, timeout: float = 30.0) -> None:
    """Wait for `name`'s thread for `owner` to finish (tests; a clean stop)."""
    with _guard:
        thread = _running.get((name, id(owner)))
    if thread is not None:
        thread.join(timeout)
