"""Every finding is kept, for `standby history` and later the dashboard, until `settings.retention`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, union
from sqlalchemy.orm import Session

from standby.core.status import Finding
from standby.engine.models import FindingRecord, Monitor
from standby.store.batch import executemany

PRUNE_EVERY = timedelta(hours=1)
_INSERT = insert(FindingRecord)


def record(session: Session, seen: Iterable[tuple[Finding, datetime]]) -> int:
    """Insert (finding, when it was observed) pairs, in one statement."""
    rows = [
        {
            "asset": f.asset,
            "check": f.check,
            "status": f.status.value,
            "summary": f.summary,
            "details": dict(f.details),
            "observed_at": at,
        }
        for f, at in seen
    ]
    executemany(session.connection(), _INSERT, rows)
    return len(rows)


def prune(session: Session, *, now: datetime, retention: timedelta) -> int:
    """Delete findings older than `retention`; returns how many went."""
    result = session.execute(delete(FindingRecord).where(FindingRecord.observed_at < now - retention))
    return int(getattr(result, "rowcount", 0) or 0)


def findings_of(session: Session, asset: str, *, limit: int) -> Sequence[FindingRecord]:
    """The asset's findings, newest first."""
    query = (
        select(FindingRecord)
        .where(FindingRecord.asset == asset)
        .order_by(FindingRecord.observed_at.desc(), FindingRecord.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()


def known_assets(session: Session) -> list[str]:
    """Every asset the store has heard of: monitored now or before, or with findings left."""
    query = union(select(Monitor.asset), select(FindingRecord.asset).distinct())
    return sorted(session.scalars(query))
