"""Reads too costly to repeat on every request — a 25,000-asset plan's order, which the dashboard and the
API draw once a second each — kept for a moment.

A value is reused while it is young: for at most REUSE times what computing it cost, so that
recomputing takes no more than a tenth of the time however often pages are asked for. A cheap value
(under CHEAP seconds: any plan of a few thousand assets) is also dropped at this process's next
committed write (store/db.py `writes`), so a small plan's pages always show the last recording; a
costly one is kept across writes, for at most REUSE × its cost (a second or two at 25,000 assets,
where a py-spy profile put one ordering at ~0.12 s). Writes by another process (PostgreSQL workers,
`serve --no-web`) are seen when the value ages out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple, TypeVar, cast

from standby.store.db import writes

T = TypeVar("T")
REUSE = 10
CHEAP = 0.05  # seconds


class _Kept(NamedTuple):
    among: Any
    writes: int
    at: float
    cost: float
    value: Any


_kept: dict[Hashable, _Kept] = {}


def kept(
    key: Hashable, compute: Callable[[], T], *, among: object, clock: Callable[[], float] = time.monotonic
) -> T:
    """`compute()`, or the value it gave for `key` a moment ago if `among` (what it depends on besides
    the store: the running plan) is the same object and the value is still young (see above)."""
    now, written = clock(), writes()
    held = _kept.get(key)
    young = held is not None and held.among is among and now - held.at < REUSE * held.cost
    if held is not None and young and (held.writes == written or held.cost >= CHEAP):
        return cast(T, held.value)
    value = compute()
    _kept[key] = _Kept(among, written, now, clock() - now, value)  # two requests may both compute: fine
    return value
