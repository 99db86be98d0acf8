"""UTC offsets of the time-zone abbreviations WHOIS servers write (`10:02 WAT`, `00:00:00 EEST`).

The table (data/zone_abbreviations.json) is generated from the IANA tz database by
scripts/zone_abbreviations.py: an abbreviation is honoured when tzdb gives it one offset at the time in
question (MSK was UTC+4 from 2011 to 2014, UTC+3 before and after). Ambiguous ones (CST: US central,
China or Cuba; IST: India, Ireland or Israel; PST: Pacific or Philippine) and unknown ones give None:
the time is then read as UTC, at most 14 hours off; the expiry line itself is kept on the record.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

_UTC_NAMES = frozenset({"Z", "UT", "UTC", "GMT"})


@cache
def _table() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data", "zone_abbreviations.json").read_text("utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


def zone_offset(name: str, on: date) -> int | None:
    """Minutes east of UTC that `name` meant on `on`, or None when tzdb does not settle it."""
    upper = name.upper()
    if upper in _UTC_NAMES:
        return 0
    table = _table()
    if upper in table["fixed"]:
        return int(table["fixed"][upper])
    periods = table["periods"].get(upper)
    if not periods:
        return None
    day = on.isoformat()
    # Periods are sampled weekly: a date in the gap between two belongs to the earlier one.
    started = [offset for first, _, offset in periods if first <= day] or [periods[0][2]]
    return int(started[-1])
