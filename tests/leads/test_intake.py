"""Group commit: posts that arrive together share one durable commit, each gets its own answer, and
a key seen before (in the same batch, an earlier one, or another process's) answers the first id."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from standby.leads.intake import Intake, NewSubmission, write

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def item(n: int, key: str | None = None, form: str = "demo-request") -> NewSubmission:
    return NewSubmission(form, key, {"email": f"p{n}@example.com"}, NOW)


async def test_posts_arriving_together_share_commits_and_keep_their_order(
    sessions: sessionmaker[Session],
) -> None:
    intake = Intake(sessions)
    found = await asyncio.gather(*(intake.record(item(n)) for n in range(200)))
    assert len({r.public_id for r in found}) == 200 and not any(r.repeated for r in found)
    assert intake.commits < 200  # the first commit holds one; the rest queued behind it
    with sessions() as session:
        from sqlalchemy import select

        from standby.leads.models import Submission

        rows = session.execute(select(Submission.public_id, Submission.fields).order_by(Submission.id)).all()
    assert [r.public_id for r in rows] == [r.public_id for r in found]  # stored in the order they came


async def test_a_key_answers_the_first_id_within_a_batch_and_across_batches(
    sessions: sessionmaker[Session],
) -> None:
    intake = Intake(sessions)
    first, twin, other = await asyncio.gather(
        intake.record(item(1, "k-1")), intake.record(item(1, "k-1")), intake.record(item(2, "k-2"))
    )
    later = await intake.record(item(1, "k-1"))
    assert first.public_id == twin.public_id == later.public_id and twin.repeated and later.repeated
    assert not first.repeated and other.public_id != first.public_id
    elsewhere = await intake.record(item(1, "k-1", form="contact"))
    assert not elsewhere.repeated


def test_two_writers_racing_on_one_key_store_it_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as a:
        [mine] = write(a, [item(1, "race")])
    with sessions.begin() as b:
        [theirs] = write(b, [item(1, "race"), item(2)])[:1]
    assert theirs.public_id == mine.public_id and theirs.repeated


async def test_a_failing_submission_fails_alone_and_the_next_batch_still_commits(
    sessions: sessionmaker[Session],
) -> None:
    intake = Intake(sessions)
    bad = NewSubmission(
        "x" * 300, None, {"email": "p@example.com"}, NOW
    )  # longer than the column on PostgreSQL
    good = await intake.record(item(1))
    outcome = await asyncio.gather(
        intake.record(NewSubmission("demo", None, {"bad": object()}, NOW)), return_exceptions=True
    )
    assert isinstance(outcome[0], Exception)  # not JSON: the commit fails and says so
    assert (await intake.record(item(2))).public_id != good.public_id
    del bad
