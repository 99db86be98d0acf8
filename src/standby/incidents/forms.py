"""The web's incident forms as people fill them: plain text kept exactly as typed (a mistake re-renders
the form with it), and checked here in the web's words before the service checks the rest."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from standby.core.errors import StandbyError
from standby.core.timetext import TooLong, at, parse_duration

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})$")
RECENTLY = timedelta(hours=12)  # a time of day passed less long ago than this was meant for today


class FormError(StandbyError):
    """A field a person must fix; shown above the form, which keeps what they typed."""


@dataclass(frozen=True)
class UpdateForm:
    know: str = ""
    dont_know: str = ""
    meanwhile: str = ""
    public: str = ""  # what outsiders read once published; prefilled from the playbook
    next: str = ""
    state: str = ""
    publish: bool = False
    action: str = "post"  # post | preview


@dataclass(frozen=True)
class ResolveForm:
    know: str = ""
    public: str = ""
    publish: bool = False
    action: str = "post"


@dataclass(frozen=True)
class OpenForm:
    title: str = ""
    systems: tuple[str, ...] = ()
    severity: str = ""
    lead: str = ""


def update_form(values: Mapping[str, str]) -> UpdateForm:
    return UpdateForm(**_texts(UpdateForm, values), publish="publish" in values)


def resolve_form(values: Mapping[str, str]) -> ResolveForm:
    return ResolveForm(**_texts(ResolveForm, values), publish="publish" in values)


def open_form(values: Mapping[str, str], systems: list[str]) -> OpenForm:
    return OpenForm(**_texts(OpenForm, values), systems=tuple(systems))


def _texts(form: type, values: Mapping[str, str]) -> dict[str, str]:
    texts = {f.name for f in fields(form) if isinstance(f.default, str)}
    # NUL is never part of what a person means, and PostgreSQL refuses to store it.
    return {k: v.replace("\x00", "") for k, v in values.items() if k in texts}


def need(text: str, message: str) -> str:
    if not text.strip():
        raise FormError(message)
    return text


def next_time(text: str, *, now: datetime, tz: str) -> datetime:
    """When the next update is promised: a duration from now (`30m`, `1h30m`), a time of day in the
    plan's time zone (`10:30`: its next occurrence) or a date and time (`2025-06-03 10:30`)."""
    text = need(text, "Promise the next update: a duration like 30m, or a time like 10:30.").strip()
    zone = ZoneInfo(tz)
    if (moment := _MOMENT.match(text)) is not None:
        try:
            found = datetime.fromisoformat(f"{moment.group(1)} {moment.group(2).zfill(5)}")
        except ValueError:
            raise FormError(f"{text!r} is not a date and time; write it like 2025-06-03 10:30") from None
        return _future(found.replace(tzinfo=zone), text, now=now, tz=tz)
    if (clock := _TIME.match(text)) is not None:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        if hour > 23 or minute > 59:
            raise FormError(f"{text!r} is not a time of day; write it like 10:30")
        today = now.astimezone(zone).date()
        found = datetime.combine(today, time(hour, minute), tzinfo=zone)
        if found <= now:
            if now - found < RECENTLY:
                raise FormError(
                    f"{text} has passed today (it is {at(now, tz)}); write a later time, "
                    f"or tomorrow's date and time ({today + timedelta(days=1)} {text})"
                )
            found += timedelta(days=1)  # "00:15" written at 23:50 means after midnight
        return found
    try:
        delta = parse_duration(text)
    except TooLong:
        raise FormError(f"{text!r} is further away than any promise can be; write e.g. 30m") from None
    except ValueError:
        raise FormError(
            f"{text!r} is neither a duration (30m, 1h) nor a time (10:30, or 2025-06-03 10:30)"
        ) from None
    try:
        return _future(now + delta, text, now=now, tz=tz)
    except OverflowError:
        raise FormError(f"{text!r} is further away than any promise can be; write e.g. 30m") from None


def _future(moment: datetime, text: str, *, now: datetime, tz: str) -> datetime:
    if moment <= now:
        raise FormError(f"The next update must be promised for a time still to come ({text!r} is not).")
    return moment
