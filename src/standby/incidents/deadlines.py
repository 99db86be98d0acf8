"""Promises Standby holds the team to, and the external guard's clock.

Each unresolved incident has one promise in force (`next_update_due_at`): the first comes from
`first_update_within` after detection, each later one from the update that made it. Before it falls
due the lead is reminded (rules.remind_at); when it passes without an update, the lead and the person
they report to are told and the timeline shows the miss; every `update_every` after that without an
update, the next person up the chain is told too, to the top. When the outage has lasted
`external_after`, external audiences get Standby's neutral notice. Each step happens once: the
incident row remembers it, and every message has an idempotency key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, sessionmaker

from standby.channels import drill
from standby.channels.people import Recipient, person
from standby.channels.tell import Text, tell
from standby.core.timetext import at, words
from standby.incidents import rules
from standby.incidents.audiences import name, targets
from standby.incidents.context import neutral, short_time
from standby.incidents.lifecycle import automatic
from standby.incidents.models import AUTHOR, Incident
from standby.incidents.timeline import event
from standby.incidents.updates import open_to_public
from standby.plan.model import Plan
from standby.store.db import lock_for_write


def pending(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Whether an incident is open (most ticks have none: engine/chores.py)."""
    return exists().where(Incident.state != "resolved")


def run_due(sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str | None = None) -> int:
    """Each tick: reminders, missed promises and `external_after` (one transaction; no `worker` lease
    is needed, as the incidents are locked with SKIP LOCKED). Returns how many happened."""
    done = 0
    with sessions.begin() as session:
        lock_for_write(session)
        query = select(Incident).where(Incident.state != "resolved").order_by(Incident.id)
        for incident in session.scalars(query.with_for_update(skip_locked=True)):
            done += _external_after(session, incident, plan=plan, now=now)
            done += _promise(session, incident, plan=plan, now=now)
    return done


def _external_after(session: Session, incident: Incident, *, plan: Plan, now: datetime) -> int:
    playbook = plan.playbook(incident.playbook)
    after = playbook.external_after if playbook else None
    if incident.published or after is None or incident.state not in ("investigating", "identified"):
        return 0
    if now < incident.detected_at + after:
        return 0
    event(
        session,
        incident,
        "external_after",
        f"the outage has lasted {words(now - incident.detected_at)} (external_after): "
        "Standby's neutral notice goes to external audiences",
        now=now,
    )
    open_to_public(session, incident, plan=plan, by=AUTHOR, now=now)
    know, dont_know = neutral(plan, incident.systems, incident.state)
    automatic(session, incident, plan=plan, state=incident.state, know=know, dont_know=dont_know, now=now)
    return 1


def _promise(session: Session, incident: Incident, *, plan: Plan, now: datetime) -> int:
    deadline = incident.next_update_due_at
    if deadline is None:
        return 0
    since = max(incident.detected_at, incident.last_update_at or incident.detected_at)
    if now < deadline:
        if incident.reminded_for == deadline or now < rules.remind_at(deadline, since):
            return 0
        incident.reminded_for = deadline
        _remind(session, incident, plan=plan, deadline=deadline, now=now)
        return 1
    if incident.missed_for != deadline:
        incident.missed_for, incident.missed_level = deadline, 0
        event(
            session,
            incident,
            "missed",
            f"the update promised for {at(deadline, plan.timezone)} was not posted",
            now=now,
        )
    above = _chain_above(plan, incident.lead)
    level = incident.missed_level + 1
    gap = rules.update_every(plan.playbook(incident.playbook))
    if level > max(len(above), 1) or now < deadline + (level - 1) * gap:
        return 0
    incident.missed_level = level
    _escalate(session, incident, plan=plan, deadline=deadline, level=level, above=above, now=now)
    return 1


def _chain_above(plan: Plan, lead: str | None) -> list[str]:
    """The people above the lead, nearest first (loops are refused when the plan loads)."""
    boss = {p.id: p.reports_to for p in plan.people}
    out: list[str] = []
    current = boss.get(lead) if lead else None
    while current in boss and current not in out and current != lead:
        out.append(current)
        current = boss[current]
    return out


def _lead_or_team(plan: Plan, incident: Incident) -> list[Recipient]:
    """The lead; without one, the internal audiences' people, so that someone hears."""
    lead = person(plan, incident.lead)
    if lead is not None:
        return [lead]
    found = targets(plan, plan.playbook(incident.playbook), None)
    return [r for t in found if not t.external for r in t.recipients if not r["id"].startswith("audience:")]


def _command(incident: Incident) -> str:
    return f"standby incident update {incident.id} --know '...' --dont-know '...' --next 30m"


def _remind(session: Session, incident: Incident, *, plan: Plan, deadline: datetime, now: datetime) -> None:
    when = short_time(deadline, plan.timezone, reference=now)
    above = _chain_above(plan, incident.lead)
    then = f"{name(plan, above[0])} is told" if above else "the timeline records the miss"
    text = Text(
        f"[incident #{incident.id}] update due at {when}: {incident.title}",
        f"You lead incident #{incident.id}, {incident.title} ({incident.state}).\n\n"
        f"The next update was promised for {when}, in {words(deadline - now)}. Post it, even if nothing "
        f"is new: say what you know, what you don't know yet, and when you will update next.\n\n"
        f"  {_command(incident)}\n\nIf no update is posted by {when}, {then}.\n\n"
        f"-- Standby for {plan.organization}, incident #{incident.id}\n",
    )
    told = _send(
        session,
        incident,
        _lead_or_team(plan, incident),
        key=f"remind/{deadline:%Y%m%dT%H%M%S}",
        text=text,
        now=now,
    )
    said = f"reminder that an update is due at {when} queued for {told}"
    event(session, incident, "reminded", said, now=now)


def _escalate(
    session: Session,
    incident: Incident,
    *,
    plan: Plan,
    deadline: datetime,
    level: int,
    above: list[str],
    now: datetime,
) -> None:
    when = at(deadline, plan.timezone)
    lead = name(plan, incident.lead) if incident.lead else "nobody (no lead)"
    up = person(plan, above[level - 1]) if len(above) >= level else None
    recipients = _lead_or_team(plan, incident) + ([up] if up else [])
    overdue = words(now - deadline)
    text = Text(
        f"[incident #{incident.id}] update overdue by {overdue}: {incident.title}",
        f"Incident #{incident.id}, {incident.title}, promised an update by {when} and none was posted: "
        f"the audiences waiting for it have heard nothing for {overdue} past the promise.\n\n"
        f"Lead: {lead}.\nMake sure an update goes out now, even if nothing is new:\n\n"
        f"  {_command(incident)}\n\n"
        f"-- Standby for {plan.organization}, incident #{incident.id}\n",
    )
    told = _send(
        session, incident, recipients, key=f"missed/{deadline:%Y%m%dT%H%M%S}/L{level}", text=text, now=now
    )
    note = "" if up else "; nobody above the lead to escalate to"
    said = f"update overdue by {overdue}: notice queued for {told}{note}"
    event(session, incident, "escalated", said, now=now)


def _send(
    session: Session, incident: Incident, recipients: list[Recipient], *, key: str, text: Text, now: datetime
) -> str:
    topic, run = f"incident:{incident.id}", drill.get(session, incident.drill_run_id)
    told = [
        recipient["name"]
        for recipient in recipients
        if tell(session, recipient, topic=topic, key=key, text=text, now=now, drill=run) is None
    ]
    return ", ".join(told) or "nobody (no one can be reached)"
