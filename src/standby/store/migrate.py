"""Migrations run from code (`standby db upgrade`, `standby serve` on start), from the installed package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

SCRIPT_LOCATION = "standby.store:migrations"
# Any fixed number: PostgreSQL serializes `standby serve` processes that start (and migrate) together.
_MIGRATION_LOCK = 7_401_226


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this version of Standby knows."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None, "the package ships at least one migration"
    return revision


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`, in one transaction."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        command.upgrade(_config(connection), revision)


def current(engine: Engine) -> str | None:
    """The schema's revision, or None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
