"""Where the database is and how to connect to it.

SQLite (the default, one process) gets WAL, `synchronous=FULL` (a committed acknowledgement survives a
power cut), foreign keys and a busy timeout. SQLAlchemy rather than the sqlite3 module emits BEGIN, so
savepoints work, and every transaction begins with `BEGIN IMMEDIATE`: it takes the write lock up front,
waiting up to the busy timeout for it. A transaction that read first and wrote later (a deferred
BEGIN) would fail at once with "database is locked" whenever another connection had written meanwhile
— the busy timeout cannot help a snapshot that is already stale — and a web request would answer 500
while the engine writes. WAL readers never blocked writers; with one process, serialising the short
transactions of its threads costs little (docs/store.md) — except a page that reads a 25,000-asset
plan for a few hundred milliseconds: those read `reading()`, deferred, and hold no lock.
PostgreSQL (several processes) is reached through psycopg 3.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///standby.db"
BUSY_TIMEOUT_MS = 10_000


def database_url(explicit: str | None = None) -> str:
    """`--db` when given, else `STANDBY_DB`, else a SQLite file in the working directory."""
    return explicit or os.environ.get("STANDBY_DB") or DEFAULT_URL


def _normalize(url: str) -> URL:
    parsed = make_url(url)
    # `postgresql://` would pick psycopg2, which is not installed; `postgres://` is the libpq spelling.
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def display_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    return _normalize(url).render_as_string(hide_password=True)


_written = 0  # how many commits of this process changed the store (SQLite), or committed at all


def writes() -> int:
    """A number that changes whenever this process has committed a change to the store (store/kept.py)."""
    return _written


def _count_write(connection: Connection) -> None:
    global _written
    raw = connection.connection.dbapi_connection
    changes = getattr(raw, "total_changes", None)  # sqlite3's; psycopg has none: count every commit
    if changes is None or changes != connection.info.get("changes"):
        connection.info["changes"] = changes
        _written += 1  # two threads may count one: the number still changes, which is all it says


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = _normalize(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed, pool_pre_ping=True, **kwargs)
        event.listen(engine, "commit", _count_write)
        return engine
    engine = create_engine(parsed, **kwargs)
    event.listen(engine, "commit", _count_write)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    open_here = threading.local()  # this thread's connections that began a transaction

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A second transaction in a thread that holds one would wait for its own write lock until the
        # busy timeout: say so at once (pass the open session down instead of opening another).
        mine: list[Connection] = getattr(open_here, "connections", [])
        mine[:] = [c for c in mine if not c.closed and c.in_transaction()]
        if mine:
            raise NestedTransaction(
                "a second SQLite transaction in a thread that holds one would wait for itself; "
                "pass the open session down instead of opening another"
            )
        connection.exec_driver_sql("BEGIN" if _READING.get() else "BEGIN IMMEDIATE")
        open_here.connections = [*mine, connection]

    return engine


_READING: ContextVar[bool] = ContextVar("reading", default=False)


@contextmanager
def reading() -> Iterator[None]:
    """The SQLite transactions begun inside only read: they begin deferred, so that a page reading
    thousands of rows holds no write lock and the engine's recording goes on meanwhile (WAL readers
    see the last commit). Only for code that never writes: a write in one fails at once when another
    connection holds the lock (SQLITE_BUSY), where BEGIN IMMEDIATE would have waited its turn."""
    token = _READING.set(True)
    try:
        yield
    finally:
        _READING.reset(token)


class NestedTransaction(RuntimeError):
    """A programming error: a thread opened a second transaction on the SQLite file it holds."""


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: the outbox commits a claim, then sends what it claimed.
    return sessionmaker(engine, expire_on_commit=False)


def lock_for_write(session: Session) -> None:
    """Start the session's transaction holding the database's write lock.

    Call it first in a transaction that reads and then writes what it read, so that two connections
    cannot both read the same rows. SQLite transactions always begin so (BEGIN IMMEDIATE, above), so
    this only begins the transaction; on PostgreSQL it does nothing more (use row locks there).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection()
