"""What a drill measured, per person and for the team, from what really happened: deliveries the
outbox confirmed (channels/receipts.py, incidents/reach.py), acknowledgements, and the incident's
updates and promises.

- Paged: when the first page about the drill's alert reached them. Answered: when they acknowledged
  it — first (which stopped the chain), or after someone else had (the link still counts their answer).
- Slow: answered later than the chain gave them before it moved on (or never, though paged); or made
  a promise of an update and missed it.
- Could not be reached: Standby tried and nothing arrived (every delivery failed, or no channel).
- First word: when the incident's first update reached them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.chain import Chain
from standby.alerts.models import Alert, AlertEvent, Escalation
from standby.channels.drill import DrillRun
from standby.channels.receipts import Receipt, first_delivered, of_topics
from standby.core.timetext import at, words
from standby.incidents import reach
from standby.incidents.audiences import name
from standby.incidents.models import Incident, IncidentEvent, IncidentUpdate
from standby.plan.model import Plan
from standby.recovery.reports import plan_b as reports_plan_b
from standby.recovery.reports.promises import Promise, promises
from standby.recovery.reports.timeline import Entry, entries


@dataclass(frozen=True)
class PersonFigures:
    id: str
    name: str
    paged: datetime | None
    answered: datetime | None
    first: bool  # their acknowledgement stopped the chain
    word: datetime | None
    delivered: int
    failures: list[str]
    unreachable: str | None
    slow: str | None
    told: bool  # anything was addressed to them at all


@dataclass(frozen=True)
class DrillFigures:
    run: DrillRun
    alert: Alert | None
    incident: Incident | None
    started: datetime
    until: datetime  # the end, or now while it runs
    people: list[PersonFigures]
    promises: list[Promise]
    first_word: datetime | None  # the first incident message to reach anyone inside
    first_public: datetime | None  # the incident's first public entry (the drill's page, outsiders)
    timeline: list[Entry]
    sent: list[Receipt]
    plan_b: str


def _windows(chain: Chain | None) -> dict[str, timedelta]:
    """How long the chain gave each person before it moved on: to the next step, or the round's end."""
    if chain is None:
        return {}
    steps, out = chain["steps"], dict[str, timedelta]()
    for i, step in enumerate(steps):
        later = steps[i + 1]["after"] if i + 1 < len(steps) else chain["round_seconds"]
        for r in step["recipients"]:
            out.setdefault(r["id"], timedelta(seconds=later - step["after"]))
    return out


def plan_b(
    session: Session, plan: Plan, incident: Incident | None, *, since: datetime, until: datetime
) -> str:
    """Whether people were sent to Plan B: the fallback pages of the playbook's forms, who a delivered
    update named them to, and what the forms took during the drill (the platform was not really down,
    so only visitors sent there, or the team trying a page, show up)."""
    found = reports_plan_b.measure(session, plan, incident, since=since, until=until)
    if found is None:
        return "the playbook names no Plan B: nothing to switch"
    return (
        f"fallback pages {found.pages_text()}, {found.told_text(plan.timezone)}; "
        f"during the drill the forms took {found.leads.sentence()}"
    )


