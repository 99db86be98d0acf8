"""What the web's incident pages show: the list (open first, then the latest resolved) and one
incident (view.py's IncidentView plus its updates, alerts and what the forms need). The countdown to
the promised update is rendered here, to the second; static/countdown.js ticks it down in the browser
with the same words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import Alert
from standby.channels.receipts import Receipt, of_topic
from standby.core.timetext import at, format_duration
from standby.incidents import context, rules, timeline
from standby.incidents.audiences import external_audiences, name
from standby.incidents.context import LABELS
from standby.incidents.models import AUTHOR, Incident, IncidentAlert, IncidentUpdate
from standby.incidents.reach import of_update
from standby.incidents.view import IncidentView, view
from standby.plan.fallback import LivePage
from standby.plan.model import Plan

RESOLVED_SHOWN = 20


@dataclass(frozen=True)
class Countdown:
    due: str  # "2025-06-02 09:30 EDT"
    seconds: int  # until it is due; negative once overdue
    text: str  # "in 12 min 5 s", "OVERDUE by 3 min 20 s"

    @property
    def overdue(self) -> bool:
        return self.seconds <= 0


def clock_text(seconds: int) -> str:
    """`45 s`, `12 min 5 s`, `3 h 5 min`, `2 days`; countdown.js words it the same way."""
    left = abs(seconds)
    if left < 60:
        return f"{left} s"
    if left < 3600:
        return f"{left // 60} min {left % 60} s"
    if left < 48 * 3600:
        return f"{left // 3600} h {left % 3600 // 60} min"
    return f"{left // 86400} days"


def countdown(due: datetime | None, *, now: datetime, tz: str) -> Countdown | None:
    if due is None:
        return None
    seconds = int((due - now).total_seconds())
    text = f"in {clock_text(seconds)}" if seconds > 0 else f"OVERDUE by {clock_text(seconds)}"
    return Countdown(at(due, tz), seconds, text)


@dataclass(frozen=True)
class Row:
    id: int
    title: str
    state: str
    severity: str
    systems: list[str]
    lead: str
    opened: str
    countdown: Countdown | None
    resolved: str  # when, for a resolved one
    drill_run: int | None = None  # a drill's incident: marked DRILL

    @property
    def href(self) -> str:
        return f"/incidents/{self.id}"


def _row(incident: Incident, *, plan: Plan, now: datetime) -> Row:
    tz = plan.timezone
    return Row(
        id=incident.id,
        title=incident.title,
        state=incident.state,
        severity=incident.severity,
        systems=rules.internal_names(plan, incident.systems),
        lead=name(plan, incident.lead),
        opened=at(incident.opened_at, tz),
        countdown=countdown(incident.next_update_due_at, now=now, tz=tz),
        resolved=at(incident.resolved_at, tz) if incident.resolved_at else "",
        drill_run=incident.drill_run_id,
    )


def listing(session: Session, *, plan: Plan, now: datetime) -> tuple[list[Row], list[Row]]:
    """(unresolved, overdue and soonest due first; the latest resolved)."""
    unresolved = list(session.scalars(select(Incident).where(Incident.state != "resolved")))
    unresolved.sort(key=lambda i: (i.next_update_due_at is None, i.next_update_due_at or now, i.id))
    query = select(Incident).where(Incident.state == "resolved")
    resolved = session.scalars(query.order_by(Incident.resolved_at.desc()).limit(RESOLVED_SHOWN))
    return [_row(i, plan=plan, now=now) for i in unresolved], [_row(i, plan=plan, now=now) for i in resolved]


@dataclass(frozen=True)
class UpdateView:
    id: int
    at: str
    state: str
    author: str
    automatic: bool
    know: str
    dont_know: str
    meanwhile: str
    public: str  # what outsiders read once it is published
    next_by: str
    heard: list[str]  # per audience: who heard (delivered, channel, when), who did not and why
    published: str  # "published 09:31 EDT by Dana Reyes", or why not


@dataclass(frozen=True)
class AlertLink:
    id: int
    asset: str
    href: str
    text: str


@dataclass(frozen=True)
class IncidentPage:
    shown: IncidentView
    countdown: Countdown | None
    systems: list[tuple[str, str]]  # (name, asset page)
    alerts: list[AlertLink]
    updates: list[UpdateView]  # newest first
    external: list[str]  # the playbook's external audiences
    status_page: bool  # the plan has one: a published update appears there
    timezone: str
    publishable: bool  # its latest update has not gone outside yet
    next_default: str  # the playbook's rhythm, offered in the form
    states: list[tuple[str, str]]  # (state, label) an update may set
    plan_b: list[LivePage]  # the fallback pages the playbook switches to, while unresolved
    plan_b_tally: str | None  # the latest "Plan B: … captured, … delivered" line of the timeline

    @property
    def resolved(self) -> bool:
        return self.shown.state == "resolved"


def incident_page(session: Session, incident: Incident, *, plan: Plan, now: datetime) -> IncidentPage:
    tz = plan.timezone
    query = select(IncidentUpdate).where(IncidentUpdate.incident_id == incident.id)
    updates = list(session.scalars(query.order_by(IncidentUpdate.id.desc())))
    latest = next((u for u in updates if not u.public_only), None)
    alerts = select(Alert).join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
    alerts = alerts.where(IncidentAlert.incident_id == incident.id).order_by(Alert.id)
    names = dict(zip(incident.systems, rules.internal_names(plan, incident.systems), strict=True))
    receipts = of_topic(session, f"incident:{incident.id}")
    on_page = rules.on_page(plan, incident)
    return IncidentPage(
        shown=view(session, incident, plan=plan, now=now),
        countdown=countdown(incident.next_update_due_at, now=now, tz=tz),
        systems=[(names[s], "/assets/" + quote(s, safe=":")) for s in incident.systems],
        alerts=[
            AlertLink(a.id, a.asset, f"/alerts#alert-{a.id}", f"{a.severity}, {a.state}: {a.summary}")
            for a in session.scalars(alerts)
        ],
        updates=[_update(u, receipts, plan=plan, on_page=on_page) for u in updates],
        external=external_audiences(plan, incident),
        status_page=plan.status_page is not None,
        timezone=tz,
        publishable=latest is not None and latest.published_at is None,
        next_default=format_duration(rules.update_every(plan.playbook(incident.playbook))),
        states=[(s, LABELS[s]) for s in ("investigating", "identified", "monitoring")],
        plan_b=context.plan_b(plan, incident),
        plan_b_tally=tally.text
        if (tally := timeline.latest(session, incident.id, timeline.PLAN_B))
        else None,
    )


def _update(update: IncidentUpdate, receipts: list[Receipt], *, plan: Plan, on_page: bool) -> UpdateView:
    tz = plan.timezone
    heard = [reach.text(tz) for reach in of_update(update, receipts)]
    if update.published_at is not None:
        published = f"published {at(update.published_at, tz)} by {_who(plan, update.published_by)}"
    elif update.automatic:
        page = "; shown on the status page" if on_page else ""
        published = f"Standby's own words, not sent outside the company{page}"
    else:
        published = "not published: external audiences and the status page did not get it"
    return UpdateView(
        id=update.id,
        at=at(update.created_at, tz),
        state=update.state,
        author=_who(plan, update.author),
        automatic=update.automatic,
        know=update.what_we_know,
        dont_know=update.what_we_dont_know,
        meanwhile=update.what_you_can_do or "",
        public=update.public_text,
        next_by=at(update.next_update_by, tz) if update.next_update_by else "",
        heard=heard,
        published=published,
    )


def _who(plan: Plan, ident: str | None) -> str:
    return "Standby" if ident == AUTHOR else name(plan, ident)
