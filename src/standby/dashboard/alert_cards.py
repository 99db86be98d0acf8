"""Alerts as the dashboard lists them: the alerts feature's own view of each (who has it, what the
chain does next, what was not delivered, the alerts of the same cause), plus which buttons make sense
for it now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import Alert, Renewal
from standby.alerts.view import AlertView, view
from standby.dashboard.assets import asset_href, status_rank
from standby.incidents.links import Link, of_alerts

STATES = ("open", "acknowledged", "resolved")
RESOLVED_SHOWN = 50


@dataclass(frozen=True)
class AlertCard:
    shown: AlertView
    asset_href: str
    can_ack: bool  # still open
    can_confirm: bool  # a confirmation alert whose renewal nobody has confirmed yet
    incident: Link | None  # the incident it belongs to

    @property
    def alert(self) -> Alert:
        return self.shown.alert

    @staticmethod
    def href_of(asset: str) -> str:
        return asset_href(asset)


def cards(session: Session, alerts: list[Alert], *, now: datetime) -> list[AlertCard]:
    waiting = set(
        session.scalars(
            select(Renewal.alert_id).where(
                Renewal.alert_id.in_([a.id for a in alerts]), Renewal.confirmed_at.is_(None)
            )
        )
    )
    incidents = of_alerts(session, [a.id for a in alerts])
    return [
        AlertCard(
            shown=view(session, alert, now=now),
            asset_href=asset_href(alert.asset) if alert.reason != "standby" else "/",
            can_ack=alert.state == "open",
            can_confirm=alert.state != "resolved" and alert.id in waiting,
            incident=incidents.get(alert.id),
        )
        for alert in alerts
    ]


def by_state(session: Session, *, now: datetime) -> dict[str, list[AlertCard]]:
    """Open and acknowledged alerts most severe first, then the longest going on; the latest resolved.
    An alert of the same cause as another (causes.py) is shown in its root's card, not on its own."""
    out = {}
    for state in STATES:
        query = select(Alert).where(Alert.state == state, Alert.root_id.is_(None))
        if state == "resolved":
            found = list(session.scalars(query.order_by(Alert.resolved_at.desc()).limit(RESOLVED_SHOWN)))
        else:
            found = sorted(session.scalars(query), key=lambda a: (-status_rank(a.severity), a.since, a.id))
        out[state] = cards(session, found, now=now)
    return out
