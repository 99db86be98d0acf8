"""Keeping the published runbook current: each tick the runbook is rendered from the live plan and the
store; when it differs from what a target holds, it is written there — in a thread of its own, through
the status page's publisher (statuspage/publish.py: any fsspec target, retries, secrets masked), so it
lives where the outage cannot take it down. A plan change, a confirmed renewal or a finished drill
changes the file, so each is published within a tick. A target that failed waits 30 s, doubling up to
10 min, unless the runbook changes again."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts.models import Renewal
from standby.channels.drill import DrillRun
from standby.engine.models import PlanLoad
from standby.plan.model import Plan
from standby.plan.runbook import FILE
from standby.plan.status_page import PublishTarget, shown_url
from standby.recovery import background
from standby.recovery.runbook.build import build
from standby.recovery.runbook.models import RunbookTarget
from standby.recovery.runbook.render import render
from standby.statuspage.publish import PublishResult, digest, publish_all
from standby.store.db import lock_for_write

log = logging.getLogger("standby.recovery")
JOB = "runbook"


def as_of(session: Session) -> datetime | None:
    """The newest thing the runbook says: the plan's load, a confirmed renewal, a finished drill."""
    found = [
        session.scalar(select(func.max(PlanLoad.loaded_at)).where(PlanLoad.valid)),
        session.scalar(select(func.max(Renewal.confirmed_at))),
        session.scalar(select(func.max(DrillRun.ended_at))),
    ]
    times = [t for t in found if t is not None]
    return max(times) if times else None


def current(session: Session | None, plan: Plan, now: datetime) -> bytes:
    """The runbook as it stands now."""
    return render(build(plan, session=session, now=now, as_of=as_of(session) if session else None))


def _key(target: PublishTarget) -> str:
    return hashlib.sha256(target.url.encode()).hexdigest()


def _backoff(failures: int) -> timedelta:
    return min(timedelta(seconds=30 << min(max(failures - 1, 0), 10)), timedelta(minutes=10))


def publish_due(
    sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str | None = None
) -> int:
    """Each tick: publish the runbook where it is out of date; returns how many targets were started."""
    section = plan.runbook
    if section is None or not section.publish:
        return 0
    with sessions() as session:
        html = current(session, plan, now)
        sha = digest(html)
        rows = {r.key: r for r in session.scalars(select(RunbookTarget))}
        if all(_key(t) in rows and rows[_key(t)].digest == sha for t in section.publish):
            return 0  # most ticks: nothing changed
    due: list[tuple[PublishTarget, str | None]] = []
    with sessions.begin() as session:
        lock_for_write(session)
        rows = {r.key: r for r in session.scalars(select(RunbookTarget))}
        for target in section.publish:
            row = rows.get(_key(target))
            if row is None:
                row = RunbookTarget(key=_key(target), shown=shown_url(target.url), failures=0)
                session.add(row)
            if row.digest == sha:
                continue
            waited = row.attempted_at is None or now >= row.attempted_at + _backoff(row.failures)
            if row.attempted != sha or waited:
                row.attempted, row.attempted_at = sha, now
                due.append((target, row.digest))
    if not due or not background.start(JOB, sessions, lambda: _publish(sessions, html, due, now)):
        return 0
    return len(due)


def settle(sessions: sessionmaker[Session]) -> None:
    background.settle(JOB, sessions)


def publish_now(html: bytes, targets: list[PublishTarget]) -> dict[str, PublishResult]:
    """Write the runbook to every target at once (`standby runbook --publish`)."""
    return publish_all({FILE: html}, targets)


def _publish(
    sessions: sessionmaker[Session], html: bytes, due: list[tuple[PublishTarget, str | None]], now: datetime
) -> None:
    previous = {t.url: PublishResult(t.url, digests={FILE: d} if d else {}) for t, d in due}
    results = publish_all({FILE: html}, [t for t, _ in due], previous=previous)
    with sessions.begin() as session:
        lock_for_write(session)
        rows = {r.key: r for r in session.scalars(select(RunbookTarget))}
        for target, _ in due:
            result, row = results[target.url], rows.get(_key(target))
            if row is None:
                continue
            if result.ok:
                row.digest, row.error, row.failures, row.published_at = digest(html), None, 0, now
                log.info("runbook published to %s", result.target)
            else:
                row.error = "; ".join(why for _, why in result.failed)[:2000]
                row.failures += 1
                log.warning("runbook not published to %s: %s", result.target, row.error)
