"""How incidents follow their alerts: an alert whose playbook says so opens an incident (rules.py)
or joins the open one of its playbook or system; when all of an incident's alerts have recovered it
moves to monitoring with Standby's automatic update; a person resolves it. Acknowledgements go on the
timeline. Every incident, however opened, starts with Standby's neutral "investigating" update, so
the internal audiences hear within the tick that detected the problem.

Incidents read alerts; alerts never call incidents. The engine calls `on_state_change` right after
the alerts' own (standby/app/subscribers.py), in the same transaction, and an acknowledgement made
anywhere calls `on_alert_acknowledged` the same way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import Alert
from standby.channels.drill import run_of, same_run
from standby.core.errors import StandbyError
from standby.engine.models import CheckState
from standby.incidents import rules
from standby.incidents.audiences import name
from standby.incidents.context import neutral
from standby.incidents.models import AUTHOR, Incident, IncidentAlert, IncidentUpdate
from standby.incidents.timeline import event
from standby.incidents.updates import post
from standby.plan.model import Plan, Playbook


class IncidentNotFound(StandbyError):
    pass


def get(session: Session, incident_id: int, *, unresolved: bool = False) -> Incident:
    incident = session.get(Incident, incident_id, with_for_update=True, populate_existing=True)
    if incident is None:
        raise IncidentNotFound(f"there is no incident #{incident_id}; `standby incident list` shows them")
    if unresolved and incident.state == "resolved":
        raise StandbyError(f"incident #{incident.id} is resolved; open a new one if the problem is back")
    return incident


def on_state_change(session: Session, *, state: CheckState, previous: str, plan: Plan, now: datetime) -> None:
    """Subscribed after the alerts: follow the alert that took this change of a check's damped status."""
    on_alert_change(session, _changed_alert(session, state, now=now), plan=plan, now=now)


def _changed_alert(session: Session, state: CheckState, *, now: datetime) -> Alert | None:
    """The alert the alerts just opened or updated for `state` (its `alert_id`), or resolved (at `now`,
    when they let go of the id); None when the change made no alert move."""
    if state.alert_id is not None:
        alert = session.get(Alert, state.alert_id)
    else:
        query = select(Alert).where(Alert.asset == state.asset, Alert.check == state.check)
        query = query.where(same_run(Alert.drill_run_id, run_of(state.details)))
        alert = session.scalars(query.order_by(Alert.id.desc()).limit(1)).first()
    if alert is None or (alert.state == "resolved" and alert.resolved_at != now):
        return None
    return alert


def on_alert_change(session: Session, alert: Alert | None, *, plan: Plan, now: datetime) -> None:
    """An alert of a check was opened, updated or resolved: open or join an incident, or note a recovery."""
    if alert is None or alert.reason != "check":
        return
    link = session.scalars(select(IncidentAlert).where(IncidentAlert.alert_id == alert.id)).one_or_none()
    if link is not None:
        if alert.state == "resolved":
            _recovered(session, get(session, link.incident_id), alert, plan=plan, now=now)
        return
    playbook = plan.playbook_for(alert.asset)
    if alert.state == "resolved" or playbook is None or not rules.opens_incident(playbook, alert.severity):
        return
    incident = _joinable(session, alert.asset, playbook.id, alert.drill_run_id)
    if incident is not None:
        attach(session, incident, alert, now=now)
        if alert.asset not in incident.systems:
            incident.systems = [*incident.systems, alert.asset]
        if incident.state == "monitoring":
            know, dont_know = neutral(plan, incident.systems, "investigating")
            automatic(
                session, incident, plan=plan, state="investigating", know=know, dont_know=dont_know, now=now
            )
        return
    known = rules.assets(plan)
    open_new(
        session,
        plan=plan,
        title=f"Problems with {known.get(alert.asset, (alert.asset,))[0]}",
        systems=[alert.asset],
        severity=playbook.severity,
        lead=alert.owner,
        playbook=playbook,
        opened_by=AUTHOR,
        started_at=alert.since,
        alerts=[alert],
        now=now,
        drill_run_id=alert.drill_run_id,
    )


