"""Alembic environment: always given a connection by `standby.store.migrate` (no alembic.ini)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from standby.store.migrations.tables import metadata

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `standby db upgrade` (standby.store.migrate)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
