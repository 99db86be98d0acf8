"""When something runs on a calendar rather than at an interval: `hourly :15`, `daily 02:00`,
`weekly sunday 03:30` — in the plan's time zone, so "02:00" stays 02:00 across daylight saving time.

A schedule has *slots*: the times it is meant to run. `last_slot(now)` is the latest at or before now
(what a run that starts now is for), `next_slot(now)` the first after it. A wall-clock time skipped by
a daylight-saving jump runs at the first real time after it; one that happens twice runs once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FORMS = re.compile(
    r"^(?:(?P<hourly>hourly)(?:\s+(?:at\s+)?:(?P<minute>\d{2}))?"
    r"|(?P<daily>daily)\s+(?P<d_time>\d{1,2}:\d{2})"
    r"|(?P<weekly>weekly)\s+(?P<day>[a-z]+)\s+(?P<w_time>\d{1,2}:\d{2}))$"
)
EXAMPLES = ("daily 02:00", "hourly :15", "weekly sunday 03:30")


@dataclass(frozen=True)
class Schedule:
    every: Literal["hourly", "daily", "weekly"]
    hour: int = 0
    minute: int = 0
    weekday: int = 0  # Monday is 0, as datetime.weekday()

    @property
    def period(self) -> timedelta:
        return {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}[
            self.every
        ]

    def __str__(self) -> str:
        if self.every == "hourly":
            return f"hourly :{self.minute:02d}"
        clock = f"{self.hour:02d}:{self.minute:02d}"
        return f"daily {clock}" if self.every == "daily" else f"weekly {DAYS[self.weekday]} {clock}"

    def last_slot(self, now: datetime, tz: str) -> datetime:
        """The latest slot at or before `now` (UTC)."""
        slot = self._slot(now, tz, 0)
        return slot if slot <= now else self._slot(now, tz, -1)

    def next_slot(self, now: datetime, tz: str) -> datetime:
        """The first slot after `now` (UTC)."""
        slot = self._slot(now, tz, 0)
        return slot if slot > now else self._slot(now, tz, 1)

    def _slot(self, when: datetime, tz: str, shift: int) -> datetime:
        """The slot of the period `when` falls in (it may lie after `when`), or of the one `shift` away."""
        zone = ZoneInfo(tz)
        local = when.astimezone(zone)
        if self.every == "hourly":
            hour = local.replace(minute=0, second=0, microsecond=0, tzinfo=None) + timedelta(hours=shift)
            return _wall(hour.replace(minute=self.minute), zone)
        day = local.date() + timedelta(days=shift * (7 if self.every == "weekly" else 1))
        if self.every == "weekly":
            day -= timedelta(days=(day.weekday() - self.weekday) % 7)
        return _wall(datetime.combine(day, time(self.hour, self.minute)), zone)


def _wall(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` as UTC: the earlier of a repeated hour; past a skipped one."""
    # fold=0 is the first of a repeated hour; for a skipped one it reads the time with the offset from
    # before the jump, which lands that far past the jump (02:30 skipped → 03:30).
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def parse_schedule(text: str) -> Schedule:
    found = _FORMS.match(" ".join(text.strip().lower().split()))
    if found is None:
        raise ValueError(f"{text!r} is not a schedule; write one like {', '.join(EXAMPLES)}")
    if found["hourly"]:
        minute = int(found["minute"] or 0)
        if minute > 59:
            raise ValueError(f"{text!r}: the minute must be 00 to 59")
        return Schedule("hourly", minute=minute)
    hour, _, minute_text = (found["d_time"] or found["w_time"]).partition(":")
    if int(hour) > 23 or int(minute_text) > 59:
        raise ValueError(f"{text!r}: write the time as HH:MM, 00:00 to 23:59")
    if found["daily"]:
        return Schedule("daily", int(hour), int(minute_text))
    day = found["day"]
    matches = [i for i, name in enumerate(DAYS) if name.startswith(day) and len(day) >= 3]
    if len(matches) != 1:
        raise ValueError(f"{text!r}: {day!r} is not a day of the week (monday ... sunday)")
    return Schedule("weekly", int(hour), int(minute_text), matches[0])


def _schedule(value: Any) -> Any:
    if isinstance(value, str):
        return parse_schedule(value)
    if not isinstance(value, Schedule):
        raise ValueError(f"write the schedule as a string like {EXAMPLES[0]!r}")
    return value


ScheduleText = Annotated[
    Schedule,
    BeforeValidator(_schedule),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": list(EXAMPLES)}),
]
