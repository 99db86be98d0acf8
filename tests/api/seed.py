"""A store as the engine leaves it after a while: check states, findings history, an open alert."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from standby.alerts import service
from standby.core.expiry import expiry_details
from standby.engine.models import CheckState, FindingRecord
from tests.web.signin import Site

# (asset, kind, check, status, summary, details)
STATES: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
    (
        "domain:acme.example",
        "domain",
        "registration",
        "warning",
        "acme.example expires in 20 days",
        {"days": 20},
    ),
    ("domain:acme.example", "domain", "delegation", "ok", "acme.example is delegated as expected", {}),
    (
        "certificate:www.acme.example:443",
        "certificate",
        "certificate",
        "ok",
        "valid for 60 days",
        {"days": 60},
    ),
    ("endpoint:demo-page", "endpoint", "http", "critical", "https://go.acme.example/demo answered 503", {}),
]


def seed(site: Site) -> int:
    """Fill the store; returns the id of the open alert about the demo page."""
    now = site.clock.now()
    with site.sessions.begin() as session:
        for asset, kind, check, status, summary, extra in STATES:
            details = expiry_details(now + timedelta(days=extra["days"]), now) if "days" in extra else {}
            session.add(
                CheckState(
                    key=f"{asset}|{check}", monitor=f"{asset}/{kind}", asset=asset, kind=kind, check=check,
                    target=asset.split(":", 1)[1], owner="dana", status=status, since=now - timedelta(hours=1),
                    observed=status, streak=0, summary=summary, details=details, observed_at=now,
                )
            )  # fmt: skip
        for minute in range(5):
            session.add(
                _finding("endpoint:demo-page", "http", "ok" if minute < 3 else "critical", now, minute)
            )
        session.add(_finding("domain:acme.example", "registration", "warning", now, 4))
        alert = service.open_alert(
            session, reason="check", asset="endpoint:demo-page", kind="endpoint", check="http", owner="dana",
            severity="critical", summary="https://go.acme.example/demo answered 503",
            since=now - timedelta(minutes=2), plan=site.plan, now=now,
        )  # fmt: skip
        return alert.id


def _finding(asset: str, check: str, status: str, now: datetime, minute: int) -> FindingRecord:
    return FindingRecord(
        asset=asset,
        check=check,
        status=status,
        summary=f"{asset} {status} at minute {minute}",
        details={"duration_ms": 100 * (minute + 1)},
        observed_at=now - timedelta(minutes=5 - minute),
    )
