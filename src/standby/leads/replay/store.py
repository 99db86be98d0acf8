"""The replay's database work, each function in the caller's transaction.

A form's replay is claimed with a lease on its `lead_replay` row, so one worker sends a form's leads
at a time and in order; a killed worker's lease runs out and the next one resumes from what was not
yet acknowledged. Outcomes are written per record, and only onto records still pending: a record is
delivered, skipped or failed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from standby.integrations.results import RecordResult
from standby.leads.models import Replay as ReplayRow
from standby.leads.models import Submission
from standby.leads.replay.destinations import Lead
from standby.store.base import UTCDateTime
from standby.store.db import lock_for_write

LEASE = timedelta(minutes=5)


def replay_row(session: Session, form_id: str) -> ReplayRow:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(ReplayRow).values(form_id=form_id, failures=0).on_conflict_do_nothing())
    row = session.get(ReplayRow, form_id, with_for_update=True, populate_existing=True)
    assert row is not None
    return row


def claim(
    session: Session, form_id: str, *, worker: str, now: datetime, fingerprint: str, force: bool
) -> str | None:
    """Take the form's replay; None if taken, else why not ("busy", "waiting", "blocked")."""
    lock_for_write(session)
    row = replay_row(session, form_id)
    if row.lease_owner not in (None, worker) and row.lease_until is not None and row.lease_until > now:
        return "busy"
    if row.blocked is not None and row.blocked_destination != fingerprint:
        # The destination was changed since it refused: try again, with what the refusal set aside.
        _requeue(session, form_id, ("failed",))
        row.blocked = row.blocked_destination = None
    if not force and row.blocked is not None:
        return "blocked"
    if not force and row.next_attempt_at is not None and row.next_attempt_at > now:
        return "waiting"
    row.lease_owner, row.lease_until, row.last_run_at = worker, now + LEASE, now
    return None


def pending(session: Session, form_id: str, *, after: int, limit: int) -> list[Lead]:
    s = Submission
    columns = (s.id, s.public_id, s.form_id, s.idempotency_key, s.fields, s.received_at, s.page_url,
               s.referrer, s.user_agent, s.address)  # fmt: skip
    query = (
        select(*columns)
        .where(s.form_id == form_id, s.state == "pending", s.id > after)
        .order_by(s.id)
        .limit(limit)
    )
    return [Lead(*row) for row in session.execute(query)]


_OUTCOME = (
    update(Submission)
    .where(Submission.id == bindparam("lead"), Submission.state == "pending")
    .values(
        state=bindparam("new_state"),
        outcome=bindparam("new_outcome"),
        remote_id=bindparam("new_remote_id"),
        reason=bindparam("new_reason"),
        delivered_at=bindparam("at", type_=UTCDateTime()),
        attempts=Submission.attempts + 1,
    )
)


def record(
    session: Session,
    form_id: str,
    outcomes: Sequence[tuple[Lead, RecordResult]],
    *,
    worker: str,
    now: datetime,
) -> None:
    """What the destination said about each lead, on the records still pending; renews the lease.
    One statement for the batch (executemany): 300 single updates cost a replay a third of its rate."""
    rows = [
        {
            "lead": lead.id,
            "new_state": "delivered" if result.delivered else "skipped",
            "new_outcome": result.outcome,
            "new_remote_id": result.remote_id,
            "new_reason": result.reason,
            "at": now,
        }
        for lead, result in outcomes
    ]
    if rows:
        session.connection().execute(_OUTCOME, rows)
    session.execute(
        update(ReplayRow)
        .where(ReplayRow.form_id == form_id, ReplayRow.lease_owner == worker)
        .values(lease_until=now + LEASE)
    )


def fail(session: Session, leads: Sequence[Lead], reason: str, *, now: datetime) -> None:
    """The destination refused the request carrying these leads outright: set them aside, with why."""
    ids = [lead.id for lead in leads]
    session.execute(
        update(Submission)
        .where(Submission.id.in_(ids), Submission.state == "pending")
        .values(state="failed", reason=reason, delivered_at=now, attempts=Submission.attempts + 1)
    )


def finish(
    session: Session,
    form_id: str,
    *,
    worker: str,
    error: str | None = None,
    retry_at: datetime | None = None,
    blocked: str | None = None,
    fingerprint: str | None = None,
) -> None:
    """Give the form back: done (no error), still down or quota (`retry_at`), or `blocked`."""
    row = replay_row(session, form_id)
    if row.lease_owner == worker:
        row.lease_owner = row.lease_until = None
    row.last_error = error
    row.next_attempt_at = retry_at
    row.failures = row.failures + 1 if retry_at is not None and blocked is None else 0
    if blocked is not None:
        row.blocked, row.blocked_destination = blocked, fingerprint


def requeue(session: Session, *, form_id: str | None, skipped: bool) -> int:
    """`standby leads retry-failed`: failed (and with `skipped`, skipped) records go back to pending,
    and stopped replays may run again. Returns how many records were requeued."""
    lock_for_write(session)
    states = ("failed", "skipped") if skipped else ("failed",)
    count = _requeue(session, form_id, states)
    rows = update(ReplayRow).values(blocked=None, blocked_destination=None, next_attempt_at=None, failures=0)
    session.execute(rows if form_id is None else rows.where(ReplayRow.form_id == form_id))
    return count


def _requeue(session: Session, form_id: str | None, states: Sequence[str]) -> int:
    query = update(Submission).where(Submission.state.in_(states))
    if form_id is not None:
        query = query.where(Submission.form_id == form_id)
    done = session.execute(query.values(state="pending", outcome=None, reason=None, delivered_at=None))
    return int(getattr(done, "rowcount", 0) or 0)


def has_pending(session: Session, form_id: str) -> bool:
    query = select(Submission.id).where(Submission.form_id == form_id, Submission.state == "pending")
    return session.scalars(query.limit(1)).first() is not None
