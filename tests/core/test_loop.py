"""The event loop the probe processes run on: uvloop unless STANDBY_EVENT_LOOP=asyncio; a value it does
not know is said, not silently taken."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref

import pytest
import uvloop

from standby.core.loop import LARGE, loop_factory, run, settle_heap


async def _kind() -> type[asyncio.AbstractEventLoop]:
    return type(asyncio.get_running_loop())


def test_uvloop_by_default_and_asyncio_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STANDBY_EVENT_LOOP", raising=False)
    assert issubclass(run(_kind()), uvloop.Loop)
    monkeypatch.setenv("STANDBY_EVENT_LOOP", "asyncio")
    assert loop_factory() is None and not issubclass(run(_kind()), uvloop.Loop)


def test_an_unknown_value_is_reported_and_uvloop_used(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("STANDBY_EVENT_LOOP", "tokio")
    with caplog.at_level(logging.WARNING, logger="standby.engine"):
        assert loop_factory() is uvloop.new_event_loop
    assert "STANDBY_EVENT_LOOP='tokio' is neither 'asyncio' nor 'uvloop'" in caplog.text


def test_settling_the_heap_freezes_what_lives_and_still_collects_an_old_plans_cycles() -> None:
    class Node:
        other: object = None

    try:
        settle_heap(LARGE - 1)  # a small plan: not worth a collection
        assert gc.get_freeze_count() == 0
        settle_heap(LARGE)
        assert gc.get_freeze_count() > 0
        old = Node()
        old.other = Node()
        old.other.other = old  # a cycle: only a collection frees it
        settle_heap(LARGE)  # frozen now, with everything else
        probe = weakref.ref(old)
        del old
        settle_heap(LARGE)  # the next plan: unfrozen, collected
        assert probe() is None
    finally:
        gc.unfreeze()
