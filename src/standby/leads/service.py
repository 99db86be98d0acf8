"""What people do with captured leads — list them, look at one, see each form's replay, ask for a
replay soon, put refused ones back in the queue — for the CLI and the admin page alike. The caller
owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from standby.core.errors import StandbyError
from standby.leads.counts import Counts, counts
from standby.leads.models import STATES, Replay, Submission
from standby.leads.replay import store
from standby.plan.model import Plan


@dataclass(frozen=True)
class FormStatus:
    form_id: str
    title: str
    destination: str
    counts: Counts
    replay: str  # in words: idle, waiting until …, stopped: why


def listing(
    session: Session, *, form: str | None = None, state: str | None = None, limit: int = 200
) -> list[Submission]:
    """The newest submissions first."""
    if state is not None and state not in STATES:
        raise StandbyError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
    query = select(Submission).order_by(Submission.id.desc()).limit(max(1, min(limit, 100_000)))
    if form is not None:
        query = query.where(Submission.form_id == form)
    if state is not None:
        query = query.where(Submission.state == state)
    return list(session.scalars(query))


def find(session: Session, public_id: str) -> Submission:
    found = session.scalars(select(Submission).where(Submission.public_id == public_id)).first()
    if found is None:
        raise StandbyError(f"there is no submission {public_id!r}; `standby leads list` shows them")
    return found


def statuses(session: Session, plan: Plan, *, now: datetime) -> list[FormStatus]:
    replays = {r.form_id: r for r in session.scalars(select(Replay))}
    out = []
    for form in plan.forms:
        destination = form.destination.kind
        out.append(
            FormStatus(
                form.id,
                form.title,
                destination,
                counts(session, forms=[form.id]),
                _replay(replays.get(form.id), now),
            )
        )
    return out


def _replay(row: Replay | None, now: datetime) -> str:
    if row is None:
        return "nothing replayed yet"
    if row.blocked:
        return f"stopped: {row.blocked} — fix it, then retry the failed leads"
    if row.lease_owner and row.lease_until and row.lease_until > now:
        return f"replaying now ({row.lease_owner})"
    if row.next_attempt_at and row.next_attempt_at > now:
        return f"waiting until {row.next_attempt_at:%Y-%m-%d %H:%M} UTC: {row.last_error or 'still down'}"
    return "up to date" if row.last_error is None else f"will try again: {row.last_error}"


def replay_soon(session: Session, *, form_id: str, plan: Plan) -> int:
    """Drop the form's backoff, so replay runs on the next tick when its platform is healthy."""
    if form_id not in {f.id for f in plan.forms}:
        raise StandbyError(f"unknown form {form_id!r}")
    session.execute(update(Replay).where(Replay.form_id == form_id).values(next_attempt_at=None, failures=0))
    return 1


def requeue(session: Session, *, form_id: str | None, skipped: bool) -> int:
    """Failed (and with `skipped`, skipped) leads back to pending; stopped replays may run again."""
    return store.requeue(session, form_id=form_id, skipped=skipped)


def forms_of(plan: Plan, wanted: Sequence[str] | None) -> list[str] | None:
    if not wanted:
        return None
    known = {f.id for f in plan.forms}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise StandbyError(
            f"unknown form {unknown[0]!r}; the plan has: {', '.join(sorted(known)) or 'no forms'}"
        )
    return list(wanted)
