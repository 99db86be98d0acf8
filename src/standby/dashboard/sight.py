"""The banner every dashboard page shows while Standby itself cannot see (engine/sight.py): so that
nobody reads its last statuses as today's, or its silence as good news."""

from __future__ import annotations

from sqlalchemy.orm import Session

from standby.core.timetext import at
from standby.engine.sight import BLIND, current


def banners(session: Session, *, tz: str) -> list[str]:
    """One sentence per host whose latest self-check failed; none while Standby sees."""
    out = []
    for sight in current(session):
        if sight.observed != BLIND:
            continue
        since = sight.since if sight.status == BLIND else (sight.streak_since or sight.observed_at)
        where = f" (on {sight.host})" if sight.host else ""
        out.append(
            f"Standby is blind since {at(since, tz)}{where}: {sight.summary}. Until it sees again, checks "
            "that fail for this reason are on hold: no owner is paged, the status page does not change, "
            "and the statuses shown are the last ones it saw."
        )
    return out
