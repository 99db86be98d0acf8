"""One replay pass over a form: claim it, send its pending leads in arrival order, record what the
destination acknowledged, stop when it is still down, its quota is used up or it refuses outright.

Several batches may be in flight (the platform's client keeps inside its limits), but two leads with
the same order key (the email, or Marketo's lookup field) are never in flight together, and never in
one batch: a later submission from the same person lands after the earlier one, as it arrived.
A batch in flight when the pass stops is waited for and recorded: what was acknowledged stays so.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from standby.core.clock import Clock
from standby.integrations.errors import PlatformDown, PlatformError, PlatformRefused, QuotaReached
from standby.integrations.pacing import backoff
from standby.integrations.results import RecordResult
from standby.leads.replay import store
from standby.leads.replay.destinations import Destination, Lead, fingerprint
from standby.plan.forms import Form

T = TypeVar("T")
log = logging.getLogger("standby.leads")
READ_AHEAD = 2000  # pending leads read at once
DOWN_CAP = 900.0  # seconds: the longest wait between tries while the platform is still down


@dataclass
class Pass:
    form_id: str
    state: str = "done"  # done, busy, waiting, blocked, down, quota, refused, stopped (out of time)
    counts: Counter[str] = field(default_factory=Counter)  # delivered, skipped, failed
    error: str | None = None
    retry_at: datetime | None = None


class FormReplay:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        form: Form,
        destination: Destination,
        *,
        clock: Clock,
        worker: str,
    ) -> None:
        self.sessions, self.form, self.destination = sessions, form, destination
        self.clock, self.worker = clock, worker
        self.fingerprint = fingerprint(form)
        self._buffer: deque[Lead] = deque()
        self._last_read = 0
        self._exhausted = False

    async def run(self, *, force: bool = False, until: datetime | None = None) -> Pass:
        result = Pass(self.form.id)
        now = self.clock.now()
        why = await self._db(
            lambda s: store.claim(
                s, self.form.id, worker=self.worker, now=now, fingerprint=self.fingerprint, force=force
            )
        )
        if why is not None:
            result.state = why
            return result
        error: PlatformError | None = None
        try:
            error = await self._send_all(result, until)
        finally:
            await self._finish(result, error)
        return result

    async def _send_all(self, result: Pass, until: datetime | None) -> PlatformError | None:
        flying: dict[asyncio.Task[list[RecordResult]], list[Lead]] = {}
        keys: set[str] = set()
        error: PlatformError | None = None
        while True:
            while error is None and len(flying) < self.destination.parallel:
                if until is not None and self.clock.now() >= until:
                    result.state = "stopped"
                    break
                batch = await self._next_batch(keys)
                if not batch:
                    break
                keys |= {self.destination.order_key(lead) for lead in batch}
                flying[asyncio.create_task(self.destination.send(batch))] = batch
            if not flying:
                return error
            done, _ = await asyncio.wait(flying, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                batch = flying.pop(task)
                keys -= {self.destination.order_key(lead) for lead in batch}
                try:
                    outcomes = task.result()
                except PlatformError as exc:
                    error = _worse(error, exc)
                    if isinstance(exc, PlatformRefused):
                        await self._set_aside(batch, str(exc))
                        result.counts["failed"] += len(batch)
                    continue
                except Exception as exc:  # noqa: BLE001 - our bug: keep the leads, back off, log where
                    where = "".join(traceback.format_tb(exc.__traceback__))
                    log.error("replay of form %s failed (%s):\n%s", self.form.id, type(exc).__name__, where)
                    error = _worse(error, PlatformDown(f"Standby failed sending ({type(exc).__name__})"))
                    continue
                await self._record(batch, outcomes, result)

    async def _next_batch(self, flying: set[str]) -> list[Lead]:
        """Up to batch_size leads in arrival order, none sharing an order key with each other or with
        a batch in flight; a lead held back holds back every later lead with its key."""
        if (
            len(self._buffer) < self.destination.batch_size * self.destination.parallel
            and not self._exhausted
        ):
            fresh = await self._db(
                lambda s: store.pending(s, self.form.id, after=self._last_read, limit=READ_AHEAD)
            )
            self._exhausted = len(fresh) < READ_AHEAD
            if fresh:
                self._last_read = fresh[-1].id
                self._buffer.extend(fresh)
        batch: list[Lead] = []
        held, taken = set(flying), set()
        kept: deque[Lead] = deque()
        while self._buffer and len(batch) < self.destination.batch_size:
            lead = self._buffer.popleft()
            key = self.destination.order_key(lead)
            if key in held or key in taken:
                held.add(key)
                kept.append(lead)
            else:
                taken.add(key)
                batch.append(lead)
        self._buffer.extendleft(reversed(kept))
        return batch

    async def _set_aside(self, batch: list[Lead], reason: str) -> None:
        now = self.clock.now()
        await self._db(lambda s: store.fail(s, batch, reason, now=now))

    async def _record(self, batch: list[Lead], outcomes: list[RecordResult], result: Pass) -> None:
        now = self.clock.now()
        pairs = list(zip(batch, outcomes, strict=True))
        await self._db(lambda s: store.record(s, self.form.id, pairs, worker=self.worker, now=now))
        for _, outcome in pairs:
            result.counts["delivered" if outcome.delivered else "skipped"] += 1

    async def _finish(self, result: Pass, error: PlatformError | None) -> None:
        if isinstance(error, PlatformRefused):
            result.state, result.error = "refused", str(error)
            log.warning("replay of form %s stopped: %s", self.form.id, error)
        elif isinstance(error, QuotaReached):
            result.state, result.error, result.retry_at = "quota", str(error), error.until
        elif isinstance(error, PlatformDown):
            result.state, result.error = "down", str(error)
            log.info("replay of form %s waits: %s", self.form.id, error)
        now = self.clock.now()

        def finish(session: Session) -> None:
            if result.state == "down":  # wait longer each time it is still down, up to DOWN_CAP
                failures = store.replay_row(session, self.form.id).failures + 1
                result.retry_at = now + timedelta(seconds=backoff(failures, base=15.0, cap=DOWN_CAP))
            store.finish(
                session,
                self.form.id,
                worker=self.worker,
                error=result.error,
                retry_at=result.retry_at,
                blocked=result.error if result.state == "refused" else None,
                fingerprint=self.fingerprint,
            )

        await self._db(finish)

    async def _db(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self.sessions() as session, session.begin():
                return work(session)

        return await asyncio.to_thread(run)


def _worse(found: PlatformError | None, new: PlatformError) -> PlatformError:
    """The error that decides the pass: a refusal over a quota over "still down"."""
    rank = {PlatformRefused: 3, QuotaReached: 2}
    return new if found is None or rank.get(type(new), 1) > rank.get(type(found), 1) else found
