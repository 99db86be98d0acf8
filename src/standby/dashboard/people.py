"""The people of the plan as a tree along `reports_to`: what each owns, how they are reached (Apprise
URLs redacted), and how the last message on each channel went."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from standby.channels.models import Message
from standby.channels.outbox import ahead
from standby.channels.people import contacts, shown
from standby.core.timetext import at
from standby.dashboard.assets import AssetRow, overview
from standby.plan.model import Person, Plan


@dataclass(frozen=True)
class PersonView:
    id: str
    name: str
    channels: list[str]
    problem: str | None  # why nobody can reach them, when no channel works
    owns: list[AssetRow]
    deliveries: list[tuple[str, bool]]  # the latest message per channel: what happened, whether it failed
    reports: list[PersonView]  # the people who report to this one
    note: str = ""  # where `reports_to` goes wrong


def _last_deliveries(session: Session, plan: Plan) -> dict[str, list[Message]]:
    """Each person's latest message on each of their channels (one may work while another fails)."""
    latest = (
        select(func.max(Message.id).label("id"))
        .where(Message.recipient.in_([p.id for p in plan.people]))
        .group_by(Message.recipient, Message.channel, Message.address)
        .subquery()
    )
    found: dict[str, list[Message]] = defaultdict(list)
    for message in session.scalars(
        select(Message).join(latest, Message.id == latest.c.id).order_by(Message.id)
    ):
        found[message.recipient or ""].append(message)
    return found


def _delivery(session: Session, message: Message, tz: str) -> tuple[str, bool]:
    """What happened to the message, and whether that is a failure."""
    how = f"{message.channel} to {message.shown_address}"
    subject = f"“{message.subject}”"
    if message.state == "sent" and message.sent_at is not None:
        return f"{subject} sent by {how} at {at(message.sent_at, tz)}", False
    if message.state == "failed":
        return f"{subject} could not be delivered by {how}: {message.last_error}", True
    if message.state == "unknown":
        return f"{subject} outcome unknown by {how}: {message.last_error}", True
    error = message.last_error
    behind = ahead(session, message) if error is None else None
    if behind is not None and behind.last_error:  # it waits in line behind one that keeps failing
        error = f"{behind.last_error} (for an earlier message it waits behind)"
    tried = f"; last error: {error}" if error else ""
    return f"{subject} waiting to go by {how} (queued {at(message.created_at, tz)}){tried}", bool(tried)


def people_tree(session: Session, *, plan: Plan, now: datetime) -> list[PersonView]:
    """The roots (people who report to nobody in the plan), each with everyone under them."""
    owned: dict[str, list[AssetRow]] = defaultdict(list)
    owners = {asset.id: asset.owner for asset in plan.assets()}
    for row in overview(session, plan=plan, now=now).rows:
        if (owner := owners.get(row.asset)) is not None:
            owned[owner].append(row)
    last = _last_deliveries(session, plan)
    ids = {p.id for p in plan.people}
    under: dict[str | None, list[Person]] = defaultdict(list)
    for person in plan.people:
        under[person.reports_to if person.reports_to in ids else None].append(person)
    placed: set[str] = set()

    def build(person: Person) -> PersonView:
        placed.add(person.id)
        reached = contacts(plan, person)
        note = ""
        if person.reports_to and person.reports_to not in ids:
            note = f"reports to {person.reports_to!r}, who is not in the plan"
        return PersonView(
            id=person.id,
            name=person.name or person.id,
            channels=[f"{c['channel']}: {shown(c['channel'], c['address'])}" for c in reached["contacts"]],
            problem=reached["problem"],
            owns=owned.get(person.id, []),
            deliveries=[_delivery(session, m, plan.timezone) for m in last.get(person.id, [])],
            reports=[build(p) for p in under[person.id] if p.id not in placed],
            note=note,
        )

    roots = [build(p) for p in under[None]]
    # People in a reports_to loop are under nobody: show them too, and say why.
    for person in plan.people:
        if person.id not in placed:
            roots.append(replace(build(person), note="in a reports_to loop: nobody is above them"))
    return roots
