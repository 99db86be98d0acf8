"""`standby db upgrade` and `standby db current`.

SQLAlchemy and Alembic are imported inside the commands: every `standby` command loads this module,
and `standby check` should not pay a second of imports for a database it never opens.
"""

from __future__ import annotations

from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $STANDBY_DB, else sqlite:///standby.db)."),
]

db_app = typer.Typer(help="The database: migrations and their state.", no_args_is_help=True)


@db_app.command()
def upgrade(db: DbOption = None) -> None:
    """Create or migrate the database schema to this version of Standby."""
    from standby.store import migrate
    from standby.store.db import database_url, display_url, make_engine

    url = database_url(db)
    engine = make_engine(url)
    try:
        before = migrate.current(engine)
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    head = migrate.head()
    if before == head:
        print(f"{display_url(url)}: already at revision {head}")
    else:
        print(f"{display_url(url)}: upgraded from {before or 'an empty database'} to revision {head}")


@db_app.command()
def current(db: DbOption = None) -> int:
    """Print the schema revision; exit 1 if the database needs `standby db upgrade`."""
    from standby.store import migrate
    from standby.store.db import database_url, display_url, make_engine

    url = database_url(db)
    engine = make_engine(url)
    try:
        revision = migrate.current(engine)
    finally:
        engine.dispose()
    head = migrate.head()
    if revision == head:
        print(f"{display_url(url)}: revision {revision} (up to date)")
        return 0
    found = f"revision {revision}" if revision else "no schema"
    print(f"{display_url(url)}: {found}; this Standby needs {head}: run `standby db upgrade`")
    return 1


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