def measure(session: Session, run: DrillRun, *, plan: Plan, now: datetime) -> DrillFigures:
    alert = session.scalars(select(Alert).where(Alert.drill_run_id == run.id).order_by(Alert.id)).first()
    incident = session.scalars(
        select(Incident).where(Incident.drill_run_id == run.id).order_by(Incident.id)
    ).first()
    started = run.started_at or run.requested_at
    until = run.ended_at or now
    topics = ([f"alert:{alert.id}"] if alert else []) + ([f"incident:{incident.id}"] if incident else [])
    sent = of_topics(session, topics)
    chain = None
    if alert is not None:
        row = session.scalars(select(Escalation.chain).where(Escalation.alert_id == alert.id)).first()
        chain = cast(Chain, row) if row is not None else None
    windows = _windows(chain)
    answers: dict[str, datetime] = {}
    missing: dict[str, str] = {}
    if alert is not None:
        if alert.acknowledged_by and alert.acknowledged_at:
            answers[alert.acknowledged_by] = alert.acknowledged_at
        for e in session.scalars(
            select(AlertEvent).where(AlertEvent.alert_id == alert.id).order_by(AlertEvent.at)
        ):
            if e.kind == "also_acknowledged" and e.person:
                answers.setdefault(e.person, e.at)
            elif e.kind == "no_channel" and e.person:
                missing.setdefault(e.person, e.text)
    updates: list[IncidentUpdate] = []
    if incident is not None:
        query = select(IncidentEvent).where(
            IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "no_channel"
        )
        for event in session.scalars(query):
            if event.person:
                missing.setdefault(event.person, event.text)
        updates = list(
            session.scalars(select(IncidentUpdate).where(IncidentUpdate.incident_id == incident.id))
        )
    judged = promises(updates, until=until)
    people = [
        _person(
            ident,
            plan=plan,
            sent=sent,
            answers=answers,
            missing=missing,
            windows=windows,
            alert=alert,
            until=until,
            promises=judged,
            incident=incident,
        )
        for ident in run.participants
    ]
    heard = reach.of_incident(session, incident) if incident is not None else None
    shown = [u.created_at for u in updates if u.automatic or u.published_at is not None]
    public = [t for t in (heard.first_outside if heard else None, *shown) if t is not None]
    names = {p.id: p.name or p.id for p in plan.people}
    timeline = entries(
        session,
        alerts=[alert.id] if alert else [],
        incidents=[incident.id] if incident else [],
        sent=sent,
        name=lambda ident: names.get(ident or "", ident or "someone"),
    )
    return DrillFigures(
        run,
        alert,
        incident,
        started,
        until,
        people,
        judged,
        heard.first_inside if heard else None,
        min(public, default=None),
        timeline,
        sent,
        plan_b(session, plan, incident, since=started, until=until),
    )


def _person(
    ident: str,
    *,
    plan: Plan,
    sent: list[Receipt],
    answers: dict[str, datetime],
    missing: dict[str, str],
    windows: dict[str, timedelta],
    alert: Alert | None,
    until: datetime,
    promises: list[Promise],
    incident: Incident | None,
) -> PersonFigures:
    mine = [r for r in sent if r.recipient == ident]
    pages = [r for r in mine if r.topic.startswith("alert:")]
    words_ = [r for r in mine if incident is not None and reach.update_of(r, incident.id)]
    paged, answered = first_delivered(pages), answers.get(ident)
    delivered = sum(r.delivered for r in mine)
    failures = [f"{r.channel} {r.address}: {r.error}" for r in mine if r.outcome == "failed"]
    unreachable = None
    if delivered == 0 and (failures or ident in missing):
        unreachable = "; ".join(failures) or missing[ident]
    slow = None
    window = windows.get(ident)
    if paged is not None and window is not None:
        if answered is None:
            slow = f"did not answer the page of {at(paged, plan.timezone)}"
        elif answered - paged > window:
            took = words(answered - paged, seconds=True)
            slow = f"answered {took} after the page; the chain gave {words(window)}"
    missed = [p for p in promises if p.state == "missed" and incident is not None and incident.lead == ident]
    if missed:
        dues = ", ".join(at(p.due, plan.timezone) for p in missed)
        slow = f"{slow + '; ' if slow else ''}missed the update promised for {dues}"
    first = alert is not None and alert.acknowledged_by == ident
    display = (
        name(plan, ident) if not ident.startswith("audience:") else f"the {ident.partition(':')[2]} audience"
    )
    return PersonFigures(
        ident,
        display,
        paged,
        answered,
        first,
        first_delivered(words_),
        delivered,
        failures,
        unreachable,
        slow,
        bool(mine) or ident in missing,
    )


def summary(f: DrillFigures) -> str:
    """The run in one line, for the runbook: who answered first, who was slow or lost, the promises."""
    first = next((p for p in f.people if p.first), None)
    parts = [f"{first.name} answered first" if first else "nobody acknowledged"]
    slow = [p.name for p in f.people if p.slow and not p.unreachable]
    lost = [p.name for p in f.people if p.unreachable]
    parts.append(f"slow: {', '.join(slow)}" if slow else "nobody slow")
    parts.append(f"could not be reached: {', '.join(lost)}" if lost else "everyone reached")
    if f.promises:
        kept = sum(p.state == "kept" for p in f.promises)
        parts.append(f"{kept} of {len(f.promises)} promised updates kept")
    return "; ".join(parts)
