"""Whether a form's platform is healthy again, as Standby's own monitor of that vendor says."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.engine.models import CheckState

HEALTHY = {"ok", "warning"}


def vendor_healthy(session: Session, asset: str) -> bool:
    """True when every check of the vendor (its asset id) is ok or warning; False while any is
    critical or unknown, and before the vendor was ever checked (we do not know it is back)."""
    states = session.scalars(select(CheckState.status).where(CheckState.asset == asset)).all()
    return bool(states) and all(s in HEALTHY for s in states)
