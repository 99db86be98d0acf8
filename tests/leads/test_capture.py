"""The capture endpoint over a real uvicorn: what it accepts, what it stores before saying 2xx, and
every way it says no (4xx, never 5xx) without storing anything."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from tests.leads.conftest import World

PERSON = {"email": "ana.ortiz@example.org", "firstName": "Ana", "company": "Northwind"}


def test_a_json_post_is_stored_before_it_is_accepted(web: httpx.Client, world: World) -> None:
    reply = web.post(
        "/f/demo-request",
        json={**PERSON, "_page": "https://www.acme.example/demo?utm_source=ads"},
        headers={"Referer": "https://www.acme.example/demo", "User-Agent": "Mozilla/5.0 test"},
    )
    assert reply.status_code == 202
    body = reply.json()
    assert body["status"] == "accepted" and body["id"].startswith("sub_")
    [row] = world.rows()
    assert (row.public_id, row.form_id, row.state) == (body["id"], "demo-request", "pending")
    assert row.fields == PERSON
    assert row.page_url == "https://www.acme.example/demo?utm_source=ads"
    assert (row.referrer, row.user_agent, row.address) == (
        "https://www.acme.example/demo",
        "Mozilla/5.0 test",
        "127.0.0.1",
    )
    assert row.received_at == world.clock.now()


def test_a_form_post_redirects_to_the_thank_you_page(web: httpx.Client, world: World) -> None:
    reply = web.post("/f/demo-request", data=PERSON)
    assert (reply.status_code, reply.headers["location"]) == (303, "/p/demo-request/thanks")
    assert web.get("/p/demo-request/thanks").status_code == 200
    reply = web.post("/f/webinar", files={"unused": (None, "")}, data={**PERSON, "unsubscribed": "on"})
    assert (reply.status_code, reply.headers["location"]) == (303, "https://www.acme.example/thanks")
    assert [r.fields for r in world.rows()] == [PERSON, {**PERSON, "unsubscribed": True}]


def test_a_retried_post_with_the_same_key_stores_one_submission(web: httpx.Client, world: World) -> None:
    first = web.post("/f/demo-request", json=PERSON, headers={"Idempotency-Key": "8d3f2c1e-retry"})
    again = web.post("/f/demo-request", json=PERSON, headers={"Idempotency-Key": "8d3f2c1e-retry"})
    field = web.post(
        "/f/demo-request", data={**PERSON, "_key": "8d3f2c1e-retry"}, headers={"Accept": "application/json"}
    )
    assert first.json()["id"] == again.json()["id"] == field.json()["id"]
    other = web.post(
        "/f/contact", json={"email": PERSON["email"]}, headers={"Idempotency-Key": "8d3f2c1e-retry"}
    )
    assert other.json()["id"] != first.json()["id"]  # keys belong to their form
    assert len(world.rows()) == 2


def test_the_honeypot_answers_like_a_success_and_stores_nothing(web: httpx.Client, world: World) -> None:
    reply = web.post("/f/demo-request", json={**PERSON, "_hp": "http://spam.example"})
    assert reply.status_code == 202 and reply.json()["status"] == "accepted"
    assert world.rows() == []


def test_invalid_values_are_422_with_a_message_per_field(web: httpx.Client, world: World) -> None:
    reply = web.post("/f/demo-request", json={"email": "not an email", "company": ["a", "b"]})
    assert reply.status_code == 422
    assert reply.json()["errors"] == {
        "email": "Enter an email address like name@example.com (without accents).",
        "firstName": "Fill in “First name”.",
        "company": "Give one value, as text.",
    }
    page = web.post("/f/demo-request", data={"email": "ana@", "firstName": "<b>Ana</b>"})
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in page.text and 'aria-invalid="true"' in page.text
    assert 'value="&lt;b&gt;Ana&lt;/b&gt;"' in page.text  # what was typed comes back, escaped
    assert world.rows() == []


def test_fields_the_form_does_not_have_are_named_back_and_not_kept(web: httpx.Client, world: World) -> None:
    reply = web.post("/f/demo-request", json={**PERSON, "utm_source": "ads"})
    assert reply.json()["ignored"] == ["utm_source"]
    assert world.rows()[0].fields == PERSON


@pytest.mark.parametrize(
    ("path", "kwargs", "status"),
    [
        ("/f/no-such-form", {"json": PERSON}, 404),
        ("/f/demo-request", {"content": b"email=a", "headers": {"Content-Type": "text/plain"}}, 415),
        ("/f/demo-request", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
        ("/f/demo-request", {"json": ["a list"]}, 400),
        ("/f/demo-request", {"json": PERSON, "headers": {"Idempotency-Key": "no spaces allowed"}}, 400),
        ("/f/demo-request", {"files": {"cv": ("cv.pdf", b"%PDF")}, "data": PERSON}, 400),
        (
            "/f/demo-request",
            {"content": b"email=%ff%fe", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            400,
        ),
        ("/f/demo-request", {"json": {**PERSON, "firstName": "A\u0000na"}}, 422),
    ],
)
def test_bad_requests_are_refused_with_a_4xx(
    web: httpx.Client, world: World, path: str, kwargs: dict[str, object], status: int
) -> None:
    reply = web.post(path, **kwargs)  # type: ignore[arg-type]
    assert reply.status_code == status, reply.text
    assert world.rows() == []


def test_a_body_over_the_limit_is_413_even_without_a_length(web: httpx.Client, world: World) -> None:
    world.data["fallback"] = {"max_body": 2048}
    big = json.dumps({**PERSON, "company": "x" * 5000}).encode()
    assert (
        web.post("/f/demo-request", content=big, headers={"Content-Type": "application/json"}).status_code
        == 413
    )

    def chunks():  # type: ignore[no-untyped-def]
        yield big[:1000]
        yield big[1000:]

    reply = web.post("/f/demo-request", content=chunks(), headers={"Content-Type": "application/json"})
    assert reply.status_code == 413 and world.rows() == []


def test_one_address_is_limited_and_told_when_to_come_back(web: httpx.Client, world: World) -> None:
    world.data["fallback"] = {"rate_limit": {"posts": 3, "per": "1m"}}
    codes = [web.post("/f/contact", json={"email": f"p{n}@example.com"}).status_code for n in range(4)]
    assert codes == [202, 202, 202, 429]
    refused = web.post("/f/contact", json={"email": "p9@example.com"})
    assert refused.headers["Retry-After"] == "61"
    from datetime import timedelta

    world.clock.advance(timedelta(minutes=1))
    assert web.post("/f/contact", json={"email": "p9@example.com"}).status_code == 202


def test_pages_from_allowed_origins_may_post_and_others_may_not(web: httpx.Client, world: World) -> None:
    origin = {"Origin": "https://www.acme.example"}
    preflight = web.options(
        "/f/demo-request",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,idempotency-key",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://www.acme.example"
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    reply = web.post("/f/demo-request", json=PERSON, headers=origin)
    assert (
        reply.status_code == 202
        and reply.headers["Access-Control-Allow-Origin"] == "https://www.acme.example"
    )
    evil = {"Origin": "https://evil.example"}
    assert web.options("/f/demo-request", headers=evil).status_code == 403
    refused = web.post("/f/demo-request", json=PERSON, headers=evil)
    assert refused.status_code == 403 and "allowed_origins" in refused.json()["detail"]
    assert len(world.rows()) == 1


def test_no_personal_data_reaches_the_log(
    web: httpx.Client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    web.post(
        "/f/demo-request", json={**PERSON, "_page": "https://www.acme.example/?email=ana.ortiz@example.org"}
    )
    web.post("/f/demo-request", json={"email": "ana.ortiz@example.org"})
    assert "ana.ortiz" not in caplog.text and "Northwind" not in caplog.text
