"""`standby notify test PERSON|AUDIENCE`: one test message through every channel of each person,
sent at once, with what was delivered and what failed. Exit 0 when every way delivered, 2 when one
failed or someone cannot be reached."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from standby.core.errors import StandbyError
from standby.store.cli import DbOption

notify_app = typer.Typer(help="Check that people can be reached.", no_args_is_help=True)


@notify_app.command("test")
def test(
    who: Annotated[str, typer.Argument(metavar="PERSON|AUDIENCE", help="A person or audience id.")],
    plan: Annotated[
        Path | None, typer.Option("--plan", help="The plan file; default: the one `standby serve` runs.")
    ] = None,
    db: DbOption = None,
) -> int:
    """Send one test message through every channel of each person, and say what was delivered."""
    from standby.core.clock import SystemClock
    from standby.recovery.notify import recipients, send_tests, senders
    from standby.recovery.plans import plan_for
    from standby.store.open import sessions_for

    if plan is not None:
        loaded = plan_for(None, plan)
    else:
        try:
            with sessions_for(db) as sessions, sessions() as session:
                loaded = plan_for(session, None)
        except StandbyError as exc:
            raise StandbyError(f"{exc}; or give the plan with --plan PLAN") from None
    tried = send_tests(loaded, recipients(loaded, who), via=senders(loaded), now=SystemClock().now())
    for item in tried:
        outcome = "delivered" if item.error is None else f"NOT delivered: {item.error}"
        print(f"{item.who}: {item.channel} {item.address}: {outcome}")
    good = sum(t.error is None for t in tried)
    print(f"{good} of {len(tried)} ways delivered.")
    return 0 if good == len(tried) else 2


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")
