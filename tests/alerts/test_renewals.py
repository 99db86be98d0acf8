"""Renewal cycles: reminders at each threshold, confirmation, escalation when unconfirmed, checklist."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select

from standby.alerts import renewals
from standby.alerts.models import Renewal
from standby.app.web import create_app
from standby.core.expiry import iso
from tests.alerts.conftest import T0, World
from tests.web.server import serving

DAY = 24 * 60  # minutes
DOMAIN = "domain:acme.example"
CERT = "certificate:www.acme.example:443"


def expiry(world: World, days: int, *, asset: str = DOMAIN, status: str = "ok") -> None:
    """The engine's latest registration (or certificate) finding: expiry T0 + `days`."""
    check = "registration" if asset == DOMAIN else "certificate"
    details = {"expires_at": iso(T0 + timedelta(days=days)), "days_left": days}
    world.check(
        status, asset=asset, check=check, summary=f"{asset} expires in {days} day(s)", details=details
    )


def reminders(world: World) -> list[str]:
    return [s for s in world.mail("dana@acme.example") if s.startswith("[reminder]")]


def test_it_reminds_the_owner_once_at_each_threshold(world: World) -> None:
    expiry(world, 100)
    world.at(0)
    assert reminders(world) == []
    world.at(10 * DAY)
    world.at(10 * DAY + 1)
    assert reminders(world) == ["[reminder] acme.example expires in 90 days"]
    world.at(40 * DAY)
    assert reminders(world) == [
        "[reminder] acme.example expires in 90 days",
        "[reminder] acme.example expires in 60 days",
    ]
    body = world.body("dana@acme.example")
    assert "acme.example expires on 2025-09-10 09:00 EDT (in 60 days)." in body
    assert (
        "If nobody confirms by 2025-08-11 09:00 EDT, an alert escalates along the chain: Dana Reyes at once"
        in body
    )
    assert "standby confirm domain:acme.example --by dana --how renewed" in body


def test_several_thresholds_crossed_at_once_make_one_message(world: World) -> None:
    expiry(world, 5, asset=CERT)
    world.at(0)
    world.at(1)
    assert reminders(world) == ["[reminder] www.acme.example:443 expires in 5 days"]
    assert "Reminders still to come, unless you confirm: 3 days, 1 day before." in world.body(
        "dana@acme.example"
    )
    world.at(2 * DAY)
    assert len(reminders(world)) == 2


def test_confirming_through_the_link_stops_the_reminders_and_the_escalation(world: World) -> None:
    expiry(world, 100)
    world.at(10 * DAY)
    found = re.search(r"http://\S+(/confirm/\S+)", world.body("dana@acme.example"))
    assert found
    path = found.group(1)
    app = create_app(sessions=world.sessions, plan=lambda: world.plan, clock=world.clock)
    with serving(app) as site:
        page = httpx.get(site + path)
        assert page.status_code == 200
        assert "It is renewed" in page.text and "Auto-renew is on and the card is valid" in page.text
        assert "2025-08-11 09:00 EDT" in page.text  # confirm by
        token = path.rsplit("/", 1)[1]
        assert httpx.post(site + path, data={"token": token, "how": "maybe"}).status_code == 400
        done = httpx.post(site + path, data={"token": token, "how": "auto-renew"})
        assert done.status_code == 200
        assert (
            "Confirmed: acme.example renews automatically (auto-renew is on, the card is valid)." in done.text
        )
        assert httpx.get(site + path).status_code == 410  # used
    with world.sessions() as session:
        cycle = session.scalars(select(Renewal).where(Renewal.asset == DOMAIN)).one()
        assert (cycle.confirmed_by, cycle.confirmation) == ("dana", "auto-renew")
    for day in (40, 70, 80):
        world.at(day * DAY)
    assert len(reminders(world)) == 1
    assert world.mail("lee@acme.example") == []


