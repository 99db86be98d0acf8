"""What people do with incidents — open one by hand, post an update, preview it, publish it, resolve
it. How incidents follow alerts is in lifecycle.py, the promises Standby keeps each tick in
deadlines.py. Every function takes keyword arguments and returns plain results,
for the CLI and the web alike; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import Alert
from standby.core.errors import StandbyError
from standby.incidents import rules
from standby.incidents.audiences import external_audiences
from standby.incidents.context import neutral, public_words
from standby.incidents.lifecycle import IncidentNotFound as IncidentNotFound
from standby.incidents.lifecycle import get as get
from standby.incidents.lifecycle import open_new
from standby.incidents.models import AUTHOR, SEVERITIES, Incident, IncidentAlert, IncidentUpdate
from standby.incidents.updates import Delivery, deliveries, draft, open_to_public, post, send
from standby.plan.model import Plan


@dataclass(frozen=True)
class Posted:
    incident_id: int
    update_id: int
    state: str
    message: str  # one sentence for people: what happened, what was queued for whom, what was held back


def open_incident(
    session: Session,
    *,
    plan: Plan,
    title: str,
    systems: list[str],
    actor: str,
    now: datetime,
    severity: str | None = None,
    lead: str | None = None,
) -> Posted:
    """Open an incident by hand; Standby's first "investigating" update goes out at once."""
    if not title.strip():
        raise StandbyError("give the incident a title (--title)")
    found = rules.resolve_systems(plan, systems)
    playbook = rules.first_playbook(plan, found)
    severity = severity or (playbook.severity if playbook else "major")
    if severity not in SEVERITIES:
        raise StandbyError(f"unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}")
    lead = lead or rules.default_lead(plan, found)
    if lead is not None and lead not in {p.id for p in plan.people}:
        raise StandbyError(f"--lead {lead!r} is not a person in the plan")
    linked = select(IncidentAlert.alert_id)
    query = select(Alert).where(Alert.asset.in_(found), Alert.state != "resolved", Alert.id.not_in(linked))
    query = query.where(Alert.drill_run_id.is_(None))  # a person's incident is about real alerts
    alerts = list(session.scalars(query.order_by(Alert.id)))
    started = min((a.since for a in alerts), default=now)
    incident, first = open_new(
        session,
        plan=plan,
        title=title.strip(),
        systems=found,
        severity=severity,
        lead=lead,
        playbook=playbook,
        opened_by=actor,
        started_at=started,
        alerts=alerts,
        now=now,
    )
    return Posted(
        incident.id,
        first.id,
        incident.state,
        f"Opened incident #{incident.id}: {_told(plan, incident, first)}",
    )


def update_incident(
    session: Session,
    *,
    plan: Plan,
    incident_id: int,
    know: str,
    dont_know: str,
    actor: str,
    now: datetime,
    next_by: datetime | None = None,
    meanwhile: str | None = None,
    public: str | None = None,
    state: str | None = None,
    publish: bool = False,
) -> Posted:
    """Post a person's update. `publish=True` (an admin's explicit decision) also sends it outside, in
    its `public` text (default: the playbook's starting text for the state)."""
    incident = get(session, incident_id, unresolved=True)
    _not_resolving(state)
    update = post(
        session,
        incident,
        plan=plan,
        state=state or incident.state,
        know=know,
        dont_know=dont_know,
        meanwhile=meanwhile,
        public=public,
        next_by=next_by or _default_next(plan, incident, now),
        author=actor,
        now=now,
        publish_by=actor if publish else None,
    )
    return Posted(
        incident.id,
        update.id,
        incident.state,
        f"Posted update to incident #{incident.id}: {_told(plan, incident, update)}",
    )


def resolve_incident(
    session: Session,
    *,
    plan: Plan,
    incident_id: int,
    know: str,
    actor: str,
    now: datetime,
    publish: bool = False,
    dont_know: str = "",
    public: str | None = None,
) -> Posted:
    """Resolve it. Published, outsiders read its `public` text; unpublished, the status page and any
    outsiders already told get Standby's neutral "resolved" instead."""
    incident = get(session, incident_id, unresolved=True)
    update = post(
        session,
        incident,
        plan=plan,
        state="resolved",
        know=know,
        dont_know=dont_know,
        meanwhile=None,
        public=public,
        next_by=None,
        author=actor,
        now=now,
        publish_by=actor if publish else None,
    )
    message = f"Resolved incident #{incident.id}: {_told(plan, incident, update)}"
    if not publish and (incident.published or rules.on_page(plan, incident)):
        know, _ = neutral(plan, incident.systems, "resolved")
        post(
            session,
            incident,
            plan=plan,
            state="resolved",
            know=know,
            dont_know="",
            meanwhile=None,
            public=None,
            next_by=None,
            author=AUTHOR,
            now=now,
            automatic=True,
            public_only=True,
        )
        message += "; outside, Standby said only that it is resolved"
    return Posted(incident.id, update.id, "resolved", message)


