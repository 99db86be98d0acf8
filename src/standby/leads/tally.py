"""Plan B on incidents' timelines: for each incident whose playbook names forms (`plan_b`), what those
forms captured while it lasted and what became of it — "Plan B: 142 leads captured, 140 delivered, 2
skipped: 1003 Invalid data" — counted from what the destinations acknowledged. An engine tick job
(standby/app/subscribers.py); the incident page shows the latest line.

A line is written when the figures change, at most every `EVERY` while leads wait, and always once
the last one has an outcome. An incident resolved within `AFTER` keeps getting its tally: replay often
finishes after the people who resolved it moved on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from standby.incidents.models import Incident
from standby.incidents.timeline import PLAN_B, event, latest
from standby.leads.counts import Counts, counts
from standby.plan.model import Plan

EVERY = timedelta(minutes=5)
AFTER = timedelta(days=1)


def tally(session: Session, incident: Incident, plan: Plan) -> Counts | None:
    """What the incident's Plan B forms captured between its start and its resolution (or now)."""
    playbook = plan.playbook(incident.playbook)
    if playbook is None or not playbook.plan_b:
        return None
    return counts(session, forms=playbook.plan_b, since=incident.started_at, until=incident.resolved_at)


def record_due(sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str) -> int:
    names = [p.id for p in plan.playbooks if p.plan_b]
    if not names:
        return 0
    written = 0
    with sessions() as session, session.begin():
        recent = or_(Incident.state != "resolved", Incident.resolved_at >= now - AFTER)
        for incident in session.scalars(select(Incident).where(Incident.playbook.in_(names), recent)):
            found = tally(session, incident, plan)
            if found is None or not found.captured:
                continue
            text = "Plan B: " + found.sentence()
            last = latest(session, incident.id, PLAN_B)
            if last is not None and (
                last.text == text or (found.by_state["pending"] and now - last.at < EVERY)
            ):
                continue
            event(session, incident, PLAN_B, text, now=now)
            written += 1
    return written
