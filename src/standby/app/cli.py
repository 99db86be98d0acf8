"""`standby serve` and `standby worker`: the commands that build the whole process.

The engine, the features and the web app are imported inside the commands: `standby check` and
`--help` should not pay for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from standby.core.errors import StandbyError
from standby.store.cli import DbOption

PlanArgument = Annotated[Path, typer.Argument(help="The plan file; edits are picked up while running.")]
WorkerOption = Annotated[
    str | None, typer.Option("--worker-id", help="Name for this process in leases (default: host:pid).")
]


def _run(
    plan: Path,
    db: str | None,
    worker_id: str | None,
    listen: tuple[str, int] | None,
    *,
    web_only: bool = False,
) -> None:
    import asyncio
    import contextlib

    from standby.app.engine import Engine
    from standby.app.monitors import serve_jobs
    from standby.app.serve import bind, configure_logging, run
    from standby.store.db import database_url
    from standby.store.lock import sole_engine
    from standby.store.open import sessions_for

    with contextlib.ExitStack() as held:
        if not web_only:  # one engine per SQLite file; the web app alone may run beside it
            held.enter_context(sole_engine(database_url(db), command=f"standby serve {plan}"))
        sessions = held.enter_context(sessions_for(db, upgrade=True))
        sock = bind(*listen) if listen is not None else None
        if sock is not None:
            held.callback(sock.close)
        configure_logging()
        engine = Engine(plan, sessions, worker=worker_id, monitors=serve_jobs)
        asyncio.run(run(engine, sessions, listen=sock, web_only=web_only))


def serve(
    plan: PlanArgument,
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address the web app listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the web app (acknowledgement links).")] = 8400,
    worker_id: WorkerOption = None,
    web_only: Annotated[
        bool,
        typer.Option("--web-only", help="Only the web app; checks run in another `standby serve --no-web`."),
    ] = False,
    no_web: Annotated[
        bool, typer.Option("--no-web", help="Only the checks and the chains, no web app.")
    ] = False,
) -> None:
    """Watch everything in the plan and run the chains of responsibility, with the web app, until
    stopped (Ctrl-C or SIGTERM). Migrates the database first."""
    if web_only and no_web:
        raise StandbyError("--web-only and --no-web together would run nothing: choose one")
    _run(plan, db, worker_id, None if no_web else (host, port), web_only=web_only)


def worker(plan: PlanArgument, db: DbOption = None, worker_id: WorkerOption = None) -> None:
    """Share the work of `standby serve` from another process (PostgreSQL only), without the web app."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from standby.store.db import database_url

    url = database_url(db)
    try:
        sqlite = make_url(url).get_backend_name() == "sqlite"
    except ArgumentError as exc:
        raise StandbyError(f"--db {url!r} is not a database URL Standby can use ({exc})") from None
    if sqlite:
        raise StandbyError(
            "standby worker shares the work with other processes through PostgreSQL; with SQLite only "
            "one process may run: use `standby serve` alone, or give --db postgresql://…"
        )
    _run(plan, db, worker_id, None)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)