def test_an_unconfirmed_renewal_escalates_like_any_alert_at_confirm_by(world: World) -> None:
    expiry(world, 100)
    for day in (10, 40, 69):
        world.at(day * DAY)
    assert world.mail("lee@acme.example") == []
    world.at(70 * DAY)
    alert = world.alert()
    assert (alert.reason, alert.asset, alert.severity) == ("confirmation", DOMAIN, "warning")
    body = world.body("dana@acme.example")
    assert "Nobody has confirmed that acme.example is renewed or on auto-renew" in body
    assert re.search(r"Confirm the renewal: http://127.0.0.1:8400/confirm/\S+", body)
    world.at(70 * DAY + 30)
    [page] = world.mail("lee@acme.example")
    assert page.startswith("[warning] acme.example: Nobody has confirmed")
    assert len(reminders(world)) == 2  # the alert's messages replace the 30-day reminder


def test_a_renewal_seen_resolves_the_confirmation_alert_and_sends_the_checklist(world: World) -> None:
    expiry(world, 100)
    world.at(70 * DAY)
    world.at(70 * DAY + 30)
    expiry(world, 465)
    world.at(71 * DAY)
    assert world.mail("dana@acme.example")[-2:] == [
        "[resolved] acme.example: resolved after 1 day",
        "[renewed] acme.example: please check the website, DNS and email",
    ]
    assert world.mail("lee@acme.example")[-1] == "[resolved] acme.example: resolved after 1 day"
    checklist = world.body("dana@acme.example")
    assert "acme.example was renewed: it now expires on 2026-09-10 09:00 EDT" in checklist
    assert "[ ] email to and from @acme.example still arrives" in checklist
    with world.sessions() as session:
        cycles = session.scalars(select(Renewal).order_by(Renewal.id)).all()
    assert [(c.renewed_at is not None, c.expires_at - T0) for c in cycles] == [
        (True, timedelta(days=100)),
        (False, timedelta(days=465)),
    ]


def test_the_registrys_post_expiry_auto_renewal_is_not_taken_for_a_renewal(world: World) -> None:
    expiry(world, 10)
    world.at(0)
    confirmation = world.alert().id
    expiry(world, 375, status="warning")  # the registry renewed it by itself after it lapsed
    world.at(1 * DAY)
    assert not [s for s in world.mail("dana@acme.example") if s.startswith("[renewed]")]
    assert world.alert(confirmation).state == "open"


def vouch(world: World, status: str, *, verified: bool) -> None:
    """The engine's latest registrar finding for acme.example."""
    details = {"verified": verified, "registrar": "GoDaddy", "account": "gd", "auto_renew": verified}
    world.check(
        status, asset=DOMAIN, check="registrar", summary="acme.example at GoDaddy (gd)", details=details
    )


def cycle_of(world: World) -> Renewal:
    with world.sessions() as session:
        found = session.scalars(select(Renewal).where(Renewal.asset == DOMAIN)).one()
        session.expunge(found)
        return found


def test_the_registrar_confirms_an_open_confirmation_alert_away_and_nobody_is_reminded(world: World) -> None:
    expiry(world, 100)
    for day in (10, 70):
        world.at(day * DAY)
    alert = world.alert()
    assert alert.reason == "confirmation" and alert.state == "open"
    sent = len(reminders(world))
    vouch(world, "ok", verified=True)
    world.at(70 * DAY + 10)
    cycle = cycle_of(world)
    assert (cycle.confirmation, cycle.confirmed_by) == ("registrar", "GoDaddy (gd)")
    resolved = world.alert(alert.id)
    assert resolved.state == "resolved"
    assert "auto-renew verified at the registrar on" in world.body("dana@acme.example")
    world.at(93 * DAY)  # the 7-day threshold passes: nobody is asked, the registrar vouched
    assert len(reminders(world)) == sent


def test_a_registrar_that_stops_vouching_withdraws_its_confirmation_but_never_a_persons(world: World) -> None:
    expiry(world, 100)
    vouch(world, "ok", verified=True)
    world.at(0)
    assert cycle_of(world).confirmation == "registrar"
    vouch(world, "warning", verified=False)  # auto-renew switched off, confirmed by the engine
    world.at(10)
    assert cycle_of(world).confirmed_at is None  # reminders and confirm_by apply again
    world.at(70 * DAY)
    assert world.alert().reason == "confirmation"
    with world.sessions.begin() as session:
        live = renewals.current(session, DOMAIN)
        assert live is not None
        renewals.confirm(session, live, person="dana", how="renewed", now=world.now, via="test")
    vouch(world, "critical", verified=False)
    world.at(70 * DAY + 60)
    assert cycle_of(world).confirmation == "renewed"  # a person's word stands
