"""The plan's drills: what validate refuses and warns about, due dates by schedule (month ends kept
sensible), and the scheduled drills in the calendar feed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from icalendar import Calendar

from standby.cli import main
from standby.plan.drills import Schedule
from tests.web.signin import Site, clock, site, sqlite_sessions

__all__ = ["clock", "site", "sqlite_sessions"]
DRILL = {
    "id": "lapse",
    "name": "acme.example lapses",
    "scenario": {"asset": "domain:acme.example", "failure": "domain_lapse"},
    "participants": ["dana"],
    "schedule": {"every": "quarterly", "first": "2025-01-15"},
}


def test_due_dates_follow_the_schedule_and_clip_to_short_months() -> None:
    monthly = Schedule.model_validate({"every": "monthly", "first": "2025-01-31"})
    found = monthly.dates(date(2025, 1, 1))
    assert [next(found) for _ in range(4)] == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
    ]
    twice = Schedule.model_validate({"every": "twice-yearly", "first": "2025-03-01"})
    assert next(twice.dates(date(2025, 3, 2))) == date(2025, 9, 1)


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], **drill: Any) -> tuple[int, str]:
    data = {
        "version": 1,
        "organization": "Acme",
        "people": [{"id": "dana", "email": "dana@acme.example"}],
        "domains": [{"name": "acme.example", "owner": "dana"}],
        "vendors": [{"id": "marketo", "owner": "dana"}],
        "drills": [{**DRILL, **drill}],
    }
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data))
    code = main(["validate", str(path)])
    return code, capsys.readouterr().err


def test_validate_refuses_a_drill_that_cannot_happen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _validate(tmp_path, capsys, scenario={"asset": "vendor:marketo", "failure": "domain_lapse"})
    assert (
        code == 1
        and "drills[0].scenario.asset: domain_lapse happens to a domain, not to vendor:marketo" in err
    )
    code, err = _validate(tmp_path, capsys, participants=["dnaa"])
    assert code == 1 and "unknown person or audience 'dnaa' (did you mean 'dana'?)" in err
    code, err = _validate(tmp_path, capsys, sink=["drills@acme-alerts.example"])
    assert code == 1 and "an email sink needs settings.email" in err
    code, err = _validate(
        tmp_path, capsys, scenario={"asset": "domain:acme.exmple", "failure": "domain_lapse"}
    )
    assert code == 1 and "unknown asset 'domain:acme.exmple' (did you mean 'domain:acme.example'?)" in err


def test_validate_warns_when_the_asset_has_no_playbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _validate(tmp_path, capsys)
    assert code == 0 and "rehearses only its chain of responsibility" in err


def test_scheduled_drills_are_in_the_calendar_feed_for_the_next_year(site: Site) -> None:
    site.data = {**site.data, "drills": [DRILL]}
    site.edit_settings()
    token = site.token("calendar", role="viewer", calendar=True)
    reply = site.client().get("/calendar.ics", params={"token": token})
    calendar = Calendar.from_ical(reply.content)
    drills = sorted(
        (e.decoded("dtstart"), str(e["summary"]))
        for e in calendar.walk("VEVENT")
        if "Drill" in str(e["summary"])
    )
    # T0 is 2025-06-02: the quarterly dates from 2025-01-15 within a year
    assert drills == [
        (date(2025, 7, 15), "Drill: acme.example lapses"),
        (date(2025, 10, 15), "Drill: acme.example lapses"),
        (date(2026, 1, 15), "Drill: acme.example lapses"),
        (date(2026, 4, 15), "Drill: acme.example lapses"),
    ]
    description = next(str(e["description"]) for e in calendar.walk("VEVENT") if "Drill" in str(e["summary"]))
    assert "standby drill run lapse" in description and "Participants: Dana Reyes" in description
