"""`standby runbook PLAN`: write the crisis runbook (one HTML file that needs nothing else to open or
print), and with --publish write it to the plan's `runbook.publish` targets now."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from standby.core.errors import StandbyError
from standby.store.cli import DbOption


def runbook(
    plan: Annotated[Path, typer.Argument(help="The plan file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write it.")] = Path("runbook.html"),
    db: DbOption = None,
    publish: Annotated[
        bool, typer.Option("--publish", help="Also write it to the plan's runbook.publish targets now.")
    ] = False,
) -> int:
    """Write the crisis runbook: owners and chains with every contact, renewals, playbooks, drills.

    Renewal confirmations and drill results come from the database (--db, $STANDBY_DB, or ./standby.db
    when it exists); without one, the runbook holds what the plan says."""
    from standby.core.clock import SystemClock
    from standby.plan.load import load_plan
    from standby.recovery.runbook.publish import current, publish_now
    from standby.store.db import DEFAULT_URL
    from standby.store.open import sessions_for

    loaded, _ = load_plan(plan)
    now = SystemClock().now()
    use_db = db or os.environ.get("STANDBY_DB") or (DEFAULT_URL if Path("standby.db").exists() else None)
    if use_db:
        with sessions_for(use_db) as sessions, sessions() as session:
            html = current(session, loaded, now)
    else:
        html = current(None, loaded, now)
    out.write_bytes(html)
    source = "the plan and the database" if use_db else "the plan alone (no database)"
    print(f"wrote {out} ({len(html) // 1024 + 1} KB) from {source}")
    if not publish:
        return 0
    targets = loaded.runbook.publish if loaded.runbook else []
    if not targets:
        raise StandbyError(
            "the plan names nowhere to publish the runbook: add runbook.publish (docs/recovery.md)"
        )
    failed = 0
    for result in publish_now(html, targets).values():
        if result.ok:
            print(f"published to {result.target}")
        else:
            failed += 1
            print(f"NOT published to {result.target}: {'; '.join(why for _, why in result.failed)}")
    return 1 if failed else 0


def register(app: typer.Typer) -> None:
    app.command()(runbook)
