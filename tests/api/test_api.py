"""/api/v1 with a token: assets, findings, alerts (and acknowledging them), people; errors as problem
details; the OpenAPI description of exactly these routes."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.api.seed import seed
from tests.web.signin import Site, csrf


@pytest.fixture
def api(any_site: Site) -> httpx.Client:
    seed(any_site)
    return any_site.client(any_site.token("ci", role="admin"))


def test_assets_come_most_urgent_first_with_their_checks_days_left_owner_and_alerts(
    api: httpx.Client,
) -> None:
    assets = api.get("/api/v1/assets").json()
    assert [(a["asset"], a["status"]) for a in assets] == [
        ("endpoint:demo-page", "critical"),
        ("domain:acme.example", "warning"),
        ("certificate:www.acme.example:443", "ok"),
    ]
    endpoint, domain, certificate = assets
    assert endpoint["alerts"][0]["state"] == "open" and endpoint["alerts"][0]["severity"] == "critical"
    assert (domain["owner"], domain["owner_name"], domain["days_left"]) == ("dana", "Dana Reyes", 20)
    assert [c["check"] for c in domain["checks"]] == ["delegation", "registration"]
    assert domain["expires_at"] == "2025-06-22T13:00:00Z"
    assert (certificate["owner_name"], certificate["days_left"], certificate["alerts"]) == (
        "Lee Park",
        60,
        [],
    )


def test_days_left_count_from_now_not_from_the_last_check(any_site: Site, api: httpx.Client) -> None:
    any_site.clock.advance(timedelta(days=3))
    assert api.get("/api/v1/assets/domain:acme.example").json()["days_left"] == 17


def test_one_asset_by_name_and_a_404_problem_for_an_unknown_one(api: httpx.Client) -> None:
    assert api.get("/api/v1/assets/certificate:www.acme.example:443").json()["kind"] == "certificate"
    missing = api.get("/api/v1/assets/domain:acme.exampel")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert (
        missing.json()["detail"] == "there is no asset 'domain:acme.exampel'; GET /api/v1/assets lists them"
    )


def test_findings_newest_first_filtered_and_paged(api: httpx.Client) -> None:
    page = api.get("/api/v1/findings", params={"asset": "endpoint:demo-page", "limit": 2}).json()
    assert [f["summary"] for f in page["items"]] == [
        "endpoint:demo-page critical at minute 4",
        "endpoint:demo-page critical at minute 3",
    ]
    rest = api.get(
        "/api/v1/findings", params={"asset": "endpoint:demo-page", "limit": 5, "before": page["next_before"]}
    ).json()
    assert [f["status"] for f in rest["items"]] == ["ok", "ok", "ok"] and rest["next_before"] is None
    assert len(api.get("/api/v1/findings", params={"status": "warning"}).json()["items"]) == 1
    since = api.get("/api/v1/findings", params={"since": "2025-06-02T12:58:00+00:00"}).json()["items"]
    assert [f["details"]["duration_ms"] for f in since] == [500, 500, 400]


def test_a_time_without_a_zone_is_a_422_problem_not_a_guess(api: httpx.Client) -> None:
    reply = api.get("/api/v1/findings", params={"since": "2025-06-02T12:58:00"})
    assert reply.status_code == 422 and reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["detail"].startswith("invalid request: query.since:")


def test_alerts_by_state_one_alert_and_acknowledging_it(api: httpx.Client) -> None:
    [alert] = api.get("/api/v1/alerts").json()
    assert alert["state"] == "open" and alert["not_delivered"] == []
    assert (
        alert["status"]
        == "waiting for Dana Reyes to acknowledge; next, at 2025-06-02 09:30 EDT: Lee Park is told"
    )
    assert api.get("/api/v1/alerts", params={"state": "resolved"}).json() == []
    assert api.get(f"/api/v1/alerts/{alert['id']}").json()["summary"] == alert["summary"]
    done = api.post(f"/api/v1/alerts/{alert['id']}/acknowledge").json()
    assert done["acknowledged"] is True and done["alert"]["acknowledged_by"] == "token:ci"
    assert (
        done["message"]
        == f"Acknowledged alert #{alert['id']} (endpoint:demo-page) as token:ci; the escalation stopped."
    )
    again = api.post(f"/api/v1/alerts/{alert['id']}/acknowledge").json()
    assert again["acknowledged"] is False and "already acknowledged by token:ci" in again["message"]
    assert [a["state"] for a in api.get("/api/v1/alerts", params={"state": ["acknowledged"]}).json()] == [
        "acknowledged"
    ]
    missing = api.post("/api/v1/alerts/999/acknowledge")
    assert missing.status_code == 404 and missing.json()["detail"].startswith("there is no alert #999")


def test_a_signed_in_user_acknowledges_as_the_plan_person_with_their_email(
    any_site: Site, api: httpx.Client
) -> None:
    any_site.add_user("dana@acme.example")  # the plan spells it Dana@Acme.example
    dana = any_site.sign_in("dana@acme.example")
    alert_id = api.get("/api/v1/alerts").json()[0]["id"]
    done = dana.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers={"X-CSRF-Token": csrf(dana)}).json()
    assert done["alert"]["acknowledged_by"] == "dana" and "as Dana Reyes" in done["message"]


def test_a_user_matching_nobody_in_the_plan_acts_as_their_email(any_site: Site, api: httpx.Client) -> None:
    any_site.add_user("ops@acme.example")
    ops = any_site.sign_in("ops@acme.example")
    alert_id = api.get("/api/v1/alerts").json()[0]["id"]
    done = ops.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers={"X-CSRF-Token": csrf(ops)}).json()
    assert done["alert"]["acknowledged_by"] == "ops@acme.example"


def test_a_viewer_token_reads_but_cannot_acknowledge(any_site: Site, api: httpx.Client) -> None:
    viewer = any_site.client(any_site.token("dashboards", role="viewer"))
    alert_id = viewer.get("/api/v1/alerts").json()[0]["id"]
    reply = viewer.post(f"/api/v1/alerts/{alert_id}/acknowledge")
    assert reply.status_code == 403 and reply.json()["detail"].startswith("token:dashboards may only read")


def test_people_show_their_chain_and_channels_with_secrets_masked(api: httpx.Client) -> None:
    dana, lee = api.get("/api/v1/people").json()
    assert (dana["id"], dana["reports_to"], lee["reports_to"]) == ("dana", "lee", None)
    assert dana["channels"][0] == "email:Dana@Acme.example"
    assert "s3cret" not in str(dana["channels"]) and dana["channels"][1].startswith("json://hooks:")
    assert dana["owns"] == ["domain:acme.example", "endpoint:demo-page"]
    assert lee["owns"] == ["certificate:www.acme.example:443"]


def test_the_openapi_description_lists_exactly_the_api_with_bearer_auth(
    api: httpx.Client, any_site: Site
) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    assert sorted(schema["paths"]) == [
        "/api/v1/alerts",
        "/api/v1/alerts/{alert_id}",
        "/api/v1/alerts/{alert_id}/acknowledge",
        "/api/v1/assets",
        "/api/v1/assets/{asset}",
        "/api/v1/findings",
        "/api/v1/incidents",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/people",
    ]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert any_site.client().get("/api/v1/openapi.json").status_code == 401
    assert api.get("/api/v1/docs").status_code == 404  # no CDN-hosted docs page
