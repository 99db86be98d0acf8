"""The incident report of a recorded incident with known times: Marketo fails at 09:00 while the SMTP
relay and the team's chat are down, so the first word inside arrives at 09:03 (when the relay is back), not when it was
queued; Dana acknowledges at 09:05, misses the 09:15 promise, posts at 09:20 and resolves at 09:45.
Every figure, who was told when, the promises, the cost and the chart are what happened."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from standby.alerts import service as alerts
from standby.cli import main
from standby.incidents import service as incidents
from standby.incidents.models import Incident
from standby.recovery.reports import incident as reports
from tests.incidents.conftest import T0, World


def _at(world: World, minutes: float) -> None:
    world.clock.set(T0 + timedelta(minutes=minutes))


@pytest.fixture
def recorded(world: World) -> World:
    playbook = {**world.data["playbooks"][0], "impact": {"cost_per_hour": 600, "currency": "USD"}}
    world.edit_plan(playbooks=[playbook, *world.data["playbooks"][1:]])
    world.smtp.stop()  # the relay and the chat are down when Marketo fails
    world.hook.status = 500
    world.fail()
    world.at(0)
    world.smtp.start()
    world.hook.status = 200
    world.at(3)  # the relay is back: the queued messages are delivered now
    _at(world, 5)
    with world.sessions.begin() as session:
        alerts.acknowledge(
            session, alert_id=world.alert().id, person="dana", now=world.now, via="command line"
        )
    world.at(16)  # the first update was promised for 09:15: missed
    _at(world, 20)
    with world.sessions.begin() as session:
        incidents.update_incident(
            session,
            plan=world.plan,
            incident_id=1,
            know="Marketo's forms are down",
            dont_know="when they are back",
            actor="dana",
            now=world.now,
            next_by=world.now + timedelta(minutes=30),
        )
    world.at(20)
    _at(world, 40)
    world.check("ok", asset="vendor:marketo", check="statuspage", summary="Marketo is fine")
    world.at(40)
    _at(world, 45)
    with world.sessions.begin() as session:
        incidents.resolve_incident(
            session, plan=world.plan, incident_id=1, know="Marketo fixed it", actor="dana", now=world.now
        )
    world.at(45)
    return world


def _report(world: World) -> reports.IncidentReport:
    with world.sessions() as session:
        incident = session.get(Incident, 1)
        assert incident is not None
        return reports.build(session, incident, plan=world.plan, now=world.now)


def test_the_figures_are_the_recorded_times_from_delivered_messages(recorded: World) -> None:
    report = _report(recorded)
    facts = dict(report.facts)
    assert facts["Time to detect"] == "0 s"
    assert facts["Time to acknowledge"] == "5 min"
    assert facts["Time to first word inside"] == "3 min"  # delivered at 09:03, though queued at 09:00
    assert facts["Time to first word outside"] == "0 s"  # the status page showed it at once
    assert facts["Time to resolve"] == "45 min"
    assert facts["Outage lasted"] == "40 min"  # Marketo worked again at 09:40
    assert report.cost == "40 min × 600 USD an hour = 400 USD"
    assert [p[2:] for p in report.promises] == [
        ("09:15:00 EDT", "MISSED"),
        ("09:50:00 EDT", "kept at 09:45:00 EDT"),
    ]


def test_who_was_told_when_counts_deliveries(recorded: World) -> None:
    told = {t.name: t for t in _report(recorded).told}
    assert told["Dana Reyes"].first == "09:03:00 EDT (3 min after detection)"
    assert told["Sam Ortiz"].first.startswith("09:03:00 EDT") and told["Sam Ortiz"].how == "email"
    assert told["the sales audience"].how == "apprise"


def test_standby_incident_report_writes_markdown_and_its_chart(
    recorded: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = recorded.sessions.kw["bind"].url.render_as_string(hide_password=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(recorded.data))
    out = tmp_path / "incident-1.md"
    assert main(["incident", "report", "1", "--db", url, "--plan", str(plan), "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Incident #1: Problems with Marketo")
    assert "| Time to first word inside | 3 min |" in text and "![Timeline](incident-1-timeline.svg)" in text
    svg = (tmp_path / "incident-1-timeline.svg").read_text()
    assert svg.startswith("<?xml") and "<style>" in svg and "Dana Reyes acknowledged" in svg
    assert main(["incident", "report", "1", "--db", url, "--plan", str(plan), "--format", "html"]) == 0
    html = capsys.readouterr().out.split("\n", 1)[1]
    assert "<svg" in html and "src=" not in html and "<link" not in html
