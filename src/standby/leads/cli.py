"""`standby leads list|show|export|replay|retry-failed` and `standby pages build`.

The store and the replay are imported inside the commands, so `standby check` does not pay for them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from standby.core.errors import StandbyError
from standby.store.cli import DbOption

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

leads_app = typer.Typer(help="Leads captured by fallback forms, and their replay.", no_args_is_help=True)
pages_app = typer.Typer(help="Fallback pages and switch scripts as static files.", no_args_is_help=True)
PlanArg = Annotated[Path, typer.Argument(help="The plan file.")]
Forms = Annotated[list[str] | None, typer.Option("--form", help="Only this form (repeat for more).")]
Form = Annotated[str | None, typer.Option("--form", help="Only this form.")]
State = Annotated[str | None, typer.Option("--state", help="pending, delivered, skipped or failed.")]


@contextmanager
def _database(db: str | None) -> Iterator[sessionmaker[Session]]:
    from standby.store.db import database_url, session_factory
    from standby.store.open import open_database

    engine = open_database(database_url(db), upgrade=False)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


@leads_app.command("list")
def list_(
    form: Form = None,
    state: State = None,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
    db: DbOption = None,
) -> None:
    """The newest submissions: when, which form, who, and what became of each."""
    from standby.leads import service

    with _database(db) as sessions, sessions() as session:
        rows = service.listing(session, form=form, state=state, limit=limit)
        if not rows:
            print(
                "No submissions"
                + (f" in state {state}" if state else "")
                + (f" for {form}" if form else "")
                + "."
            )
            return
        for row in rows:
            said = row.reason or row.outcome or ""
            email = str(row.fields.get("email", ""))
            when = f"{row.received_at:%Y-%m-%d %H:%M:%S}Z"
            print(f"{row.public_id}  {when}  {row.form_id:<16} {email:<32} {row.state}  {said}".rstrip())


@leads_app.command()
def show(
    submission: Annotated[str, typer.Argument(metavar="ID", help="A submission's id (sub_…).")],
    db: DbOption = None,
) -> None:
    """Everything about one submission."""
    from standby.leads import service

    with _database(db) as sessions, sessions() as session:
        row = service.find(session, submission)
        print(f"{row.public_id}  form {row.form_id}  received {row.received_at:%Y-%m-%d %H:%M:%S} UTC")
        for name, value in row.fields.items():
            print(f"    {name}: {value}")
        print(f"    page:       {row.page_url or '-'}")
        print(f"    referrer:   {row.referrer or '-'}")
        print(f"    browser:    {row.user_agent or '-'}")
        print(f"    address:    {row.address or '-'}")
        print(f"    key:        {row.idempotency_key or '-'}")
        when = f" at {row.delivered_at:%Y-%m-%d %H:%M:%S} UTC" if row.delivered_at else ""
        detail = f" ({row.outcome}{', id ' + row.remote_id if row.remote_id else ''})" if row.outcome else ""
        print(f"    state:      {row.state}{detail}{when}; sent {row.attempts} time(s)")
        if row.reason:
            print(f"    reason:     {row.reason}")


@leads_app.command()
def export(
    csv: Annotated[bool, typer.Option("--csv", help="CSV for spreadsheets (default: JSON Lines).")] = False,
    form: Form = None,
    state: State = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of to stdout.")] = None,
    db: DbOption = None,
) -> None:
    """Every submission (oldest first), with its fields and delivery state."""
    from standby.leads import export as exporter
    from standby.leads import service

    with _database(db) as sessions, sessions() as session:
        rows = list(reversed(service.listing(session, form=form, state=state, limit=100_000)))
    handle = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        count = exporter.write_csv(rows, handle) if csv else exporter.write_jsonl(rows, handle)
    finally:
        if out:
            handle.close()
    if out:
        print(f"wrote {count} submissions to {out}", file=sys.stderr)


@leads_app.command()
def replay(plan: PlanArg, forms: Forms = None, db: DbOption = None) -> int:
    """Replay pending leads now, whatever the vendor monitors say; exit 1 if a form could not finish."""
    import asyncio

    from standby.core.clock import SystemClock
    from standby.engine.runner import default_worker
    from standby.leads import service
    from standby.leads.replay.service import Replayer
    from standby.plan.load import load_plan

    loaded, _ = load_plan(plan)
    wanted = service.forms_of(loaded, forms)
    with _database(db) as sessions:
        replayer = Replayer(sessions, clock=SystemClock(), worker=f"cli:{default_worker()}")
        passes = asyncio.run(replayer.run(loaded, wanted))
    failed = False
    for done in passes:
        counts = ", ".join(f"{n} {state}" for state, n in sorted(done.counts.items())) or "nothing to send"
        line = f"{done.form_id}: {counts}"
        if done.state != "done":
            failed = True
            line += f"; {done.state}" + (f": {done.error}" if done.error else "")
            if done.retry_at is not None:
                line += f" (next try {done.retry_at:%Y-%m-%d %H:%M} UTC)"
        print(line)
    return 1 if failed else 0


@leads_app.command("retry-failed")
def retry_failed(
    form: Form = None,
    skipped: Annotated[bool, typer.Option("--skipped", help="Also leads the destination skipped.")] = False,
    db: DbOption = None,
) -> None:
    """Put failed (and with --skipped, skipped) leads back in the queue, and let stopped replays run."""
    from standby.leads import service

    with _database(db) as sessions, sessions.begin() as session:
        count = service.requeue(session, form_id=form, skipped=skipped)
    which = "failed and skipped" if skipped else "failed"
    print(
        f"{count} {which} lead{'s' if count != 1 else ''}{' of ' + form if form else ''} back in the queue."
    )


@pages_app.command()
def build(
    plan: PlanArg,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this directory instead of fallback.publish.")
    ] = None,
) -> None:
    """Render every form's fallback page and switch script and publish them (fallback.publish, or --out)."""
    from standby.leads.build import site
    from standby.plan.fallback import live_pages
    from standby.plan.load import load_plan
    from standby.plan.status_page import PublishTarget
    from standby.statuspage.publish import publish

    loaded, warnings = load_plan(plan)
    for warning in warnings:
        print(warning, file=sys.stderr)
    files = site(loaded)
    targets = (
        [PublishTarget(url=str(out))] if out else list(loaded.fallback.publish if loaded.fallback else [])
    )
    if not targets:
        raise StandbyError("nowhere to publish: give --out DIR or list targets under fallback.publish")
    problems = []
    for target in targets:
        result = publish(files, target)
        problems += [why for _, why in result.failed]
        print(f"{result.target}: wrote {len(result.written)} files")
    if problems:
        raise StandbyError("; ".join(problems))
    for live in live_pages(loaded):
        print(f"  {live.title}: {live.url}")


def register(app: typer.Typer) -> None:
    app.add_typer(leads_app, name="leads")
    app.add_typer(pages_app, name="pages")
