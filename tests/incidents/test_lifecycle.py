"""Incidents follow their alerts: opened when the playbook says so, joined, moved to monitoring on
recovery, with acknowledgements on the timeline; a person resolves."""

from __future__ import annotations

from standby.alerts.service import acknowledge
from standby.app.subscribers import ACKNOWLEDGED
from standby.incidents.reach import of_incident
from tests.incidents.conftest import MARKETO, World


def test_a_failing_vendor_opens_an_incident_and_the_internal_audience_hears_at_once(world: World) -> None:
    world.fail()
    world.at(0)
    incident = world.incident()
    assert (incident.title, incident.state, incident.severity) == (
        "Problems with Marketo",
        "investigating",
        "major",
    )
    assert incident.lead == "dana" and incident.systems == [MARKETO]
    assert incident.next_update_due_at is not None
    assert {"dana@acme.example", "sam@acme.example"} <= world.recipients()
    body = world.body("sam@acme.example", -1)
    assert "We are investigating problems with Marketo forms." in body
    assert "Next update by 09:15 EDT." in body
    assert "not sent to customers" in body
    assert len(world.hook.posted) == 1 and "Marketo forms" in world.hook.posted[0]["message"]
    assert "pat@partner.example" not in world.recipients()
    assert world.kinds()[:3] == ["opened", "alert", "update"]
    with world.sessions() as session:
        heard = of_incident(session, incident)
    assert heard.first_inside == world.now and heard.first_outside is None  # delivered in this tick


def test_an_alert_below_the_playbooks_severity_opens_no_incident(world: World) -> None:
    world.fail("warning")
    world.at(0)
    with world.sessions() as session:
        from sqlalchemy import select

        from standby.incidents.models import Incident

        assert session.scalars(select(Incident)).first() is None


def test_an_alert_that_worsens_past_the_threshold_opens_the_incident_then(world: World) -> None:
    world.fail("warning")
    world.fail("critical")
    world.at(0)
    assert world.incident().state == "investigating"


def test_an_asset_whose_playbook_names_no_audience_opens_no_incident(world: World) -> None:
    world.edit_plan(playbooks=[{**world.data["playbooks"][0], "audiences": []}, world.data["playbooks"][1]])
    world.fail()
    with world.sessions() as session:
        from sqlalchemy import func, select

        from standby.incidents.models import Incident

        assert session.scalar(select(func.count()).select_from(Incident)) == 0


def test_a_second_alert_of_the_same_playbook_joins_the_open_incident(world: World) -> None:
    world.fail()
    world.check("critical", asset=MARKETO, check="http", summary="the Marketo API answers 503")
    world.at(0)
    timeline = world.timeline()
    assert [k for k, _ in timeline].count("alert") == 2
    assert len(world.updates()) == 1


def test_recovery_moves_the_incident_to_monitoring_with_an_automatic_update_and_a_person_resolves(
    world: World,
) -> None:
    world.fail()
    world.at(0)
    world.clock.set(world.now.replace(minute=10))
    world.check("ok", asset=MARKETO, check="statuspage", summary="all good")
    world.at(10)
    incident = world.incident()
    assert incident.state == "monitoring" and incident.resolved_at is None
    last = world.updates()[-1]
    assert last.automatic and last.state == "monitoring"
    assert "Marketo forms is working again" in last.what_we_know
    assert last.next_update_by == incident.next_update_due_at
    assert ("state", "investigating → monitoring") in world.timeline()


def test_an_acknowledgement_of_the_alert_goes_on_the_incidents_timeline(world: World) -> None:
    world.fail()
    with world.sessions.begin() as session:
        acknowledge(
            session,
            alert_id=world.alert().id,
            person="dana",
            now=world.now,
            via="command line",
            then=ACKNOWLEDGED,
        )
    assert (
        "acknowledged",
        f"Dana Reyes acknowledged alert #{world.alert().id} ({MARKETO})",
    ) in world.timeline()
