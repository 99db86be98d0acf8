"""Dates as WHOIS servers write them, read with the whole answer as context.

Layouts: ISO 8601, `02-Jan-2006`, `2006.01.02`, `02.01.2006`, `2006/01/02`, `2006. 01. 02.`,
`20060102`, `20060102150405` (in a status: `OK-UNTIL 20131218000000`), `Sat Jan 02 15:04:05 2006`,
`2nd January 2006`, `21-March-2015`, `16/09/14`...

Day or month first: a numeric date such as `05/06/2026` is ambiguous on its own. A label that states
its format (`Creation Date (dd/mm/yyyy):`) settles it; otherwise `answer_order` looks at every numeric
date in the answer: one that can only be day-first (`18/12/2001`) or only month-first
(`12/18/2001`) settles the order for all of them; if the answer has both, nothing is settled. Next comes
the registry's known convention (`CONVENTIONS`), then the separator: dotted dates are day-first
everywhere they are written. Otherwise the date is ambiguous and `read_date` returns both readings,
earlier first; the caller reports both and never silently picks one.

Two-digit years follow POSIX `strptime`'s pivot: 00-68 are 2000-2068, 69-99 are 1969-1999. A two-digit
year is read only in the last position (`16/09/14`, `29-APR-09`).

An explicit offset (`-0700`, `+02`, `(UTC+8)`, `(GMT+0:00)`) is honoured, and so is a zone abbreviation
whose offset tzdb settles (whois_zones.py); a time without a zone, or with an ambiguous one, is UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal

from standby.probes.registration.whois_zones import zone_offset

Order = Literal["dmy", "mdy"]
PIVOT = 69  # two-digit years below are 20xx, from it on 19xx (POSIX strptime %y)

# Registries whose numeric dates are known to be in one order even when an answer alone cannot tell.
# Each is backed by one of the registry's own answers in the corpus where a day over 12 settles it.
CONVENTIONS: dict[str, Order] = {
    "tk": "mdy",  # Freenom: "Domain registered: 12/18/2001" (weppos whois.dot.tk status_registered)
    "bg": "dmy",  # Register.bg: "expires at: 30/06/2014" (weppos whois.register.bg status_registered)
    "es": "dmy",  # Red.es: "Creation Date: 16/09/03", "LAST UPDATE: 10/10/2013"
    # ISOC-IL: "validity: 05-06-2026" for google.co.il, first "(Assigned)" on 19990605 (python-whois)
    "il": "dmy",
    "hk": "dmy",  # HKIRC: "Expiry Date: 31-03-2020" (likexian hk_google.hk)
    # Freenom runs .tk, .ml, .ga, .cf and .gq with one WHOIS server: "Domain registered: 03/27/2013"
    # (php-whois cf_google.cf)
    **dict.fromkeys(("ml", "ga", "cf", "gq"), "mdy"),
    # AFNIC (.fr and the overseas TLDs it runs): "Expiry Date: 30/12/2017" (weppos whois.nic.fr
    # status_registered), "Expiry Date: 31/12/2017" (its .pm, .re, .wf, .yt answers)
    **dict.fromkeys(("fr", "pm", "re", "tf", "wf", "yt"), "dmy"),
    "pt": "dmy",  # DNS.PT: "Creation Date: 30/10/2002" (python-whois sapo.pt)
    "ug": "dmy",  # UG Registry: "Updated: 13/02/2008 09:35:15 EAT" (weppos whois.co.ug status_registered)
    "hm": "dmy",  # HMNIC: "Domain creation date: 28/04/2003" (weppos whois.registry.hm status_registered)
    "nl": "dmy",  # SIDN: "Date registered: 27-05-1999" (weppos whois.domain-registry.nl status_registered)
    "im": "dmy",  # Isle of Man: "Expiry Date: 15/08/2026 23:59:40" (flipbit whois.nic.im found google.im)
}

# A label's own format text: `Creation Date (dd/mm/yyyy):`, `Expiry (MM.DD.YYYY)`.
_FORMAT_TEXT = re.compile(r"\(\s*(dd|mm)\s*[/.-]\s*(?:dd|mm)\s*[/.-]\s*(?:yyyy|yy)\s*\)", re.I)
# Words on a line that name a date of the record (any language the corpus has).
_DATE_WORDS = re.compile(
    r"date|creat|expir|regist|updat|chang|modif|valid|renew|paid|activ|until|till|since|assigned|"
    r"fecha|data|datum|dato|vencim|scaden|échéance|expira|commencement|\bon\b",
    re.I,
)
_NEVER = (9999, 12, 31)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}

_PAREN_OFFSET = re.compile(r"\((?:UTC|GMT)\s*([+-]\d{1,2})(?::?(\d{2}))?\)", re.I)
_TIME = re.compile(
    r"(?:\bat\s+|-?T|\s|/|^)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z\b|[+-]\d{2}(?::?\d{2})?\b|[A-Z]{2,5}\b(?![.-]))?"
)
_YMD = re.compile(r"(?<!\d)(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
# Day and month in either order, then a four- or two-digit year (never the first: `16/09/14` is no yy/mm/dd).
_NUMERIC = re.compile(r"(?<![\d.:])(\d{1,2})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?!\d|\.\d)")
_STAMP = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?(?!\d)")
_D_MON_Y = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?[-\s]+([a-z]{3,9})\.?[-\s,]+(\d{4}|\d{2})(?!\d)", re.I
)
_Y_MON_D = re.compile(r"(\d{4})[-\s]([a-z]{3,9})[-\s](\d{1,2})(?!\d)", re.I)
_MON_D_Y = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", re.I)


def answer_order(text: str, tld: str | None = None) -> Order | None:
    """The day/month order the answer states in a label (`Expiration Date (dd/mm/yyyy):`), else the one its
    own numeric dates settle, else the registry's convention."""
    stated = {"dmy" if found.group(1).lower() == "dd" else "mdy" for found in _FORMAT_TEXT.finditer(text)}
    if len(stated) == 1:
        return "dmy" if "dmy" in stated else "mdy"
    day_first = month_first = False
    for found in _answer_dates(text):
        first, second = int(found.group(1)), int(found.group(3))
        day_first |= first > 12 >= second
        month_first |= second > 12 >= first
    if day_first != month_first:
        return "dmy" if day_first else "mdy"
    return None if day_first else CONVENTIONS.get(tld or "")


