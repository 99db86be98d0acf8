"""Cross-site request forgery: a session's unsafe requests need its CSRF token and must not come from
another site; a forged one is refused before it changes anything. Token-authenticated API calls and
the single-use links in messages need no CSRF token."""

from __future__ import annotations

import re

import httpx
import pytest

from standby.alerts import service
from standby.alerts.models import Alert
from tests.web.signin import Site, csrf


def _open_alert(site: Site) -> int:
    with site.sessions.begin() as session:
        alert = service.open_alert(
            session,
            reason="check",
            asset="endpoint:demo-page",
            kind="endpoint",
            check="http",
            owner="dana",
            severity="critical",
            summary="https://go.acme.example/demo answered 503",
            since=site.clock.now(),
            plan=site.plan,
            now=site.clock.now(),
        )
        return alert.id


def _state(site: Site, alert_id: int) -> str:
    with site.sessions() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        return alert.state


@pytest.fixture
def dana(site: Site) -> httpx.Client:
    site.add_user("dana@acme.example")
    return site.sign_in("dana@acme.example")


@pytest.mark.parametrize(
    "forgery",
    [
        {},  # no token at all
        {"headers": {"X-CSRF-Token": "0" * 64}},
        {"data": {"csrf_token": "not-the-token"}},
    ],
    ids=["no token", "wrong header", "wrong form field"],
)
def test_a_forged_post_is_refused_with_403_and_changes_nothing(
    site: Site, dana: httpx.Client, forgery: dict[str, dict[str, str]]
) -> None:
    alert_id = _open_alert(site)
    reply = dana.post(f"/api/v1/alerts/{alert_id}/acknowledge", **forgery)
    assert reply.status_code == 403
    assert "out of date or was not sent from Standby" in reply.json()["detail"]
    assert _state(site, alert_id) == "open"


def test_a_post_from_another_site_is_refused_even_with_the_token(site: Site, dana: httpx.Client) -> None:
    alert_id = _open_alert(site)
    for header in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}):
        reply = dana.post(
            f"/api/v1/alerts/{alert_id}/acknowledge", headers={"X-CSRF-Token": csrf(dana), **header}
        )
        assert reply.status_code == 403 and "https://evil.example" in reply.json()["detail"]
    assert _state(site, alert_id) == "open"


def test_the_same_post_with_the_token_works_as_a_header_or_a_form_field(
    site: Site, dana: httpx.Client
) -> None:
    first, second = _open_alert(site), _open_alert(site)
    reply = dana.post(
        f"/api/v1/alerts/{first}/acknowledge", headers={"X-CSRF-Token": csrf(dana), "Origin": site.base}
    )
    assert reply.status_code == 200 and reply.json()["acknowledged"] is True
    # A browser form: urlencoded, Origin "null" (the app's no-referrer policy makes browsers send that).
    reply = dana.post(
        f"/api/v1/alerts/{second}/acknowledge", data={"csrf_token": csrf(dana)}, headers={"Origin": "null"}
    )
    assert reply.status_code == 200
    assert (_state(site, first), _state(site, second)) == ("acknowledged", "acknowledged")


def test_a_multipart_form_carries_the_token_too(site: Site, dana: httpx.Client) -> None:
    alert_id = _open_alert(site)
    reply = dana.post(f"/api/v1/alerts/{alert_id}/acknowledge", files={"csrf_token": (None, csrf(dana))})
    assert reply.status_code == 200


def test_the_csrf_token_belongs_to_one_session(site: Site, dana: httpx.Client) -> None:
    site.add_user("lee@acme.example")
    lee = site.sign_in("lee@acme.example")
    alert_id = _open_alert(site)
    reply = lee.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers={"X-CSRF-Token": csrf(dana)})
    assert reply.status_code == 403


def test_api_token_calls_need_no_csrf_token(site: Site) -> None:
    alert_id = _open_alert(site)
    reply = site.client(site.token()).post(f"/api/v1/alerts/{alert_id}/acknowledge")
    assert reply.status_code == 200 and reply.json()["alert"]["acknowledged_by"] == "token:ci"


def test_an_ack_link_works_for_a_signed_in_user_without_a_csrf_token(site: Site, dana: httpx.Client) -> None:
    from standby.alerts import tokens

    alert_id = _open_alert(site)
    with site.sessions.begin() as session:
        secret = tokens.issue(
            session,
            purpose="ack",
            person="dana",
            now=site.clock.now(),
            alert_id=alert_id,
            expires_at=site.clock.now() + tokens.ACK_LIFETIME,
        )
    page = dana.get(f"/ack/{secret}")
    assert page.status_code == 200 and re.search(r'name="token" value="[^"]+"', page.text)
    done = dana.post(f"/ack/{secret}", data={"token": secret}, headers={"Origin": site.base})
    assert done.status_code == 200 and "Acknowledged alert" in done.text
    assert _state(site, alert_id) == "acknowledged"


def test_a_login_form_posted_from_another_site_is_refused(site: Site) -> None:
    site.add_user("dana@acme.example")
    reply = site.client().post(
        "/login",
        data={"email": "dana@acme.example", "password": "correct horse battery staple"},
        headers={"Origin": "https://evil.example"},
    )
    assert reply.status_code == 403 and "set-cookie" not in reply.headers


def test_pages_get_the_token_through_csrf_field(site: Site, dana: httpx.Client) -> None:
    page = dana.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'<input type="hidden" name="csrf_token" value="{csrf(dana)}">' in page.text
