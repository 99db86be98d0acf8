"""Dates as WHOIS servers write them: ISO 8601, `02-Jan-2006`, `2006.01.02`, `02.01.2006`,
`2006/01/02`, `2006. 01. 02.`, `20060102`, `Sat Jan 02 15:04:05 2006`, `2nd January 2006`...

An explicit offset (`-0700`, `+02`, `(UTC+8)`, `(GMT+0:00)`, a well-known zone abbreviation) is
honoured; a time without a zone is UTC, as both reference parsers do. Day-first wins for
all-numeric dates (`05-06-2026` is 5 June): only the US writes month first, and when the
first number is over 12 the order is unambiguous anyway.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}

# Only abbreviations that mean one offset everywhere; CST, IST, BST... are ambiguous and read as UTC.
_ZONES = {
    "Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "WET": 0, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180,
    "MSK": 180, "JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "AEST": 600, "AEDT": 660,
    "NZST": 720, "NZDT": 780, "EST": -300, "EDT": -240, "PST": -480, "PDT": -420, "MST": -420,
    "MDT": -360, "CLT": -240, "CLST": -180, "BRT": -180,
}  # fmt: skip

_PAREN_OFFSET = re.compile(r"\((?:UTC|GMT)\s*([+-]\d{1,2})(?::?(\d{2}))?\)", re.I)
_TIME = re.compile(
    r"(?:\bat\s+|-?T|\s|^)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z\b|[+-]\d{2}(?::?\d{2})?\b|[A-Z]{2,4}\b(?![.-]))?"
)
_YMD = re.compile(r"(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{4})")
_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_D_MON_Y = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?[-\s]+([a-z]{3,9})\.?[-\s,]+(\d{4}|\d{2})(?!\d)", re.I
)
_Y_MON_D = re.compile(r"(\d{4})[-\s]([a-z]{3,9})[-\s](\d{1,2})(?!\d)", re.I)
_MON_D_Y = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", re.I)


def parse_whois_date(text: str) -> datetime | None:
    """The instant a WHOIS date value names (aware UTC), or None when it names none."""
    if re.search(r"\bbefore\b", text, re.I):  # SWITCH, Nominet: "before Aug-1996" is a bound, not a date
        return None
    rest, offset = _offset_in_parentheses(text.strip())
    rest = re.sub(r"\(([A-Z]{2,5})\)", r" \1", rest)  # "01:05:57 (JST)"
    rest = re.sub(r"\([^)]*\)|#.*$", " ", rest)
    clock = (0, 0, 0, 0)
    time = _TIME.search(rest)
    if time:
        hour, minute, second, fraction, zone = time.groups()
        clock = (int(hour), int(minute), int(second or 0), int((fraction or "0")[:6].ljust(6, "0")))
        offset = _zone_offset(zone) if zone else offset
        rest = rest[: time.start()] + " " + rest[time.end() :]
    day = _calendar_day(rest)
    if day is None:
        return None
    try:
        local = datetime(*day, *clock, tzinfo=timezone(timedelta(minutes=offset)))
    except ValueError:
        return None
    return local.astimezone(UTC)


def _offset_in_parentheses(text: str) -> tuple[str, int]:
    found = _PAREN_OFFSET.search(text)
    if not found:
        return text, 0
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    sign = -1 if hours < 0 or found.group(1).startswith("-") else 1
    return text[: found.start()] + text[found.end() :], sign * (abs(hours) * 60 + minutes)


def _zone_offset(zone: str) -> int:
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        return -minutes if zone[0] == "-" else minutes
    return _ZONES.get(zone.upper(), 0)


def _calendar_day(text: str) -> tuple[int, int, int] | None:
    if found := _YMD.search(text):
        year, month, day = int(found.group(1)), int(found.group(3)), int(found.group(4))
    elif found := _DMY.search(text):
        day, month, year = int(found.group(1)), int(found.group(3)), int(found.group(4))
        if month > 12 >= day:
            day, month = month, day
    elif found := _COMPACT.search(text):
        year, month, day = (int(g) for g in found.groups())
    elif found := _Y_MON_D.search(text):
        year, month, day = int(found.group(1)), _month(found.group(2)), int(found.group(3))
    elif found := _D_MON_Y.search(text):
        day, month, year = int(found.group(1)), _month(found.group(2)), _year(found.group(3))
    elif found := _MON_D_Y.search(text):
        month, day, year = _month(found.group(1)), int(found.group(2)), int(found.group(3))
    else:
        return None
    return (year, month, day) if 1900 <= year <= 2999 and month else None


def _month(name: str) -> int:
    return _MONTHS.get(name[:3].lower(), 0)


def _year(digits: str) -> int:
    year = int(digits)
    return year + (2000 if year < 70 else 1900) if year < 100 else year