def _answer_dates(text: str) -> list[re.Match[str]]:
    """The answer's numeric dates: on a line that names a date (`Expiry date: 05-06-2027`) or holds
    nothing else, never a phone number (`82-10-6485-1888`) or a street address (`3-18-10 AKASAKA`)."""
    dates = []
    for line in text.splitlines():
        for found in _NUMERIC.finditer(line):
            before, after = line[: found.start()], line[found.end() :]
            if after.startswith(("-", "/")) or re.search(r"[+\d-]\s*$", before):
                continue  # part of a longer number
            year = int(found.group(4))
            if len(found.group(4)) == 4 and not 1900 <= year <= 2999:
                continue
            if _DATE_WORDS.search(before) or not re.sub(r"[\W\d_]|[TZ]\b", "", before + after).strip():
                dates.append(found)
    return dates


def read_date(text: str, order: Order | None = None) -> tuple[datetime, ...]:
    """The instants a WHOIS date value can name (aware UTC): none, one, or two when the day and the
    month could be either way round and `order` does not say (earlier first)."""
    if re.search(r"\bbefore\b", text, re.I):  # SWITCH, Nominet: "before Aug-1996" is a bound, not a date
        return ()
    rest, offset = _offset_in_parentheses(text.strip())
    rest = re.sub(r"\(([A-Z]{2,5})\)", r" \1", rest)  # "01:05:57 (JST)"
    rest = re.sub(r"\([^)]*\)|#.*$", " ", rest)
    rest = re.sub(r"T(\d{2})-(\d{2})-(\d{2})", r"T\1:\2:\3", rest)  # EuroDNS: 2014-09-04T00-00-00Z
    if stamp := _STAMP.search(rest):
        return _instants([_stamp_day(stamp)], _stamp_clock(stamp), 0)
    clock, zone = (0, 0, 0, 0), None
    if time := _TIME.search(rest):
        hour, minute, second, fraction, zone = time.groups()
        clock = (int(hour), int(minute), int(second or 0), int((fraction or "0")[:6].ljust(6, "0")))
        rest = rest[: time.start()] + " " + rest[time.end() :]
    days = _calendar_days(rest, order)
    if zone and days:
        offset = _zone_minutes(zone, days[0])
    return _instants(days, clock, offset)


