"""One engine per SQLite file: `standby serve` holds a lock file beside the database while it runs.

SQLite serves one process's engine (PostgreSQL is how several share the work), and a second engine on
the same file would double every check and page while each waits out the other's leases. The lock is
an exclusive `flock` on `<database>.lock`, which the kernel releases when the process ends however it
ends (kill -9 included), so a crash never leaves the file locked; the file's text names the holder,
for the message the next process prints. Knowing it is alone is also what lets a restarted engine
take back, at once, the leases its dead predecessor held (engine/restart.py).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from standby.core.errors import StandbyError

if sys.platform != "win32":
    import fcntl


def lock_path(url: str) -> Path | None:
    """Where the lock of an SQLite database file is; None for PostgreSQL and in-memory databases."""
    try:
        parsed = make_url(url)
    except ArgumentError:  # store/open.py says what is wrong with it
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(f"{parsed.database}.lock")


@contextlib.contextmanager
def sole_engine(url: str, *, command: str) -> Iterator[None]:
    """Hold the database's lock while the block runs; StandbyError naming the holder if another has it."""
    path = lock_path(url)
    if path is None or sys.platform == "win32":
        yield
        return
    try:
        handle = path.open("a+")
    except OSError as exc:
        raise StandbyError(f"cannot create the lock file {path}: {exc.strerror or exc}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StandbyError(
                f"{path.with_suffix('')} is in use by another Standby process ({holder}): only one may run "
                "the checks on an SQLite file. Stop that one first, or use PostgreSQL (--db "
                "postgresql://…) to run several processes on one database"
            ) from None
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, `{command}`, since {started}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()  # the lock itself goes with the file handle
