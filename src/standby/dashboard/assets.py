"""Every asset of the running plan as the overview lists it: what its checks found last, days left,
owner and open alerts; and the expiry dates the timeline draws. Plain values, from the store and plan."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts import renewals
from standby.alerts.models import Alert, Renewal
from standby.core.expiry import days_left
from standby.dashboard.timeline import Expiry, timeline
from standby.engine.inventory import PENDING, Asset, expires_at, glances, states_by_asset
from standby.engine.inventory import rank as status_rank
from standby.engine.load import health

__all__ = ["PENDING", "AssetRow", "asset_href", "make_row", "overview", "status_rank"]
from standby.engine.models import CheckState
from standby.plan.assets import label
from standby.plan.model import Plan
from standby.plan.registrars import renewal_unverified
from standby.store.kept import kept


def asset_href(asset: str) -> str:
    return "/assets/" + quote(asset, safe=":")


def person_names(plan: Plan) -> dict[str, str]:
    return {p.id: p.name or p.id for p in plan.people}


@dataclass(frozen=True)
class AssetRow:
    asset: str
    label: str
    kind: str
    target: str
    href: str
    status: str  # the worst status its checks found last time, or "pending"
    summary: str  # that check's sentence
    settled: str  # what alerts follow (flap damping), when the latest checks have not confirmed `status`
    days_left: int | None
    expires: str  # "2027-03-08" in the plan's time zone, or ""
    owner: str  # a name, or "nobody"
    alerts: list[Alert]  # open ones first, then acknowledged ones
    renewal: str = ""  # domains: "renewal unverified", or "auto-renew verified at the registrar"


PAGE = 200  # assets a page of the overview shows: a page of a large plan stays quick to draw


@dataclass(frozen=True)
class Overview:
    rows: list[AssetRow]  # the page's (all, when no page was asked for)
    expiries: list[Expiry]
    chart: Markup  # the expiry timeline
    counts: dict[str, int]  # status -> how many assets
    engine_warning: str | None  # the engine is falling behind, or about to (engine/load.py)
    page: int = 1
    pages: int = 1
    total: int = 0  # assets in all
    per_page: int = PAGE


def live_alerts(session: Session) -> dict[str, list[Alert]]:
    """Each asset's open and acknowledged alerts (see `live_first`)."""
    found: dict[str, list[Alert]] = defaultdict(list)
    for alert in session.scalars(select(Alert).where(Alert.state.in_(("open", "acknowledged")))):
        found[alert.asset].append(alert)
    return {asset: live_first(held) for asset, held in found.items()}


def live_first(alerts: list[Alert]) -> list[Alert]:
    """The open and acknowledged ones of `alerts`: open ones first, then the most severe, the oldest."""
    live = [a for a in alerts if a.state in ("open", "acknowledged")]
    return sorted(live, key=lambda a: (a.state != "open", -status_rank(a.severity), a.id))


def make_row(
    name: str,
    asset: Asset,
    states: list[CheckState],
    *,
    plan: Plan,
    alerts: list[Alert],
    now: datetime,
) -> AssetRow:
    worst = max(states, key=lambda s: status_rank(s.observed), default=None)
    settled = max((s.status for s in states), key=status_rank, default="")
    expiries = [e for e in map(expires_at, states) if e is not None]
    soonest = min(expiries, default=None)
    tz = ZoneInfo(plan.timezone)
    owner = asset.owner
    return AssetRow(
        asset=name,
        label=label(name),
        kind=asset.kind,
        target=asset.target,
        href=asset_href(name),
        status=worst.observed if worst else PENDING,
        summary=worst.summary if worst else "Not checked yet: `standby serve` checks it soon.",
        settled=settled if worst and settled != worst.observed else "",
        days_left=days_left(soonest, now) if soonest else None,
        expires=f"{soonest.astimezone(tz):%Y-%m-%d}" if soonest else "",
        owner=person_names(plan).get(owner, owner) if owner else "nobody",
        alerts=alerts,
        renewal=renewal_note(name, asset, states, plan),
    )


def renewal_note(name: str, asset: Asset, states: list[CheckState], plan: Plan) -> str:
    """Whether a registrar vouches for a domain's renewal, or nothing does but its owner's word."""
    if asset.kind != "domain":
        return ""
    registrar = next((s for s in states if s.check == "registrar"), None)
    if registrar is not None and registrar.details.get("verified") is True:
        return "auto-renew verified at the registrar"
    unmatched = registrar is not None and registrar.details.get("unverified") is True
    if unmatched or asset.target in renewal_unverified(plan):
        return "renewal unverified"
    return ""


def overview(session: Session, *, plan: Plan, now: datetime, page: int | None = None) -> Overview:
    """Every asset, most urgent first; with `page`, only that page's rows are built (the order and
    the counts still cover them all, read at a glance: `glances`)."""
    glance = glances(session, plan)

    def urgency(name: str) -> tuple[int, int, str]:
        g = glance[name]
        left = days_left(g.expires, now) if g.expires else None
        return -status_rank(g.observed), left if left is not None else 1 << 30, label(name)

    order = kept(("overview", today(plan, now)), lambda: sorted(glance, key=urgency), among=glance)
    pages = max(1, -(-len(order) // PAGE))
    number = min(max(page or 1, 1), pages)
    shown = order if page is None else order[(number - 1) * PAGE : number * PAGE]
    states = states_by_asset(session, among=None if page is None else shown)
    alerts = live_alerts(session)
    rows = [
        make_row(
            name, glance[name].asset, states.get(name, []), plan=plan, alerts=alerts.get(name, []), now=now
        )
        for name in shown
    ]
    counts = Counter(g.observed for g in glance.values())
    dates = kept(
        ("expiries", id(session.get_bind())),
        lambda: expiries(session, expiring(session), plan=plan, now=now),
        among=plan,
    )
    chart = timeline(dates, today=today(plan, now))
    warning = health(session, now).warning
    return Overview(rows, dates, chart, dict(counts), warning, number, pages if page else 1, len(order))


def expiring(session: Session) -> dict[str, list[CheckState]]:
    """The check states that reported an expiry, by asset (the timeline's)."""
    query = select(CheckState).where(CheckState.details["expires_at"].as_string().is_not(None))
    found: dict[str, list[CheckState]] = defaultdict(list)
    for state in session.scalars(query.order_by(CheckState.asset, CheckState.check)):
        found[state.asset].append(state)
    return found


def expiries(
    session: Session, states: dict[str, list[CheckState]], *, plan: Plan, now: datetime
) -> list[Expiry]:
    """Every known expiry date (registrations, certificates, endpoints' certificates) in the plan's zone."""
    tz = ZoneInfo(plan.timezone)
    confirm = {w.asset: w.confirm_by for w in renewals.watched(plan)}
    confirmed = set(
        session.scalars(
            select(Renewal.asset).where(Renewal.renewed_at.is_(None), Renewal.confirmed_at.is_not(None))
        )
    )
    out = []
    for asset, found in states.items():
        for state in found:
            expires = expires_at(state)
            if expires is None:
                continue
            by = confirm.get(asset)
            out.append(
                Expiry(
                    label=label(asset) if state.kind != "endpoint" else f"{label(asset)} (certificate)",
                    kind=state.kind,
                    status=state.observed,
                    expires=expires.astimezone(tz).date(),
                    days_left=days_left(expires, now),
                    href=asset_href(asset),
                    confirm_by=(expires - by).astimezone(tz).date() if by else None,
                    confirmed=asset in confirmed,
                )
            )
    return out


def today(plan: Plan, now: datetime) -> date:
    return now.astimezone(ZoneInfo(plan.timezone)).date()
