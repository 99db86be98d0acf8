"""What people do: open by hand, post structured updates (one message per audience), publish on
purpose, preview exactly what each audience gets, resolve."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from standby.channels.models import Message
from standby.core.errors import StandbyError
from standby.incidents import service
from standby.incidents.reach import of_incident
from tests.incidents.conftest import MARKETO, World

KNOW = "Marketo's API answers 503 since 08:58; forms fall back to our own capture."
DONT_KNOW = "When Marketo will be back."


def opened(world: World) -> int:
    world.fail()
    world.at(0)
    return world.incident().id


def update(world: World, **options: object) -> service.Posted:
    values: dict[str, object] = {"know": KNOW, "dont_know": DONT_KNOW, "actor": "dana"}
    values.setdefault("next_by", world.now + timedelta(minutes=30))
    values.update(options)
    with world.sessions.begin() as session:
        return service.update_incident(
            session,
            plan=world.plan,
            incident_id=world.incident().id,
            now=world.now,
            **values,  # type: ignore[arg-type]
        )


def test_opening_by_hand_finds_the_system_by_its_bare_id_and_tells_the_internal_audiences(
    world: World,
) -> None:
    with world.sessions.begin() as session:
        done = service.open_incident(
            session,
            plan=world.plan,
            title="Leads are not arriving",
            systems=["marketo"],
            actor="lee",
            now=world.now,
        )
    world.deliver()
    incident = world.incident(done.incident_id)
    assert incident.systems == [MARKETO] and incident.lead == "dana" and incident.opened_by == "lee"
    assert incident.severity == "major" and incident.playbook == "marketo-down"
    assert done.message == (
        f"Opened incident #{incident.id}: queued for marketing: Dana Reyes, Sam Ortiz; queued for sales: "
        "the sales audience; not sent to customers (not published; add --publish to tell them); "
        f"`standby incident show {incident.id}` says who heard once it is delivered"
    )
    assert world.mail("sam@acme.example") == [
        f"[incident #{incident.id} investigating] Leads are not arriving"
    ]
    assert world.mail("pat@partner.example") == []


def test_opening_by_hand_refuses_an_unknown_system_with_a_suggestion(world: World) -> None:
    with world.sessions.begin() as session, pytest.raises(StandbyError, match="did you mean 'marketo'"):
        service.open_incident(
            session, plan=world.plan, title="x", systems=["marketoo"], actor="lee", now=world.now
        )


def test_an_update_goes_to_internal_audiences_only_until_published(world: World) -> None:
    opened(world)
    world.clock.advance(timedelta(minutes=5))
    done = update(world)
    world.deliver()
    assert "not sent to customers" in done.message
    assert world.mail("pat@partner.example") == []
    assert KNOW in world.body("sam@acme.example") and "Written by Dana Reyes." in world.body(
        "sam@acme.example"
    )
    incident = world.incident()
    assert incident.next_update_due_at == world.now + timedelta(minutes=30)
    assert incident.last_update_at == world.now and not incident.published
    last = world.updates()[-1]
    assert last.published_at is None and set(last.renders) == {"marketing", "sales"}
    with world.sessions() as session:
        keys = session.scalars(select(Message.idempotency_key).where(Message.recipient == "sam")).all()
    assert f"incident:{incident.id}/u{last.id}/marketing/sam/email/" in keys[-1]


def test_a_published_update_reaches_external_audiences_in_its_public_text_only(world: World) -> None:
    opened(world)
    public = "Our forms are slow to confirm; every lead is kept."
    done = update(world, publish=True, meanwhile="Sales: use the Typeform link.", public=public)
    world.deliver()
    assert "queued for customers (outside): Pat Partner" in done.message
    assert world.mail("pat@partner.example") == ["Acme Corp: Problems with Marketo forms (investigating)"]
    body = world.body("pat@partner.example")
    assert body.startswith(public) and "We will update you by 09:30 EDT." in body
    for internal in (KNOW, DONT_KNOW, "Typeform", "Dana", "vendor:marketo", "major", "#1", "alert"):
        assert internal not in body
    inside = world.body("sam@acme.example")
    assert KNOW in inside and "Typeform" in inside and public in inside  # insiders see both
    incident = world.incident()
    assert incident.published
    with world.sessions() as session:
        assert of_incident(session, incident).first_outside == world.now
    assert world.updates()[-1].published_by == "dana"
    assert ("published", "opened to external audiences by Dana Reyes") in world.timeline()


def test_the_next_update_is_required_and_must_be_in_the_future(world: World) -> None:
    opened(world)
    world.edit_plan(
        playbooks=[{**world.data["playbooks"][0], "update_every": None}, world.data["playbooks"][1]]
    )
    with world.sessions.begin() as session, pytest.raises(StandbyError, match="promise the next update"):
        service.update_incident(session, plan=world.plan, incident_id=1, know=KNOW, dont_know="", actor="dana",
                                now=world.now, state="identified", next_by=None)  # fmt: skip
    with pytest.raises(StandbyError, match="still to come"):
        update(world, next_by=world.now - timedelta(minutes=1))


def test_without_a_promise_the_playbooks_rhythm_is_used(world: World) -> None:
    opened(world)
    with world.sessions.begin() as session:
        service.update_incident(
            session, plan=world.plan, incident_id=1, know=KNOW, dont_know="", actor="dana", now=world.now
        )
    assert world.incident().next_update_due_at == world.now + timedelta(minutes=30)


def test_the_preview_is_exactly_what_each_audience_receives(world: World) -> None:
    opened(world)
    world.smtp.received.clear()
    with world.sessions.begin() as session:
        shown = service.preview(
            session, plan=world.plan, incident_id=1, know=KNOW, dont_know=DONT_KNOW, actor="dana",
            now=world.now, next_by=world.now + timedelta(minutes=20), publish=True,
        )  # fmt: skip
    assert [(d.audience, d.external, d.goes) for d in shown.deliveries] == [
        ("marketing", False, True),
        ("sales", False, True),
        ("customers", True, True),
    ]
    assert shown.warnings == [] and shown.public_text.startswith("We are investigating")
    assert world.smtp.messages == [] and len(world.updates()) == 1  # a preview sends and stores nothing
    update(world, next_by=world.now + timedelta(minutes=20), publish=True)
    world.deliver()
    by_audience = {d.audience: d for d in shown.deliveries}
    for person, audience in (("sam@acme.example", "marketing"), ("pat@partner.example", "customers")):
        assert world.mail(person) == [by_audience[audience].subject]
        assert world.body(person).replace("\r\n", "\n") == by_audience[audience].body
    renders = world.updates()[-1].renders
    assert {a: (r["subject"], r["body"]) for a, r in renders.items()} == {
        d.audience: (d.subject, d.body) for d in shown.deliveries
    }


def test_the_preview_says_external_audiences_get_nothing_without_publish(world: World) -> None:
    opened(world)
    with world.sessions.begin() as session:
        shown = service.preview(
            session,
            plan=world.plan,
            incident_id=1,
            know=KNOW,
            dont_know=DONT_KNOW,
            actor="dana",
            now=world.now,
        )
    assert {d.audience: d.goes for d in shown.deliveries} == {
        "marketing": True,
        "sales": True,
        "customers": False,
    }
    assert shown.deliveries[-1].reachable == ["Pat Partner (pat@partner.example)"]


def test_publishing_later_sends_the_latest_update_outside_once(world: World) -> None:
    opened(world)
    update(world, public="Forms are slow; no lead is lost.")
    for _ in range(2):
        with world.sessions.begin() as session:
            done = service.publish_incident(
                session, plan=world.plan, incident_id=1, actor="lee", now=world.now
            )
    world.deliver()
    assert done.message.endswith("was already published.")
    outside = world.body("pat@partner.example")
    assert len(world.mail("pat@partner.example")) == 1
    assert outside.startswith("Forms are slow; no lead is lost.") and KNOW not in outside


def test_resolving_without_publish_tells_outsiders_only_that_it_is_resolved(world: World) -> None:
    opened(world)
    update(world, publish=True)
    world.clock.advance(timedelta(minutes=40))
    with world.sessions.begin() as session:
        done = service.resolve_incident(
            session, plan=world.plan, incident_id=1, know="Marketo fixed their API; 12 leads replayed.",
            actor="dana", now=world.now,
        )  # fmt: skip
    world.deliver()
    assert done.message.endswith("outside, Standby said only that it is resolved")
    incident = world.incident()
    assert incident.state == "resolved" and incident.next_update_due_at is None
    assert "12 leads replayed" in world.body("sam@acme.example")
    outside = world.body("pat@partner.example")
    assert outside.startswith("The problems with Marketo forms are resolved.") and "leads" not in outside
    with world.sessions.begin() as session, pytest.raises(StandbyError, match="is resolved"):
        service.update_incident(session, plan=world.plan, incident_id=1, know="x", dont_know="", actor="dana",
                                now=world.now)  # fmt: skip


def test_an_unknown_incident_is_a_clear_error(world: World) -> None:
    with world.sessions.begin() as session, pytest.raises(service.IncidentNotFound, match="no incident #9"):
        service.publish_incident(session, plan=world.plan, incident_id=9, actor="lee", now=world.now)