def parse_whois_date(text: str, order: Order | None = None) -> datetime | None:
    """The one instant a WHOIS date value names, or None (no date, or an ambiguous one)."""
    readings = read_date(text, order)
    return readings[0] if len(readings) == 1 else None


def _instants(days: list[tuple[int, int, int]], clock: tuple[int, int, int, int], offset: int
              ) -> tuple[datetime, ...]:  # fmt: skip
    zone = timezone(timedelta(minutes=offset))
    out = set()
    for day in days:
        try:
            out.add(datetime(*day, *clock, tzinfo=zone).astimezone(UTC))
        except ValueError:
            continue
    return tuple(sorted(out))


def _offset_in_parentheses(text: str) -> tuple[str, int]:
    found = _PAREN_OFFSET.search(text)
    if not found:
        return text, 0
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    sign = -1 if hours < 0 or found.group(1).startswith("-") else 1
    return text[: found.start()] + text[found.end() :], sign * (abs(hours) * 60 + minutes)


def _zone_minutes(zone: str, day: tuple[int, int, int]) -> int:
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        return -minutes if zone[0] == "-" else minutes
    try:
        on = date(*day)
    except ValueError:
        return 0
    return zone_offset(zone, on) or 0


def _stamp_day(found: re.Match[str]) -> tuple[int, int, int]:
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def _stamp_clock(found: re.Match[str]) -> tuple[int, int, int, int]:
    if found.group(4) is None:
        return (0, 0, 0, 0)
    return int(found.group(4)), int(found.group(5)), int(found.group(6)), 0


def _calendar_days(text: str, order: Order | None) -> list[tuple[int, int, int]]:
    if found := _YMD.search(text):
        days = [(int(found.group(1)), int(found.group(3)), int(found.group(4)))]
    elif found := _NUMERIC.search(text):
        days = _numeric_days(found, order)
    elif found := _Y_MON_D.search(text):
        days = [(int(found.group(1)), _month(found.group(2)), int(found.group(3)))]
    elif found := _D_MON_Y.search(text):
        days = [(_year(found.group(3)), _month(found.group(2)), int(found.group(1)))]
    elif found := _MON_D_Y.search(text):
        days = [(int(found.group(3)), _month(found.group(1)), int(found.group(2)))]
    else:
        return []
    # 9999-12-31 is the end of the calendar, a registry's "never expires" (KISA: `Expiration Date :
    # 9999. 12. 31.` for dns.kr): read as written. Other years past 2999 are no dates.
    return [(y, m, d) for y, m, d in days if 1 <= m <= 12 and (1900 <= y <= 2999 or (y, m, d) == _NEVER)]


def _numeric_days(found: re.Match[str], order: Order | None) -> list[tuple[int, int, int]]:
    first, second, year = int(found.group(1)), int(found.group(3)), _year(found.group(4))
    day_first, month_first = (year, second, first), (year, first, second)
    if first > 12 or second > 12 or first == second:
        return [day_first if first > 12 or first == second else month_first]
    if order is None and found.group(2) == ".":
        order = "dmy"  # dotted numeric dates are day-first wherever they are written
    if order is not None:
        return [day_first if order == "dmy" else month_first]
    return [day_first, month_first]


def _month(name: str) -> int:
    return _MONTHS.get(name[:3].lower(), 0)


def _year(digits: str) -> int:
    year = int(digits)
    if len(digits) > 2:
        return year
    return year + (2000 if year < PIVOT else 1900)
