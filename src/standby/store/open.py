"""Opening the database for a command: one way, with every failure a message saying what to do."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from standby.core.errors import StandbyError
from standby.store import migrate
from standby.store.db import display_url, make_engine


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
