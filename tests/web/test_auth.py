"""Signing in: argon2 passwords, server-side sessions (idle and absolute expiry), logout, roles, and
who acts for a signed-in user."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from standby.web.auth.models import User, WebSession
from standby.web.auth.secret import digest
from standby.web.auth.sessions import COOKIE
from tests.web.signin import PASSWORD, Site, csrf


def test_signing_in_sets_an_httponly_lax_session_cookie_and_stores_only_its_hash(any_site: Site) -> None:
    any_site.add_user("dana@acme.example")
    client = any_site.client()
    reply = client.post(
        "/login", data={"email": "Dana@ACME.example", "password": PASSWORD, "next": "/alerts"}
    )
    assert (reply.status_code, reply.headers["location"]) == (303, "/alerts")
    cookie = reply.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # base_url is http://
    value = client.cookies[COOKIE]
    with any_site.sessions() as session:
        stored = session.scalars(select(WebSession.digest)).all()
        password_hash = session.scalars(select(User.password_hash)).one()
    assert stored == [digest(value)] and value not in stored
    assert password_hash.startswith("$argon2id$") and PASSWORD not in password_hash
    assert client.get("/api/v1/people").status_code == 200


def test_the_session_cookie_is_secure_unless_the_base_url_is_plain_http(site: Site) -> None:
    site.add_user("dana@acme.example")
    site.edit_settings(base_url="https://standby.acme.example")
    reply = site.client().post("/login", data={"email": "dana@acme.example", "password": PASSWORD})
    assert reply.status_code == 303 and "Secure" in reply.headers["set-cookie"]


def test_a_wrong_password_and_an_unknown_email_get_the_same_refusal_and_no_cookie(site: Site) -> None:
    site.add_user("dana@acme.example")
    client = site.client()
    wrong = client.post("/login", data={"email": "dana@acme.example", "password": "not the password"})
    unknown = client.post("/login", data={"email": "nobody@acme.example", "password": PASSWORD})
    for reply in (wrong, unknown):
        assert reply.status_code == 401 and "Wrong email or password." in reply.text
        assert "set-cookie" not in reply.headers
    assert client.get("/api/v1/people").status_code == 401


def test_the_login_page_sends_a_signed_in_user_on_and_only_to_local_paths(site: Site) -> None:
    site.add_user("dana@acme.example")
    client = site.client()
    page = client.get("/login?next=/alerts")
    assert page.status_code == 200 and 'name="next" value="/alerts"' in page.text
    for target, expected in (
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
        ("/people", "/people"),
    ):
        reply = client.post(
            "/login", data={"email": "dana@acme.example", "password": PASSWORD, "next": target}
        )
        assert reply.headers["location"] == expected
    assert client.get("/login?next=/plan").headers["location"] == "/plan"


def test_a_session_ends_after_twelve_idle_hours(site: Site) -> None:
    site.add_user("dana@acme.example")
    client = site.sign_in("dana@acme.example")
    site.clock.advance(timedelta(hours=11, minutes=59))
    assert client.get("/api/v1/people").status_code == 200  # this request keeps it alive
    site.clock.advance(timedelta(hours=11, minutes=59))
    assert client.get("/api/v1/people").status_code == 200
    site.clock.advance(timedelta(hours=12))
    assert client.get("/api/v1/people").status_code == 401


def test_a_session_ends_seven_days_after_sign_in_however_active(site: Site) -> None:
    site.add_user("dana@acme.example")
    client = site.sign_in("dana@acme.example")
    for _ in range(15):
        site.clock.advance(timedelta(hours=11))
        assert client.get("/api/v1/people").status_code == 200
    site.clock.advance(timedelta(hours=4))  # 7 days and 1 hour after sign-in
    assert client.get("/api/v1/people").status_code == 401


def test_logout_ends_the_session_on_the_server_not_only_in_the_browser(site: Site) -> None:
    site.add_user("dana@acme.example")
    client = site.sign_in("dana@acme.example")
    stolen = client.cookies[COOKIE]
    reply = client.post("/logout", data={"csrf_token": csrf(client)})
    assert (reply.status_code, reply.headers["location"]) == (303, "/login")
    assert f"{COOKIE}=" in reply.headers["set-cookie"] and "Max-Age=0" in reply.headers["set-cookie"]
    replayed = site.client()
    replayed.cookies.set(COOKIE, stolen)
    assert replayed.get("/api/v1/people").status_code == 401


def test_removing_a_user_signs_them_out_everywhere(site: Site) -> None:
    from standby.web.auth import users

    site.add_user("dana@acme.example")
    client = site.sign_in("dana@acme.example")
    with site.sessions.begin() as session:
        users.remove(session, "DANA@acme.example")
    assert client.get("/api/v1/people").status_code == 401


def test_a_viewer_reads_but_may_not_act(site: Site) -> None:
    site.add_user("lee@acme.example", role="viewer")
    client = site.sign_in("lee@acme.example")
    assert client.get("/api/v1/alerts").status_code == 200
    reply = client.post("/api/v1/alerts/1/acknowledge", headers={"X-CSRF-Token": csrf(client)})
    assert reply.status_code == 403
    assert reply.json()["detail"].startswith("lee@acme.example may only read")
    page = client.post(
        "/api/v1/alerts/1/acknowledge", headers={"X-CSRF-Token": csrf(client), "Accept": "text/html"}
    )
    assert page.status_code == 403 and "<h1>Not allowed</h1>" in page.text


def test_signing_in_again_replaces_the_browsers_session(site: Site) -> None:
    site.add_user("dana@acme.example")
    client = site.sign_in("dana@acme.example")
    first = client.cookies[COOKIE]
    client.post("/login", data={"email": "dana@acme.example", "password": PASSWORD})
    assert client.cookies[COOKIE] != first
    with site.sessions() as session:
        assert session.scalars(select(WebSession.digest)).all() == [digest(client.cookies[COOKIE])]
