"""Durations as people write them in the plan: `90s`, `15m`, `6h`, `30d`, `2w`."""

from __future__ import annotations

import functools
import re
from datetime import timedelta

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
PATTERN = r"^\s*(\d+(\.\d+)?(ms|s|m|h|d|w)\s*)+$"
# Ten years: longer than anything a plan waits for, and far inside what datetime arithmetic can hold
# (a lease or a reminder is `now + duration`; `99999999999d` would overflow it).
MAX = timedelta(days=3650)


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
