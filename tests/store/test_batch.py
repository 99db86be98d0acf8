"""store/batch.py binds the recording's rows itself: what it writes must read back, on SQLite and
PostgreSQL, exactly as what SQLAlchemy writes — on SQLite the very same text, which sorts as time does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    select,
    update,
)

from standby.store.base import UTCDateTime
from standby.store.batch import executemany
from standby.store.db import make_engine

# A table of these tests' own, so the shared metadata (and the migrations check) never sees it.
rows = Table(
    "test_batch",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(50)),
    Column("at", UTCDateTime()),
    Column("details", JSON),
    Column("flag", Boolean),
    Column("note", String(50)),
)
INSERT = insert(rows)
RENAME = update(rows).where(rows.c.id == bindparam("b_id")).values(name=bindparam("b_name"), note=None)
T0 = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)


@pytest.fixture
def db(engine: Engine) -> Engine:
    rows.create(engine)
    return engine


def test_rows_read_back_as_written_instants_aware_dicts_whole_nones_kept(db: Engine) -> None:
    paris = timezone(timedelta(hours=1))
    written = [
        {
            "id": 1,
            "name": "a",
            "at": T0,
            "details": {"status": 200, "url": "https://x/é"},
            "flag": True,
            "note": "n",
        },
        {"id": 2, "name": "b", "at": T0.astimezone(paris), "details": {}, "flag": False, "note": None},
        {"id": 3, "name": "c", "at": None, "details": None, "flag": None, "note": None},
    ]
    with db.begin() as connection:
        executemany(connection, INSERT, written)
        executemany(connection, INSERT, [])  # nothing to write: nothing done
    with db.connect() as connection:
        found = [dict(r._mapping) for r in connection.execute(select(rows).order_by(rows.c.id))]
    assert found[0] == written[0]
    assert found[1]["at"] == T0 and found[1]["at"].tzinfo is not None  # the same instant, read as UTC
    assert found[2] == written[2]


def test_values_fixed_in_the_statement_are_bound_with_the_rows(db: Engine) -> None:
    with db.begin() as connection:
        executemany(connection, INSERT, [{"id": i, "name": "old", "note": "kept?"} for i in (1, 2)])
        executemany(connection, RENAME, [{"b_id": 1, "b_name": "one"}, {"b_id": 2, "b_name": "two"}])
    with db.connect() as connection:
        found = connection.execute(select(rows.c.name, rows.c.note).order_by(rows.c.id)).all()
    assert [tuple(r) for r in found] == [("one", None), ("two", None)]


def test_sqlite_gets_the_very_text_sqlalchemy_writes(tmp_path: Path) -> None:
    db = make_engine(f"sqlite:///{tmp_path / 'text.db'}")
    rows.create(db)
    instants = [T0, T0 + timedelta(microseconds=1), T0.replace(microsecond=0) + timedelta(seconds=59)]
    with db.begin() as connection:
        connection.execute(INSERT, [{"id": i, "at": at} for i, at in enumerate(instants)])
        executemany(connection, INSERT, [{"id": 10 + i, "at": at} for i, at in enumerate(instants)])
        stored = dict(connection.exec_driver_sql("SELECT id, at FROM test_batch").all())
    db.dispose()
    assert [stored[10 + i] for i in range(3)] == [stored[i] for i in range(3)]


def test_a_naive_instant_is_refused_as_sqlalchemy_refuses_it(db: Engine) -> None:
    with pytest.raises(ValueError, match="naive datetime"), db.begin() as connection:
        executemany(connection, INSERT, [{"id": 1, "at": datetime(2026, 12, 6, 5, 0)}])
