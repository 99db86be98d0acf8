"""Several workers sharing one database: every message is sent once, whoever sends it."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from standby.channels.email import EmailSender
from standby.channels.models import DeliveryAttempt, Message
from standby.channels.outbox import deliver, enqueue
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.channels.conftest import T0, add_email, at
from tests.peers.smtp import SmtpPeer


def test_two_workers_delivering_at_once_send_every_message_exactly_once(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    for i in range(200):
        add_email(sessions, f"m{i}", to=f"person{i}@acme.example")

    def work(worker: str) -> None:
        while deliver(sessions, worker=worker, clock=at(T0), senders={"email": email_sender}, limit=5):
            pass

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(work, ["a", "b"]))

    subjects = Counter(m["Subject"] for m in smtp.messages)
    assert len(subjects) == 200
    assert set(subjects.values()) == {1}
    with sessions() as session:
        assert session.scalars(select(Message.state).distinct()).all() == ["sent"]
        by_worker = dict(
            session.execute(select(DeliveryAttempt.worker, func.count()).group_by("worker")).all()
        )
    assert sum(by_worker.values()) == 200
    assert set(by_worker) == {"a", "b"}, "both workers took a share"


def test_two_processes_enqueueing_the_same_key_at_once_make_one_message(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    sessions = session_factory(engine)
    fields = dict(
        topic="alert:42",
        recipient="dana",
        channel="email",
        address="dana@acme.example",
        subject="s",
        body="b",
    )
    first = sessions()
    first.begin()
    mine = enqueue(first, key="same", now=T0, **fields)  # inserted, not yet committed
    found: list[int] = []

    def other_process() -> None:
        # Sees no row yet, inserts, and waits on the unique index until the first commits.
        with sessions.begin() as session:
            found.append(enqueue(session, key="same", now=T0, **fields).id)

    racer = threading.Thread(target=other_process)
    racer.start()
    racer.join(0.3)
    assert racer.is_alive(), "the second insert should be waiting for the first transaction"
    first.commit()
    racer.join(5)
    first.close()
    assert found == [mine.id]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 1
    engine.dispose()
