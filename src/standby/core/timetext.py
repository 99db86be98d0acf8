"""How Standby writes time, one style per audience.

- Compact, for the plan file, logs and the command line: `90s`, `6h`, `1h30m` (`parse_duration` reads
  it back, `format_duration` writes the shortest exact spelling).
- Words, for people (messages, pages, timelines): `42 min`, `3 h 5 min`, `1 day`, `14 days`
  (`words`, `ago`), and instants as `2025-06-01 09:30 EDT` in the plan's time zone (`at`).
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
PATTERN = r"^\s*(\d+(\.\d+)?(ms|s|m|h|d|w)\s*)+$"
# Ten years: longer than anything a plan waits for, and far inside what datetime arithmetic can hold
# (a lease or a reminder is `now + duration`; `99999999999d` would overflow it).
MAX = timedelta(days=3650)
_DAY = 24 * 60  # minutes


class TooLong(ValueError):
    """A well-formed duration beyond `MAX`."""


@functools.lru_cache(maxsize=1024)  # a large plan spells the same few durations thousands of times
def parse_duration(text: str) -> timedelta:
    """Parse `1h30m` style durations; raise ValueError saying what a valid one looks like."""
    compact = text.replace(" ", "").lower()
    pos, seconds = 0, 0.0
    for match in _PART.finditer(compact):
        if match.start() != pos:
            break
        seconds += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if not compact or pos != len(compact):
        raise ValueError(f"{text!r} is not a duration; write a number and a unit, like 90s, 15m, 6h or 30d")
    if seconds > MAX.total_seconds():
        raise TooLong(f"{text!r} is longer than {MAX.days}d, the longest duration a plan may give")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """The shortest exact spelling: 30d, 6h, 90s, 1h30m."""
    total = int(delta.total_seconds())
    if total == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def words(delta: timedelta, *, seconds: bool = False) -> str:
    """How long, for people, to the minute: `42 min`, `3 h 5 min`, `1 day`, `14 days`.

    Whole days read as days; anything else as hours and minutes below two days, then as days rounded
    down. With `seconds`, under a minute reads to the second (`12 s`), where "within seconds" is judged.
    """
    total = max(0, int(delta.total_seconds()))
    if seconds and total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    days, rest = divmod(minutes, _DAY)
    if not rest or minutes >= 2 * _DAY:
        return f"{days} day{'s' if days != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def ago(delta: timedelta) -> str:
    return "just now" if delta < timedelta(minutes=1) else f"{words(delta)} ago"


def at(when: datetime, tz: str) -> str:
    """`2025-06-01 09:30 EDT`: unambiguous wherever the reader is."""
    return when.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")
