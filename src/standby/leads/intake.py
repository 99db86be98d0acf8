"""Writing submissions durably, many per commit.

The capture endpoint answers 2xx only after its submission is committed (SQLite: WAL with
`synchronous=FULL`, so the commit is on disk; PostgreSQL: a committed transaction). One fsync per
post caps a small disk at a few hundred posts a second, so posts arriving together share a commit
(group commit, as databases do with their own logs): each request queues its submission and waits;
one writer drains the queue into a single transaction and then answers everyone in it. Under light
load a batch holds one post and nothing waits for company.

A client-supplied idempotency key makes a retried post answer the first one's id: the insert skips a
(form, key) already there — `ON CONFLICT DO NOTHING`, so two processes on one PostgreSQL database
cannot both take it — and the stored id is read back.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from standby.leads.models import Submission
from standby.store.db import lock_for_write


@dataclass(frozen=True)
class NewSubmission:
    form_id: str
    key: str | None
    fields: dict[str, Any]
    received_at: datetime
    page_url: str | None = None
    referrer: str | None = None
    user_agent: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Recorded:
    public_id: str
    repeated: bool  # the key was seen before: nothing new was stored


def new_id() -> str:
    return "sub_" + secrets.token_hex(12)


def write(session: Session, items: Sequence[NewSubmission]) -> list[Recorded]:
    """Insert `items` in order in the caller's transaction; one answer per item."""
    lock_for_write(session)
    ids = [new_id() for _ in items]
    rows = [
        {
            "public_id": public_id, "form_id": i.form_id, "idempotency_key": i.key, "fields": i.fields,
            "received_at": i.received_at, "page_url": i.page_url, "referrer": i.referrer,
            "user_agent": i.user_agent, "address": i.address, "state": "pending", "attempts": 0,
        }
        for public_id, i in zip(ids, items, strict=True)
    ]  # fmt: skip
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(Submission).on_conflict_do_nothing(index_elements=["form_id", "idempotency_key"])
    session.execute(insert, rows)
    keyed = {(i.form_id, i.key) for i in items if i.key is not None}
    stored: dict[tuple[str, str | None], str] = {}
    if keyed:
        query = select(Submission.form_id, Submission.idempotency_key, Submission.public_id)
        for form_id, key, public_id in session.execute(
            query.where(tuple_(Submission.form_id, Submission.idempotency_key).in_(keyed))
        ):
            stored[(form_id, key)] = public_id
    out: list[Recorded] = []
    for public_id, item in zip(ids, items, strict=True):
        if item.key is None:
            out.append(Recorded(public_id, False))
        else:
            kept = stored[(item.form_id, item.key)]
            out.append(Recorded(kept, kept != public_id))
    return out


class Intake:
    """The queue in front of `write`: call `record` from the event loop; it returns once committed."""

    def __init__(self, sessions: sessionmaker[Session], *, most: int = 500) -> None:
        self._sessions = sessions
        self._most = most  # submissions per commit, at most
        self._queue: list[tuple[NewSubmission, asyncio.Future[Recorded]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.commits = 0

    async def record(self, item: NewSubmission) -> Recorded:
        future: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        # Shielded: a visitor who hangs up does not cancel a commit others are waiting on.
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self._most], self._queue[self._most :]
            try:
                found = await asyncio.to_thread(self._commit, [item for item, _ in batch])
            except Exception as exc:  # noqa: BLE001 - every waiter hears it (a 503), none waits forever
                if len(batch) > 1:  # one bad item must not sink the others: commit them one by one
                    self._queue[:0] = [(item, future) for item, future in batch]
                    await self._one_by_one(len(batch))
                    continue
                _settle(batch, exc)
                continue
            for (_, future), recorded in zip(batch, found, strict=True):
                if not future.done():
                    future.set_result(recorded)

    async def _one_by_one(self, count: int) -> None:
        batch, self._queue = self._queue[:count], self._queue[count:]
        for item, future in batch:
            try:
                [recorded] = await asyncio.to_thread(self._commit, [item])
            except Exception as exc:  # noqa: BLE001 - as above
                _settle([(item, future)], exc)
            else:
                if not future.done():
                    future.set_result(recorded)

    def _commit(self, items: list[NewSubmission]) -> list[Recorded]:
        with self._sessions() as session, session.begin():
            found = write(session, items)
        self.commits += 1
        return found


def _settle(batch: list[tuple[NewSubmission, asyncio.Future[Recorded]]], exc: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)
