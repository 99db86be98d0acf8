"""SQLite transactions take the write lock when they begin (store/db.py): a second one opened by a
thread that holds one would wait for itself until the busy timeout. It is refused at once instead."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from standby.store.db import NestedTransaction, make_engine, session_factory


def test_a_second_transaction_in_the_thread_that_holds_one_is_refused_at_once(tmp_path: Path) -> None:
    sessions = session_factory(make_engine(f"sqlite:///{tmp_path / 'standby.db'}"))
    with sessions.begin() as outer:
        outer.execute(text("SELECT 1"))
        with pytest.raises(NestedTransaction, match="pass the open session down"), sessions() as inner:
            inner.execute(text("SELECT 1"))
    with sessions.begin() as after:  # the first one ended: the next is fine
        assert after.execute(text("SELECT 1")).scalar() == 1


def test_other_threads_wait_for_the_lock_as_before(tmp_path: Path) -> None:
    sessions = session_factory(make_engine(f"sqlite:///{tmp_path / 'standby.db'}"))
    seen: list[int] = []

    def other() -> None:
        with sessions.begin() as session:
            seen.append(session.execute(text("SELECT 2")).scalar_one())

    with sessions.begin() as outer:
        outer.execute(text("SELECT 1"))
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(0.2)
        assert thread.is_alive()  # waiting for the write lock, not refused
    thread.join(10)
    assert seen == [2]
