"""Plan B in the incident report: Marketo fails at 09:00 while the relay is down, so the update that
lists the fallback page reaches the marketing team at 09:03 (the sales chat at once); three leads come in on the fallback form
during the outage and are replayed into the form's webhook by the engine's own replay job once Marketo
is back; one more comes in after the incident is resolved and is not the incident's. The report's
leads line says what was captured and delivered, and who was sent to the page and when."""

from __future__ import annotations

from datetime import timedelta

import pytest

from standby.app.subscribers import TICK_JOBS
from standby.incidents import service as incidents
from standby.incidents.models import Incident
from standby.leads.intake import NewSubmission, write
from standby.leads.replay.job import ReplayJob
from standby.plan.model import Plan
from standby.recovery.reports import incident as reports
from tests.incidents.conftest import T0, World

PAGE = "https://pages.acme-backup.example/p/demo-request/"


def _replay_job() -> ReplayJob:
    [job] = [j.run for j in TICK_JOBS if j.name == "lead replay"]
    assert isinstance(job, ReplayJob)
    return job


def _with_plan_b(world: World) -> None:
    world.data["forms"] = [
        {
            "id": "demo-request",
            "title": "Request a demo",
            "vendor": "marketo",
            "fields": [{"name": "email", "label": "Email", "type": "email"}],
            "destination": {"webhook": {"url": world.hook.http.url("/hook")}},
        }
    ]
    world.data["fallback"] = {"pages_url": "https://pages.acme-backup.example"}
    world.data["playbooks"][0]["plan_b"] = ["demo-request"]
    world.plan = Plan.model_validate(world.data)


def _captured(world: World, *emails: str) -> None:
    with world.sessions.begin() as session:
        write(session, [NewSubmission("demo-request", None, {"email": e}, world.now) for e in emails])


def _tick(world: World, minutes: float) -> None:
    world.at(minutes)
    _replay_job().wait()  # the pass the tick started in the background, if any


def _leads_posted(world: World) -> list[str]:
    return sorted(p["fields"]["email"] for p in world.hook.posted if "fields" in p)


def _report(world: World) -> reports.IncidentReport:
    with world.sessions() as session:
        incident = session.get(Incident, 1)
        assert incident is not None
        return reports.build(session, incident, plan=world.plan, now=world.now)


@pytest.fixture
def outage(world: World) -> World:
    _with_plan_b(world)
    world.smtp.stop()  # the relay is down when Marketo fails: the first word is queued, not delivered
    world.fail()
    _tick(world, 0)
    world.smtp.start()
    _tick(world, 3)
    world.clock.set(T0 + timedelta(minutes=10))
    _captured(world, "a@example.com", "b@example.com", "c@example.com")
    _tick(world, 10)
    assert _leads_posted(world) == []  # Marketo is still down: the leads wait
    world.clock.set(T0 + timedelta(minutes=40))
    world.check("ok", asset="vendor:marketo", check="statuspage", summary="Marketo is fine")
    _tick(world, 40)
    _tick(world, 41)  # Marketo is back: this tick's replay pass delivers them
    world.clock.set(T0 + timedelta(minutes=45))
    with world.sessions.begin() as session:
        incidents.resolve_incident(
            session, plan=world.plan, incident_id=1, know="Marketo fixed it", actor="dana", now=world.now
        )
    _tick(world, 45)
    world.clock.set(T0 + timedelta(minutes=50))
    _captured(world, "after@example.com")  # after the incident: not counted in its report
    return world


def test_the_leads_line_counts_what_the_fallback_form_captured_and_the_platform_acknowledged(
    outage: World,
) -> None:
    assert _leads_posted(outage) == ["a@example.com", "b@example.com", "c@example.com"]
    leads = _report(outage).leads
    assert leads.startswith("3 leads captured, 3 delivered while it lasted (forms demo-request); ")
    assert f"fallback pages Request a demo: {PAGE}, " in leads


def test_the_leads_line_names_who_a_delivered_update_sent_to_the_page_and_when(outage: World) -> None:
    leads = _report(outage).leads
    # The sales chat was up and heard at once; the email to marketing was queued at 09:00 with the
    # relay down and delivered at 09:03: the report says 09:03.
    told = "the sales audience (09:00:00 EDT), Dana Reyes (09:03:00 EDT), Sam Ortiz (09:03:00 EDT)"
    assert leads.endswith(f"in updates delivered to {told}")


def test_waiting_leads_and_undelivered_updates_are_not_counted_as_done(world: World) -> None:
    _with_plan_b(world)
    world.smtp.stop()  # the relay stays down: marketing's messages are queued, never delivered
    world.fail()
    _tick(world, 0)
    world.clock.set(T0 + timedelta(minutes=5))
    _captured(world, "a@example.com", "b@example.com")
    _tick(world, 5)
    leads = _report(world).leads
    world.smtp.start()
    assert leads.startswith("2 leads captured, 0 delivered, 2 waiting while it lasted")
    assert leads.endswith("in updates delivered to the sales audience (09:00:00 EDT)")
    assert _leads_posted(world) == []


def test_a_playbook_without_plan_b_says_none_were_counted(world: World) -> None:
    world.fail()
    _tick(world, 0)
    assert (
        _report(world).leads
        == "no Plan B: the playbook names no fallback forms (plan_b), so none were counted"
    )
