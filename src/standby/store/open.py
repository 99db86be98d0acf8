"""Opening the database for a command: one way, with every failure a message saying what to do.

Commands use `sessions_for` (the sessions of one command's database, closed at the end) or
`transaction` (one transaction of it, optionally holding the write lock from the start)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from standby.core.errors import StandbyError
from standby.store import migrate
from standby.store.db import database_url, display_url, lock_for_write, make_engine, session_factory


def open_database(url: str, *, upgrade: bool) -> Engine:
    """Connect, then migrate (`upgrade`) or insist the schema is this version's; else StandbyError."""
    try:
        database = make_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StandbyError(f"--db {url!r} is not a database URL Standby can use ({exc})") from None
    try:
        if upgrade:
            migrate.upgrade(database)
        else:
            current = migrate.current(database)
            if current is None:
                raise StandbyError(
                    f"{display_url(url)} has no Standby data yet; run `standby db upgrade` on it "
                    "(`standby serve` does) first"
                )
            if current != migrate.head():
                raise StandbyError(
                    f"{display_url(url)} has an older Standby schema ({current}); run `standby db upgrade`"
                )
    except SQLAlchemyError as exc:
        database.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StandbyError(f"cannot use the database {display_url(url)}: {reason}") from None
    except StandbyError:
        database.dispose()
        raise
    return database


@contextmanager
def sessions_for(db: str | None, *, upgrade: bool = False) -> Iterator[sessionmaker[Session]]:
    """The sessions of `--db` (else $STANDBY_DB, else the default file), migrated first with `upgrade`;
    the connections are closed when the command is done."""
    database = open_database(database_url(db), upgrade=upgrade)
    try:
        yield session_factory(database)
    finally:
        database.dispose()


@contextmanager
def transaction(db: str | None, *, upgrade: bool = False, lock: bool = False) -> Iterator[Session]:
    """One transaction on `--db`, committed when the block ends; with `lock`, it holds the write lock
    from the start (store/db.py `lock_for_write`: it reads, then writes what it read)."""
    with sessions_for(db, upgrade=upgrade) as sessions, sessions.begin() as session:
        if lock:
            lock_for_write(session)
        yield session
