"""The dashboard's buttons: acknowledging an alert and confirming a renewal, as the signed-in admin's
plan person, with the form's CSRF token; viewers and forged forms are refused."""

from __future__ import annotations

from sqlalchemy import select

from standby.alerts.models import Alert, AlertEvent, Renewal
from tests.dashboard.site import VIEWER, Dashboard, csrf_of


def alert_about(fresh: Dashboard, asset: str, reason: str = "check") -> Alert:
    with fresh.store.sessions() as session:
        query = select(Alert).where(Alert.asset == asset, Alert.reason == reason)
        return session.scalars(query).one()


def test_an_admin_acknowledges_an_alert_as_their_plan_person_and_the_chain_stops(fresh: Dashboard) -> None:
    client = fresh.sign_in()
    alert = alert_about(fresh, "endpoint:demo-page")
    token = csrf_of(client.get("/alerts").text)
    reply = client.post(
        f"/alerts/{alert.id}/ack", data={"csrf_token": token, "next": "/assets/endpoint:demo-page"}
    )
    assert (reply.status_code, reply.headers["location"]) == (303, "/assets/endpoint:demo-page")
    after = alert_about(fresh, "endpoint:demo-page")
    assert (after.state, after.acknowledged_by) == ("acknowledged", "dana")  # matched by email
    with fresh.store.sessions() as session:
        events = session.scalars(select(AlertEvent.text).where(AlertEvent.alert_id == alert.id)).all()
    assert "acknowledged by Dana Reyes (the dashboard)" in events
    page = client.get("/assets/endpoint:demo-page").text
    assert "acknowledged by Dana Reyes at" in page and "Acknowledge as" not in page


def test_acknowledging_twice_changes_nothing_and_the_alert_says_who_had_it(fresh: Dashboard) -> None:
    client = fresh.sign_in()
    alert = alert_about(fresh, "endpoint:demo-page")
    token = csrf_of(client.get("/alerts").text)
    for _ in range(2):
        assert client.post(f"/alerts/{alert.id}/ack", data={"csrf_token": token}).status_code == 303
    acknowledged = alert_about(fresh, "endpoint:demo-page").acknowledged_at
    assert acknowledged == fresh.store.clock.now()
    assert "Acknowledged (1)" in client.get("/alerts").text


def test_an_admin_confirms_a_renewal_and_its_alert_resolves(fresh: Dashboard) -> None:
    client = fresh.sign_in()
    alert = alert_about(fresh, "domain:acme-shop.example", reason="confirmation")
    token = csrf_of(client.get("/alerts").text)
    reply = client.post(f"/alerts/{alert.id}/confirm", data={"csrf_token": token, "how": "auto-renew"})
    assert (reply.status_code, reply.headers["location"]) == (303, f"/alerts#alert-{alert.id}")
    assert alert_about(fresh, "domain:acme-shop.example", reason="confirmation").state == "resolved"
    with fresh.store.sessions() as session:
        cycle = session.scalars(select(Renewal).where(Renewal.alert_id == alert.id)).one()
    assert (cycle.confirmed_by, cycle.confirmation) == ("dana", "auto-renew")
    assert "renewal confirmed" in client.get("/").text  # the timeline says so


def test_a_confirmation_needs_one_of_the_two_answers(fresh: Dashboard) -> None:
    client = fresh.sign_in()
    alert = alert_about(fresh, "domain:acme-shop.example", reason="confirmation")
    token = csrf_of(client.get("/alerts").text)
    reply = client.post(f"/alerts/{alert.id}/confirm", data={"csrf_token": token, "how": "maybe"})
    assert reply.status_code == 400 and "Pick one of the two answers" in reply.text
    assert alert_about(fresh, "domain:acme-shop.example", reason="confirmation").state == "open"


def test_unknown_alerts_are_404_pages(fresh: Dashboard) -> None:
    client = fresh.sign_in()
    token = csrf_of(client.get("/alerts").text)
    assert client.post("/alerts/999/ack", data={"csrf_token": token}).status_code == 404
    demo = alert_about(fresh, "endpoint:demo-page")  # a check alert has no renewal to confirm
    reply = client.post(f"/alerts/{demo.id}/confirm", data={"csrf_token": token, "how": "renewed"})
    assert reply.status_code == 404 and "is not about a renewal" in reply.text


def test_the_way_back_never_leaves_the_site(fresh: Dashboard) -> None:
    client = fresh.sign_in()
    alert = alert_about(fresh, "endpoint:demo-page")
    token = csrf_of(client.get("/alerts").text)
    reply = client.post(f"/alerts/{alert.id}/ack", data={"csrf_token": token, "next": "//evil.example/"})
    assert reply.headers["location"] == f"/alerts#alert-{alert.id}"


def test_a_viewer_cannot_acknowledge_even_with_a_valid_form(fresh: Dashboard) -> None:
    client = fresh.sign_in(VIEWER)
    alert = alert_about(fresh, "endpoint:demo-page")
    token = csrf_of(client.get("/alerts").text)  # the sign-out form carries it
    reply = client.post(f"/alerts/{alert.id}/ack", data={"csrf_token": token})
    assert reply.status_code == 403
    assert alert_about(fresh, "endpoint:demo-page").state == "open"


def test_a_forged_form_without_the_csrf_token_is_refused(fresh: Dashboard) -> None:
    client = fresh.sign_in()
    alert = alert_about(fresh, "endpoint:demo-page")
    assert client.post(f"/alerts/{alert.id}/ack", data={}).status_code == 403
    forged = client.post(
        f"/alerts/{alert.id}/ack",
        data={"csrf_token": csrf_of(client.get("/alerts").text)},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403
    assert alert_about(fresh, "endpoint:demo-page").state == "open"
