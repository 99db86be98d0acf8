"""`standby history`: what the engine found about one asset. (`standby serve` and `worker`, which
build the whole process, are the wiring's: standby/app/cli.py.)

SQLAlchemy is imported inside the command: `standby check` and `--help` should not pay for it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from standby.store.cli import DbOption


class Format(StrEnum):
    table = "table"
    json = "json"


def history(
    asset: Annotated[str, typer.Argument(help="An asset: endpoint:demo-page, domain:acme.example...")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, help="How many findings, newest first.")] = 50,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="table (for people) or json.")
    ] = Format.table,
) -> None:
    """What Standby found about one asset, newest first."""
    from standby.engine.render import print_history
    from standby.store.open import sessions_for

    with sessions_for(db) as sessions:
        print_history(sessions, asset, limit=limit, as_json=format is Format.json)


def register(app: typer.Typer) -> None:
    app.command()(history)
