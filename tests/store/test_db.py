from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import StatementError

from standby.store import migrate
from standby.store.base import UTCDateTime
from standby.store.db import database_url, display_url, make_engine

# A table of these tests' own, so the shared metadata (and the migrations check) never sees it.
events = Table(
    "test_event",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(50)),
    Column("at", UTCDateTime(), nullable=False),
)


@pytest.fixture
def db(engine: Engine) -> Engine:
    events.create(engine)
    return engine


def test_the_database_is_the_explicit_url_then_standby_db_then_a_local_sqlite_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STANDBY_DB", raising=False)
    assert database_url(None) == "sqlite:///standby.db"
    monkeypatch.setenv("STANDBY_DB", "postgresql://db/standby")
    assert database_url(None) == "postgresql://db/standby"
    assert database_url("sqlite:///other.db") == "sqlite:///other.db"


def test_a_plain_postgresql_url_uses_psycopg_and_its_password_is_never_shown() -> None:
    assert display_url("postgresql://standby:s3cret@db:5432/standby") == (
        "postgresql+psycopg://standby:***@db:5432/standby"
    )
    assert make_engine("postgres://u@db/x").dialect.driver == "psycopg"


def test_sqlite_runs_in_wal_mode_with_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") > 0
    engine.dispose()


def test_datetimes_come_back_aware_and_in_utc(db: Engine) -> None:
    new_york = timezone(timedelta(hours=-5))
    written = datetime(2025, 3, 1, 7, 30, 15, 123456, tzinfo=new_york)
    with db.begin() as connection:
        connection.execute(insert(events).values(name="renewed", at=written))
        read = connection.scalars(select(events.c.at)).one()
    assert read == written
    assert read.tzinfo == UTC
    assert read.hour == 12


def test_comparisons_in_queries_use_the_instant_not_the_wall_clock(db: Engine) -> None:
    noon = datetime(2025, 3, 1, 12, tzinfo=UTC)
    same_instant_in_tokyo = noon.astimezone(timezone(timedelta(hours=9)))
    with db.begin() as connection:
        connection.execute(insert(events), [{"name": "before", "at": noon - timedelta(seconds=1)}])
        connection.execute(insert(events), [{"name": "after", "at": noon}])
        names = connection.scalars(select(events.c.name).where(events.c.at < same_instant_in_tokyo)).all()
    assert names == ["before"]


def test_a_naive_datetime_is_refused(db: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.begin() as connection:
        connection.execute(insert(events).values(name="naive", at=datetime(2025, 3, 1, 12)))


def test_postgresql_stores_instants_as_timestamptz(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        kind = connection.execute(
            text(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'outbox_message' AND column_name = 'created_at'"
            )
        ).scalar()
    engine.dispose()
    assert kind == "timestamp with time zone"