def on_alert_acknowledged(session: Session, alert: Alert, *, person: str, name: str, now: datetime) -> None:
    link = session.scalars(select(IncidentAlert).where(IncidentAlert.alert_id == alert.id)).one_or_none()
    if link is not None:
        incident = get(session, link.incident_id)
        text = f"{name} acknowledged alert #{alert.id} ({alert.asset})"
        event(session, incident, "acknowledged", text, now=now, person=person)


def _joinable(session: Session, asset: str, playbook: str, drill_run_id: int | None) -> Incident | None:
    """The open incident an alert joins: of its system or playbook, and of its drill (a real alert
    never joins a drill's incident, nor a drill's alert a real one)."""
    unresolved = Incident.state != "resolved"
    query = (
        select(Incident)
        .where(unresolved, same_run(Incident.drill_run_id, drill_run_id))
        .order_by(Incident.id)
    )
    return next((i for i in session.scalars(query) if asset in i.systems or i.playbook == playbook), None)


def attach(session: Session, incident: Incident, alert: Alert, *, now: datetime) -> None:
    session.add(IncidentAlert(incident_id=incident.id, alert_id=alert.id, added_at=now))
    event(
        session,
        incident,
        "alert",
        f"alert #{alert.id} {alert.asset} ({alert.severity}): {alert.summary}",
        now=now,
    )


def _recovered(session: Session, incident: Incident, alert: Alert, *, plan: Plan, now: datetime) -> None:
    event(
        session,
        incident,
        "recovered",
        f"alert #{alert.id} {alert.asset} resolved: the check is ok again",
        now=now,
    )
    query = select(Alert.state).join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
    states = session.scalars(query.where(IncidentAlert.incident_id == incident.id)).all()
    if incident.state in ("investigating", "identified") and all(s == "resolved" for s in states):
        know, dont_know = neutral(plan, incident.systems, "monitoring")
        automatic(session, incident, plan=plan, state="monitoring", know=know, dont_know=dont_know, now=now)


def automatic(
    session: Session,
    incident: Incident,
    *,
    plan: Plan,
    state: str,
    know: str,
    dont_know: str,
    now: datetime,
    public: str | None = None,
) -> IncidentUpdate:
    """Standby's own update. `public`: neutral words outsiders may read (None: the playbook's starting
    text for the state)."""
    playbook = plan.playbook(incident.playbook)
    return post(
        session,
        incident,
        plan=plan,
        state=state,
        know=know,
        dont_know=dont_know,
        meanwhile=None,
        public=public,
        next_by=rules.carried_promise(incident.next_update_due_at, playbook, now),
        author=AUTHOR,
        now=now,
        automatic=True,
    )


def open_new(
    session: Session,
    *,
    plan: Plan,
    title: str,
    systems: list[str],
    severity: str,
    lead: str | None,
    playbook: Playbook | None,
    opened_by: str,
    started_at: datetime,
    alerts: list[Alert],
    now: datetime,
    drill_run_id: int | None = None,
) -> tuple[Incident, IncidentUpdate]:
    incident = Incident(
        title=title,
        systems=systems,
        severity=severity,
        state="investigating",
        lead=lead,
        playbook=playbook.id if playbook else None,
        opened_by=opened_by,
        started_at=min(started_at, now),
        detected_at=now,
        opened_at=now,
        published=False,
        missed_level=0,
        drill_run_id=drill_run_id,
    )
    session.add(incident)
    session.flush()
    how = "automatically" if opened_by == AUTHOR else f"by {name(plan, opened_by)}"
    event(
        session,
        incident,
        "opened",
        f"opened {how}: {title} ({severity}); lead {name(plan, lead)}",
        now=now,
        person=None if opened_by == AUTHOR else opened_by,
    )
    for alert in alerts:
        attach(session, incident, alert, now=now)
    know, dont_know = neutral(plan, systems, "investigating")
    first = post(
        session,
        incident,
        plan=plan,
        state="investigating",
        know=know,
        dont_know=dont_know,
        meanwhile=None,
        public=None,
        next_by=now + rules.first_update_within(playbook),
        author=AUTHOR,
        now=now,
        automatic=True,
    )
    return incident, first
