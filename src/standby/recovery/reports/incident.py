"""The incident report: what happened and how fast the team moved, from what really happened —
ready to paste into a post-mortem (docs/reports.md).

Time to detect counts from when the problem began; every other "time to" from detection. Every time
someone was told is a delivery the channel accepted (channels/receipts.py; the first word inside and
outside is the incident page's own, incidents/reach.py), not a message that was only queued; the
status page counts from when it first showed the incident. Nothing unknown is shown as a number: a
step that never happened says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import Alert
from standby.channels.receipts import Receipt, first_delivered, of_topics
from standby.core.timetext import at, words
from standby.incidents import reach
from standby.incidents.audiences import name
from standby.incidents.models import Incident, IncidentAlert, IncidentUpdate
from standby.incidents.rules import internal_names
from standby.plan.model import Plan
from standby.recovery.dns.models import RecoverySample, RecoveryWatch
from standby.recovery.reports import chart, plan_b
from standby.recovery.reports.promises import Promise, promises
from standby.recovery.reports.render import Document, after, clock
from standby.recovery.reports.timeline import entries

Names = Callable[[str | None], str]
OUTCOMES = {"kept": "kept", "missed": "MISSED", "open": "not yet due"}


@dataclass(frozen=True)
class Told:
    name: str
    first: str  # when the first message reached them
    how: str  # by which channels
    problems: str  # what did not arrive, or is not confirmed


@dataclass(frozen=True)
class Recovery:
    domain: str
    headline: str
    curve: Markup
    steps: list[tuple[str, str]]  # (when, "3 of 18") each time the count changed


@dataclass(frozen=True)
class IncidentReport(Document):
    KIND: ClassVar[str] = "incident"
    incident: Incident
    heading: str
    drill: bool
    facts: list[tuple[str, str]]  # the figures, in order
    told: list[Told]
    promises: list[tuple[str, str, str, str]]  # made, by, due, outcome
    leads: str
    recovery: list[Recovery]
    cost: str
    timeline: list[tuple[str, str]]
    chart: Markup
    legend: Markup


def _outage_end(incident: Incident, alerts: list[Alert], now: datetime) -> datetime:
    """When it worked again: its alerts all recovered, else when it was resolved, else now."""
    ends = [a.resolved_at for a in alerts if a.resolved_at is not None]
    if alerts and len(ends) == len(alerts):
        return max(ends)
    return incident.resolved_at or now


def cost_of(plan: Plan, incident: Incident, lasted: timedelta) -> str:
    playbook = plan.playbook(incident.playbook)
    impact = playbook.impact if playbook else None
    if impact is None:
        return "no estimate: give the playbook impact: (cost_per_hour, or leads_per_hour and value_per_lead)"
    hours, unit = lasted.total_seconds() / 3600, impact.currency
    text = f"{words(lasted)} × {impact.hourly:,.0f} {unit} an hour = {hours * impact.hourly:,.0f} {unit}"
    if impact.leads_per_hour is not None and impact.value_per_lead is not None:
        text += (
            f" (about {hours * impact.leads_per_hour:,.0f} leads at {impact.value_per_lead:,.0f} {unit} each)"
        )
    return text


def leads_line(session: Session, plan: Plan, incident: Incident) -> str:
    """Leads the Plan B forms captured while the incident lasted and what became of them (replayed:
    delivered to the destination), with the fallback pages and who was sent to them."""
    found = plan_b.measure(session, plan, incident, since=incident.started_at, until=incident.resolved_at)
    if found is None:
        return "no Plan B: the playbook names no fallback forms (plan_b), so none were counted"
    return (
        f"{found.leads.sentence()} while it lasted (forms {', '.join(found.forms)}); fallback pages "
        f"{found.pages_text()}, {found.told_text(plan.timezone)}"
    )


def _recovery(session: Session, incident: Incident, tz: str, until: datetime) -> list[Recovery]:
    out = []
    for watch in session.scalars(select(RecoveryWatch).where(RecoveryWatch.incident_id == incident.id)):
        query = select(RecoverySample).where(RecoverySample.watch_id == watch.id).order_by(RecoverySample.at)
        samples = list(session.scalars(query))
        end = max([until, *(s.at for s in samples)])
        steps: list[tuple[str, str]] = []
        for s in samples:
            if not steps or steps[-1][1].split()[0] != str(s.right):
                steps.append((clock(s.at, tz), f"{s.right} of {s.asked}"))
        curve = chart.curve(
            [(s.at, s.right, s.asked) for s in samples], start=watch.started_at, end=end, tz=tz
        )
        out.append(Recovery(watch.domain, watch.headline, curve, steps))
    return out


def _told(sent: list[Receipt], shown: Names, detected: datetime, tz: str) -> list[Told]:
    out = []
    for ident in dict.fromkeys(r.recipient for r in sent if r.recipient):
        mine = [r for r in sent if r.recipient == ident]
        first = first_delivered(mine)
        when = f"{clock(first, tz)} ({after(first, detected)} after detection)" if first else "never"
        how = ", ".join(sorted({r.channel for r in mine if r.delivered})) or "—"
        problems = [f"{r.channel}: {r.error}" for r in mine if r.outcome == "failed"]
        unsure = sum(r.outcome in ("sending", "failing", "unknown") for r in mine)
        if unsure:
            problems.append(f"{unsure} not confirmed delivered")
        out.append(Told(shown(ident), when, how, "; ".join(problems)))
    return out


def _lanes(
    incident: Incident,
    sent: list[Receipt],
    judged: list[Promise],
    updates: list[IncidentUpdate],
    alerts: list[Alert],
    shown: Names,
) -> list[chart.Lane]:
    lanes = []
    for ident in dict.fromkeys(r.recipient for r in sent if r.recipient):
        mine, who = [r for r in sent if r.recipient == ident], shown(ident)
        marks = [
            chart.Mark(r.at, "word" if reach.update_of(r, incident.id) else "page", f"{who}: {r.subject}")
            for r in mine
            if r.delivered
        ]
        marks += [chart.Mark(r.at, "failed", f"{who}: {r.error}") for r in mine if r.outcome == "failed"]
        marks += [
            chart.Mark(a.acknowledged_at, "ack", f"{who} acknowledged")
            for a in alerts
            if a.acknowledged_by == ident and a.acknowledged_at is not None
        ]
        lanes.append(chart.Lane(who, marks))
    marks = [chart.Mark(u.created_at, "update", f"update ({u.state}): {u.what_we_know}") for u in updates]
    marks += [chart.Mark(p.due, p.state, f"update promised for this time: {p.state}") for p in judged]
    return [*lanes, chart.Lane("updates", marks)]


def build(session: Session, incident: Incident, *, plan: Plan, now: datetime) -> IncidentReport:
    tz = plan.timezone
    linked = select(Alert).join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
    alerts = list(session.scalars(linked.where(IncidentAlert.incident_id == incident.id).order_by(Alert.id)))
    sent = of_topics(session, [f"incident:{incident.id}", *(f"alert:{a.id}" for a in alerts)])
    updates = list(session.scalars(select(IncidentUpdate).where(IncidentUpdate.incident_id == incident.id)))
    detected, until = incident.detected_at, incident.resolved_at or now
    acks = [a.acknowledged_at for a in alerts if a.acknowledged_at is not None]
    heard = reach.of_incident(session, incident)
    inside = heard.first_inside
    public = [t for t in (heard.first_outside, incident.page_shown_at) if t]
    ended = _outage_end(incident, alerts, now)
    open_for = f"not resolved (open for {words(now - detected)})"
    facts = [
        ("Systems", ", ".join(internal_names(plan, incident.systems))),
        ("Lead", name(plan, incident.lead)),
        ("Began", at(incident.started_at, tz)),
        ("Time to detect", after(detected, incident.started_at)),
        ("Time to acknowledge", after(min(acks), detected) if acks else "nobody acknowledged"),
        ("Time to first word inside", after(inside, detected, never="nobody inside was told")),
        ("Time to first word outside", after(min(public), detected) if public else "nobody outside was told"),
        ("Time to resolve", after(incident.resolved_at, detected, never=open_for)),
        ("Outage lasted", words(ended - incident.started_at)),
    ]
    judged = promises(updates, until=until)
    names = {p.id: p.name or p.id for p in plan.people}

    def shown(ident: str | None) -> str:
        if ident and ident.startswith("audience:"):
            return f"the {ident.partition(':')[2]} audience"
        return names.get(ident or "", ident or "someone")

    timeline = entries(session, alerts=[a.id for a in alerts], incidents=[incident.id], sent=sent, name=shown)
    end = max(until, incident.started_at)
    title = f"Incident #{incident.id}, in time"
    return IncidentReport(
        incident=incident,
        heading=f"Incident #{incident.id}: {incident.title}",
        drill=incident.drill_run_id is not None,
        facts=facts,
        told=_told(sent, shown, detected, tz),
        promises=[
            (
                clock(p.made_at, tz),
                name(plan, p.made_by),
                clock(p.due, tz),
                f"kept at {clock(p.kept_at, tz)}" if p.state == "kept" else OUTCOMES[p.state],
            )
            for p in judged
        ],
        leads=leads_line(session, plan, incident),
        recovery=_recovery(session, incident, tz, until),
        cost=cost_of(plan, incident, ended - incident.started_at),
        timeline=[(clock(e.at, tz), e.text) for e in timeline],
        chart=chart.timeline(
            _lanes(incident, sent, judged, updates, alerts, shown),
            start=incident.started_at,
            end=end,
            tz=tz,
            title=title,
        ),
        legend=chart.legend(),
    )
