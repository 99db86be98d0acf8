"""The links messages carry: `{base_url}/ack/<token>` and `{base_url}/confirm/<token>`, one fresh token
per message (only its hash is kept, so a token can never be shown twice). None without a base_url:
the message then gives the command to run instead."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from standby.alerts import tokens
from standby.alerts.models import Alert, Renewal
from standby.plan.model import Plan


def base_url(plan: Plan) -> str | None:
    base = plan.settings.base_url
    return str(base).rstrip("/") if base is not None else None


def ack(session: Session, alert: Alert, person: str, *, base: str | None, now: datetime) -> str | None:
    if base is None:
        return None
    expires = now + tokens.ACK_LIFETIME
    token = tokens.issue(
        session, purpose="ack", person=person, now=now, alert_id=alert.id, expires_at=expires
    )
    return f"{base}/ack/{token}"


def confirm(
    session: Session, renewal: Renewal, person: str, *, base: str | None, now: datetime
) -> str | None:
    if base is None:
        return None
    expires = tokens.confirm_expiry(renewal.expires_at, now)
    token = tokens.issue(
        session, purpose="confirm", person=person, now=now, renewal_id=renewal.id, expires_at=expires
    )
    return f"{base}/confirm/{token}"