def publish_incident(session: Session, *, plan: Plan, incident_id: int, actor: str, now: datetime) -> Posted:
    """An admin's decision: external audiences hear the latest update now, and the public ones after it."""
    incident = get(session, incident_id)
    query = select(IncidentUpdate).where(
        IncidentUpdate.incident_id == incident.id, ~IncidentUpdate.public_only
    )
    update = session.scalars(query.order_by(IncidentUpdate.id.desc())).first()
    assert update is not None, "every incident has its first update"
    if update.published_at is not None:
        return Posted(incident.id, update.id, incident.state, f"Update #{update.id} was already published.")
    open_to_public(session, incident, plan=plan, by=actor, now=now)
    update.published_at, update.published_by = now, actor
    send(session, incident, update, plan=plan, internal=False, external=True, now=now)
    return Posted(
        incident.id,
        update.id,
        incident.state,
        f"Published update #{update.id}: {_told(plan, incident, update)}",
    )


@dataclass(frozen=True)
class Preview:
    deliveries: list[Delivery]
    public_text: str  # what outsiders (the status page, external audiences) would read
    status_page: str  # whether the status page would show it, in words; "" without one

    @property
    def warnings(self) -> list[str]:
        return [w for d in self.deliveries if (w := d.warning) is not None]


def preview(
    session: Session,
    *,
    plan: Plan,
    incident_id: int,
    know: str,
    dont_know: str,
    actor: str,
    now: datetime,
    next_by: datetime | None = None,
    meanwhile: str | None = None,
    public: str | None = None,
    state: str | None = None,
    publish: bool = False,
    resolving: bool = False,
) -> Preview:
    """Exactly what each audience would receive for this update, whom it would reach, and the public
    text outsiders would read; stores and sends nothing. `resolving`: the preview of a resolve."""
    incident = get(session, incident_id, unresolved=True)
    if not resolving:
        _not_resolving(state)
    state = "resolved" if resolving else state or incident.state
    next_by = None if state == "resolved" else next_by or _default_next(plan, incident, now)
    update = draft(
        incident,
        plan=plan,
        state=state,
        know=know,
        dont_know=dont_know,
        meanwhile=meanwhile,
        public=public,
        next_by=next_by,
        author=actor,
        now=now,
    )
    found = deliveries(session, incident, update, plan=plan, internal=True, external=publish)
    if plan.status_page is None or not (publish or rules.on_page(plan, incident)):
        page = ""
    else:
        page = "the status page shows it" if publish else "the status page shows it only once it is published"
    return Preview([delivery for _, delivery in found], update.public_text, page)


def public_text(session: Session, *, plan: Plan, incident_id: int, state: str | None = None) -> str:
    """The public text an update form starts from: the playbook's template, or Standby's words."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise IncidentNotFound(f"there is no incident #{incident_id}")
    return public_words(plan, plan.playbook(incident.playbook), incident.systems, state or incident.state)


def _not_resolving(state: str | None) -> None:
    if state == "resolved":
        raise StandbyError(
            "an update does not resolve an incident: a person does, with `standby incident resolve ID "
            "--know '...'` (or the Resolve form), which says what happened and what was done"
        )


def _default_next(plan: Plan, incident: Incident, now: datetime) -> datetime | None:
    """The playbook's rhythm when it has one; else the person must promise a time."""
    playbook = plan.playbook(incident.playbook)
    return now + playbook.update_every if playbook and playbook.update_every else None


def _told(plan: Plan, incident: Incident, update: IncidentUpdate) -> str:
    """What was queued for whom, who cannot be reached, what was held back: never "told", which only
    the outbox can say once it has delivered (`standby incident show`)."""
    parts = []
    for audience, render in update.renders.items():
        people = render.get("people", [])
        able = [p["name"] for p in people if not p.get("problem")]
        unable = [f"{p['name']} ({p['problem']})" for p in people if p.get("problem")]
        where = f"{audience} (outside)" if render["external"] else audience
        if able:
            parts.append(f"queued for {where}: {', '.join(able)}")
        if not able:
            why = f": {'; '.join(unable)}" if unable else " (no members, no notify URL)"
            parts.append(f"nobody in {where} can be reached{why}")
        elif unable:
            parts.append(f"cannot reach in {where}: {'; '.join(unable)}")
    if not parts:
        parts.append("no audience to tell")
    outside = [a for a, r in update.renders.items() if r["external"]]
    held = [a for a in external_audiences(plan, incident) if a not in outside]
    if held and update.published_at is None:
        parts.append(f"not sent to {', '.join(held)} (not published; add --publish to tell them)")
    parts.append(f"`standby incident show {incident.id}` says who heard once it is delivered")
    return "; ".join(parts)
