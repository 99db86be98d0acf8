"""One asset: its checks now, its history, a latency sparkline for endpoints, its chain of
responsibility, and who was told what when (the alerts' timelines and the outbox's messages)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from standby.alerts.chain import snapshot
from standby.alerts.escalation import chain_of
from standby.alerts.models import Alert, AlertEvent, Escalation, Renewal
from standby.alerts.renewals import HOW
from standby.channels.models import Message
from standby.core.timetext import at, words
from standby.dashboard.alert_cards import AlertCard, cards
from standby.dashboard.assets import AssetRow, live_first, make_row
from standby.dashboard.chain_view import ChainView, chain_view
from standby.dashboard.sparkline import describe, sparkline
from standby.engine.history import findings_of
from standby.engine.inventory import Asset, known_assets, states_by_asset
from standby.engine.models import CheckState, FindingRecord
from standby.incidents.links import Link, of_asset
from standby.plan.model import Plan

HISTORY = 50  # findings listed
SPARK = 60  # http findings drawn


@dataclass(frozen=True)
class CheckView:
    check: str
    status: str
    summary: str
    since: str
    settled: str  # what alerts follow (flap damping), when the latest checks have not confirmed `status`
    observed_at: str
    details: list[tuple[str, str]]
    answer: str = ""  # a domain's registration: free / registered / throttled / unknown and the line read


@dataclass(frozen=True)
class Told:
    at: str
    text: str
    kind: str


@dataclass(frozen=True)
class Delivery:
    at: str
    to: str
    how: str
    subject: str
    state: str
    error: str


@dataclass(frozen=True)
class AlertHistory:
    alert: Alert
    events: list[Told]


@dataclass(frozen=True)
class RenewalView:
    expires: str
    reminded: str  # the reminders sent for this expiry date
    confirmed: str  # who confirmed, when and what; or ""


@dataclass(frozen=True)
class AssetPage:
    row: AssetRow
    cards: list[AlertCard]  # its open and acknowledged alerts, with their buttons
    checks: list[CheckView]
    history: list[Told]  # kind = the finding's status
    sparkline: Markup | None
    latency: str  # the sparkline in words
    chain: ChainView
    alerts: list[AlertHistory]
    messages: list[Delivery]
    renewal: RenewalView | None
    incidents: list[Link]  # the latest about it, unresolved first


def _value(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) or "none"
    return "unknown" if value is None else json.dumps(value, sort_keys=True)


def _check(state: CheckState, tz: str, now: datetime) -> CheckView:
    since = f"{at(state.since, tz)} ({words(now - state.since)})"
    return CheckView(
        check=state.check,
        status=state.observed,
        summary=state.summary,
        since=since,
        settled=state.status if state.observed != state.status else "",
        observed_at=at(state.observed_at, tz),
        details=[(key, _value(value)) for key, value in state.details.items()],
        answer=str(state.details.get("registry_answer") or ""),
    )


def _history(session: Session, asset: str, tz: str) -> list[Told]:
    return [
        Told(at(f.observed_at, tz), f"{f.check}: {f.summary}", f.status)
        for f in findings_of(session, asset, limit=HISTORY)
    ]


def _latencies(session: Session, asset: str) -> list[int | None]:
    query = (
        select(FindingRecord.details)
        .where(FindingRecord.asset == asset, FindingRecord.check == "http")
        .order_by(FindingRecord.observed_at.desc(), FindingRecord.id.desc())
        .limit(SPARK)
    )
    values = [d.get("latency_ms") for d in session.scalars(query)]
    return [v if isinstance(v, int) else None for v in reversed(values)]


def _messages(session: Session, topics: list[str], names: dict[str, str], tz: str) -> list[Delivery]:
    if not topics:
        return []
    query = select(Message).where(or_(*(Message.topic == t for t in topics))).order_by(Message.id.desc())
    return [
        Delivery(
            at=at(m.sent_at or m.created_at, tz),
            to=names.get(m.recipient or "", m.recipient or "?"),
            how=f"{m.channel} {m.shown_address}",
            subject=m.subject,
            state=m.state,
            error=m.last_error or "",
        )
        for m in session.scalars(query.limit(HISTORY))
    ]


def asset_page(session: Session, asset: str, *, plan: Plan, now: datetime) -> AssetPage | None:
    """None when neither the plan nor the store knows `asset`."""
    tz = plan.timezone
    by_asset = states_by_asset(session, only=asset)
    states = by_asset.get(asset, [])
    alerts = list(session.scalars(select(Alert).where(Alert.asset == asset).order_by(Alert.id.desc())))
    known = known_assets(plan, by_asset, only=asset).get(asset)
    if known is None and alerts:  # only its alerts remain
        known = Asset(alerts[0].kind, alerts[0].asset, alerts[0].owner)
    if known is None:
        return None
    live_ones = live_first(alerts)
    row = make_row(asset, known, states, plan=plan, alerts=live_ones, now=now)
    live = live_ones[0] if live_ones else None
    if live is not None:
        escalation = session.scalars(select(Escalation).where(Escalation.alert_id == live.id)).one()
        chain = chain_view(chain_of(escalation), f"The chain of alert #{live.id} (as it started)")
    else:
        chain = chain_view(snapshot(plan, asset=asset, owner=known.owner), "The chain an alert would follow")
    shown_alerts = alerts[:10]
    events = _events(session, [a.id for a in shown_alerts], tz)
    cycles = list(
        session.scalars(select(Renewal).where(Renewal.asset == asset).order_by(Renewal.expires_at.desc()))
    )
    topics = [f"alert:{a.id}" for a in shown_alerts] + [f"renewal:{c.id}" for c in cycles]
    names = {p.id: p.name or p.id for p in plan.people}
    latencies = _latencies(session, asset) if known.kind == "endpoint" else []
    return AssetPage(
        row=row,
        cards=cards(session, live_ones, now=now),
        checks=[_check(s, tz, now) for s in sorted(states, key=lambda s: s.check)],
        history=_history(session, asset, tz),
        sparkline=sparkline(latencies) if any(v is not None for v in latencies) else None,
        latency=describe(latencies),
        chain=chain,
        alerts=[AlertHistory(a, events.get(a.id, [])) for a in shown_alerts],
        messages=_messages(session, topics, names, tz),
        renewal=_renewal(cycles[0], tz) if cycles else None,
        incidents=of_asset(session, asset),
    )


def _events(session: Session, alert_ids: list[int], tz: str) -> dict[int, list[Told]]:
    found: dict[int, list[Told]] = {}
    query = select(AlertEvent).where(AlertEvent.alert_id.in_(alert_ids)).order_by(AlertEvent.id)
    for event in session.scalars(query):
        found.setdefault(event.alert_id, []).append(Told(at(event.at, tz), event.text, event.kind))
    return found


def _renewal(cycle: Renewal, tz: str) -> RenewalView:
    sent = ", ".join(f"{words(timedelta(seconds=s))} before" for s in cycle.reminded) or "none yet"
    confirmed = ""
    if cycle.confirmed_at is not None:
        how = HOW.get(cycle.confirmation or "", cycle.confirmation or "")
        confirmed = f"{cycle.confirmed_by} confirmed on {at(cycle.confirmed_at, tz)} that it {how}"
    return RenewalView(at(cycle.expires_at, tz), sent, confirmed)
