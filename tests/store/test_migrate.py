from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from standby.cli import main
from standby.store import migrate
from standby.store.db import make_engine
from standby.store.migrations.tables import metadata


def test_migrations_build_exactly_the_schema_the_models_describe(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    assert migrate.current(engine) == migrate.head()


def test_a_fresh_database_has_no_revision_until_it_is_upgraded(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert migrate.current(engine) is None
        migrate.upgrade(engine)
        migrate.upgrade(engine)  # a second run (another process starting) changes nothing
        assert migrate.current(engine) == migrate.head()
        assert {"outbox_message", "outbox_attempt"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_migration_scripts_ship_inside_the_package() -> None:
    versions = Path(migrate.__file__).parent / "migrations" / "versions"
    assert list(versions.glob(f"{migrate.head()}_*.py"))


def test_db_current_says_the_database_needs_upgrading_until_db_upgrade_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["db", "current", "--db", url]) == 1
    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["db", "current", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "no schema" in out and "run `standby db upgrade`" in out
    assert f"upgraded from an empty database to revision {migrate.head()}" in out
    assert "(up to date)" in out


def test_db_upgrade_reads_the_database_from_standby_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("STANDBY_DB", url)
    assert main(["db", "upgrade"]) == 0
    engine = make_engine(url)
    assert migrate.current(engine) == migrate.head()
    engine.dispose()
