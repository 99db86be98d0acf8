"""The plan's `drills:` section: rehearsals of a failure, run with `standby drill run ID`.

A drill names what fails and how (`scenario`), who takes part (`participants`: people or audiences;
nobody else hears anything), how long the failure lasts unless the team ends it sooner, where a dry
run's messages go instead of to people (`sink`), and optionally when it should be run again
(`schedule`, shown in the calendar feed and the runbook). Kept beside model.py, which imports it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from standby.plan.types import Duration

Failure = Literal["domain_lapse", "delegation_moved", "vendor_outage", "certificate_expired", "endpoint_down"]
# Which kind of asset each failure can happen to.
FAILURE_KINDS: dict[str, tuple[str, ...]] = {
    "domain_lapse": ("domain",),
    "delegation_moved": ("domain",),
    "vendor_outage": ("vendor",),
    "certificate_expired": ("certificate",),
    "endpoint_down": ("endpoint",),
}
Every = Literal["monthly", "quarterly", "twice-yearly", "yearly"]
MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "twice-yearly": 6, "yearly": 12}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scenario(_Model):
    asset: str = Field(description='the asset that fails, by id: "domain:acme.example", "vendor:marketo"')
    failure: Failure = Field(
        description="domain_lapse (parked like marketo.com), delegation_moved, vendor_outage, "
        "certificate_expired or endpoint_down"
    )


class Schedule(_Model):
    every: Every = Field(description="monthly, quarterly, twice-yearly or yearly")
    first: date = Field(description="the first date it is due (YYYY-MM-DD); later ones follow from it")

    def dates(self, after: date) -> Iterator[date]:
        """The due dates on or after `after`, in order (day of month clipped to short months)."""
        step, k = MONTHS[self.every], 0
        while True:
            month = self.first.month - 1 + k * step
            year = self.first.year + month // 12
            last = calendar.monthrange(year, month % 12 + 1)[1]
            due = date(year, month % 12 + 1, min(self.first.day, last))
            if due >= after:
                yield due
            k += 1


class Drill(_Model):
    id: str
    name: str | None = Field(None, description="what people call it; default: the id")
    scenario: Scenario
    participants: list[str] = Field(
        min_length=1, description="person and audience ids that take part; nobody else is told anything"
    )
    duration: Duration = Field(
        timedelta(hours=1), description="how long the failure lasts unless the team ends the drill sooner"
    )
    sink: list[str] = Field(
        default_factory=list,
        description="where a dry run's messages go instead of to people: email addresses or Apprise "
        "URLs; empty: they are only recorded",
    )
    schedule: Schedule | None = Field(None, description="when it is due again (calendar feed, runbook)")

    @property
    def title(self) -> str:
        return self.name or self.id
