"""`standby alerts`, `standby ack ALERT --by PERSON`, `standby confirm ASSET --by PERSON --how ...`.

The store and the alert logic are imported inside the commands, so `standby check` does not pay for
them (see store/cli.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from standby.core.words import plural
from standby.store.cli import DbOption

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from standby.alerts.service import Acknowledged

By = Annotated[str, typer.Option("--by", help="Who you are: your person id in the plan.")]
PlanOption = Annotated[
    Path | None,
    typer.Option("--plan", help="The plan whose people --by names; default: the one `standby serve` runs."),
]


class How(StrEnum):
    renewed = "renewed"
    auto_renew = "auto-renew"


def _check_person(session: Session, by: str, plan_file: Path | None) -> None:
    """--by must name a person of the plan (given, or the one the engine runs): an acknowledgement by
    a typo would stop the chain in nobody's name."""
    from standby.engine.running import person, running_plan

    plan, path = running_plan(session, plan_file)
    person(plan, by, where=str(path))


def alerts(
    db: DbOption = None,
    all: Annotated[bool, typer.Option("--all", help="Also resolved alerts (the latest 50).")] = False,
) -> None:
    """List unresolved alerts: who has each, what the chain does next and when, what was not delivered."""
    from sqlalchemy import select

    from standby.alerts.models import Alert
    from standby.alerts.view import view
    from standby.core.clock import SystemClock
    from standby.store.open import sessions_for

    now = SystemClock().now()
    with sessions_for(db) as sessions, sessions() as session:
        query = select(Alert).order_by(Alert.opened_at.desc(), Alert.id.desc())
        query = query.limit(50) if all else query.where(Alert.state != "resolved")
        found = list(session.scalars(query))
        if not found:
            print("No alerts." if all else "No open alerts.")
            return
        listed = {a.id for a in found}
        for alert in found:
            if alert.root_id in listed:
                continue  # shown under its root: one cause, one entry
            shown = view(session, alert, now=now)
            print(f"#{alert.id}  {alert.severity}  {alert.asset}  ({alert.state})")
            print(f"    {alert.summary}")
            print(f"    since {shown.since}; owner {shown.owner}")
            print(f"    {shown.status}")
            for failure in shown.failures:
                print(f"    NOT DELIVERED: {failure}")
            for doubt in shown.unknown:
                print(f"    OUTCOME UNKNOWN: {doubt}")
            same = [d for d in shown.same_cause if all or d.state != "resolved"]
            if same:
                print(f"    same cause ({plural(len(same), 'alert')}, not paged separately):")
                for dependent in same:
                    print(f"      #{dependent.id}  {dependent.severity}  {dependent.asset} "
                          f"({dependent.check}, {dependent.state}): {dependent.summary}")  # fmt: skip


def _acknowledge(
    alert_id: int, *, by: str, db: str | None, plan: Path | None, then: Sequence[Acknowledged]
) -> None:
    from standby.alerts.service import acknowledge
    from standby.core.clock import SystemClock
    from standby.store.open import transaction

    with transaction(db, lock=True) as session:
        _check_person(session, by, plan)
        result = acknowledge(
            session, alert_id=alert_id, person=by, now=SystemClock().now(), via="command line", then=then
        )
    print(result.message)


def confirm(
    asset: Annotated[
        str, typer.Argument(help="The domain or certificate (acme.example, www.acme.example:443).")
    ],
    by: By,
    how: Annotated[How, typer.Option("--how", help="renewed, or auto-renew (on, with a valid card).")],
    db: DbOption = None,
    plan: PlanOption = None,
) -> None:
    """Confirm a renewal: no more reminders for this expiry date, and no escalation."""
    from standby.alerts import renewals
    from standby.core.clock import SystemClock
    from standby.store.open import transaction

    with transaction(db, lock=True) as session:
        _check_person(session, by, plan)
        cycle = renewals.current(session, renewals.find_asset(session, asset))
        assert cycle is not None, "find_asset only names assets with a live cycle"
        said = renewals.confirm(
            session, cycle, person=by, how=how.value, now=SystemClock().now(), via="command line"
        )
    print(said)


def register(app: typer.Typer, *, followers: Callable[[], Sequence[Acknowledged]] = tuple) -> None:
    """Add the commands; `followers` gives who else hears of an acknowledgement (the wiring's list,
    standby/app/subscribers.py), asked for only when `standby ack` runs."""

    def ack(
        alert_id: Annotated[int, typer.Argument(help="The alert's number (see `standby alerts`).")],
        by: By,
        db: DbOption = None,
        plan: PlanOption = None,
    ) -> None:
        """Acknowledge an alert: you have it, and the chain stops paging others."""
        _acknowledge(alert_id, by=by, db=db, plan=plan, then=followers())

    app.command()(alerts)
    app.command()(ack)
    app.command()(confirm)
