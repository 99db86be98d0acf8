"""Standby's own sight, per host its workers run on: the engine's self-checks (probes/sight.py; how
often: engine/runner.py), damped like a check (`alert_after` failed looks in a row make Standby
blind, `recover_after` good ones make it see again), stored in `engine_sight`, and every confirmed
change told to the sight subscribers (the operators' alert, standby/app/subscribers.py).

While the latest look failed, findings that failed for a cause on Standby's side are held (the
recorder keeps them in the history only): no asset's state moves, so no owner is paged and the status
page does not change, and when sight returns nothing has to recover.
"""

from __future__ import annotations

import socket
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.engine.evaluate import damp
from standby.engine.models import Sight
from standby.engine.subscribers import SightChange
from standby.plan.model import Plan
from standby.probes import sight as probe

OK, BLIND = "ok", "critical"


def host_of(worker: str) -> str:
    """Workers on one host share its network and resolvers: `web-1:4242` → `web-1`."""
    return worker.rpartition(":")[0] or worker or socket.gethostname()


def current(session: Session, host: str | None = None) -> list[Sight]:
    """The stored sight of every host (or one), blind ones first."""
    query = select(Sight) if host is None else select(Sight).where(Sight.host == host)
    return sorted(session.scalars(query), key=lambda s: (s.observed == OK, s.host))


def record(
    session: Session,
    seen: probe.Sight,
    *,
    host: str,
    plan: Plan,
    on_change: SightChange,
    now: datetime,
) -> bool:
    """One look, damped into the host's sight; returns whether the confirmed sight changed."""
    new = OK if seen.seeing else BLIND
    row = session.scalars(select(Sight).where(Sight.host == host).with_for_update()).first()
    if row is None:
        row = Sight(host=host, status=OK, since=now, observed=OK, observed_at=now, streak=0, summary="")
        session.add(row)
    settings = plan.settings
    step = damp(
        status=row.status,
        last=row.observed,
        streak=row.streak,
        streak_since=row.streak_since,
        new=new,
        at=now,
        alert_after=settings.alert_after,
        recover_after=settings.recover_after,
    )
    row.observed, row.observed_at, row.summary, row.cause = new, now, seen.summary, seen.cause
    row.status, row.streak = step.status, step.streak
    row.streak_since = None if step.changed else step.streak_since
    if not step.changed:
        return False
    row.since = step.streak_since or now
    session.flush()
    on_change(session, sight=row, plan=plan, now=now)
    return True
