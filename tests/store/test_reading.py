"""`reading()` (store/db.py): a page that reads thousands of rows holds no write lock, so the engine's
recording goes on meanwhile; and the process counts its committed writes (`writes`) for store/kept.py."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from standby.store.db import make_engine, reading, session_factory, writes


def test_a_reading_transaction_lets_another_connection_write_meanwhile(tmp_path: Path) -> None:
    sessions = session_factory(make_engine(f"sqlite:///{tmp_path / 'standby.db'}"))
    with sessions.begin() as setup:
        setup.execute(text("CREATE TABLE t (n INTEGER)"))
    wrote = threading.Event()

    def write() -> None:
        with sessions.begin() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
        wrote.set()

    with reading(), sessions.begin() as page:
        assert page.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
        writer = threading.Thread(target=write)
        writer.start()
        assert wrote.wait(10)  # not held up by the page's transaction
        assert page.execute(text("SELECT count(*) FROM t")).scalar_one() == 0  # its snapshot
    writer.join()
    with sessions.begin() as after:
        assert after.execute(text("SELECT count(*) FROM t")).scalar_one() == 1


def test_writes_counts_commits_that_changed_something_not_reads(tmp_path: Path) -> None:
    sessions = session_factory(make_engine(f"sqlite:///{tmp_path / 'standby.db'}"))
    with sessions.begin() as setup:
        setup.execute(text("CREATE TABLE t (n INTEGER)"))
        setup.execute(text("INSERT INTO t VALUES (1)"))
    before = writes()
    with sessions.begin() as session:
        session.execute(text("SELECT n FROM t"))
    assert writes() == before
    with sessions.begin() as session:
        session.execute(text("UPDATE t SET n = 2"))
    assert writes() != before
