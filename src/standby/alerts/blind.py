"""When Standby itself cannot see (engine/sight.py), the people who run it hear it once: one alert,
"Standby is blind since …", to the plan's `operators` (default: the web app's admins), never to an
asset's owner; and once, that it sees again, when it does. No chain walks further: there is no one
above the operators to page about their own tool, and a blind Standby must not page in a storm.

The checks that failed for the same cause are held meanwhile (the engine records them in the history
only), so no owner is paged, nothing changes on the status page, and nothing has to recover after.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts import escalation
from standby.alerts.chain import of_people
from standby.alerts.models import Alert, Escalation
from standby.alerts.service import open_alert, resolve
from standby.channels.people import Contact, Recipient, contacts
from standby.core.timetext import at, words
from standby.engine.models import Sight
from standby.plan.model import Plan
from standby.web.auth.models import User

KIND = "standby"


def asset_of(host: str) -> str:
    return f"{KIND}:{host}"


def operators(session: Session, plan: Plan) -> list[Recipient]:
    """Who runs Standby: the plan's `operators`, else the web app's admins (a plan person when one
    has the admin's address, with all their channels)."""
    people = {p.id: p for p in plan.people}
    if plan.operators:
        return [contacts(plan, people[o]) for o in plan.operators if o in people]
    by_email = {p.email.lower(): p for p in plan.people if p.email}
    found: list[Recipient] = []
    for user in session.scalars(select(User).where(User.role == "admin").order_by(User.email)):
        person = by_email.get(user.email)
        if person is not None:
            found.append(contacts(plan, person))
            continue
        reach = [Contact(channel="email", address=user.email)] if plan.settings.email else []
        problem = None if reach else "is an admin of the web app, but the plan configures no settings.email"
        found.append(Recipient(id=f"admin:{user.email}", name=user.email, contacts=reach, problem=problem))
    return found


def on_sight_change(session: Session, *, sight: Sight, plan: Plan, now: datetime) -> None:
    """Subscribed to the engine's sight (standby/app/subscribers.py `SIGHT`)."""
    asset = asset_of(sight.host)
    live = select(Alert).where(Alert.asset == asset, Alert.state.in_(("open", "acknowledged")))
    current = session.scalars(live).first()
    if sight.status == "ok":
        if current is not None:
            why = f"Standby sees again after {words(now - current.since)}: {sight.summary}; checks resumed"
            resolve(session, current, why=why, now=now)
        return
    if current is not None:
        return
    since = at(sight.since, plan.timezone)
    summary = (
        f"Standby is blind since {since}: {sight.summary}. Until it sees again, checks that fail for "
        "this reason are on hold: no owner is paged and the status page does not change."
    )
    chain = of_people(plan, operators(session, plan), source="the operators (who runs Standby)")
    alert = open_alert(session, reason=KIND, asset=asset, kind=KIND, check="sight", owner=None,
                       severity="critical", summary=summary, since=sight.since, plan=plan, now=now,
                       chain=chain)  # fmt: skip
    for running in session.scalars(select(Escalation).where(Escalation.alert_id == alert.id)):
        escalation.stop(running)  # told once: no second round, no "exhausted" message
