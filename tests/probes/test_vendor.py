from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from standby.core.status import Status
from standby.plan.model import Vendor
from standby.probes.context import ProbeContext
from standby.probes.vendor import check_vendor
from tests.peers.context import probe_context
from tests.peers.http import HttpPeer, Reply
from tests.peers.statuspage import StatuspagePeer

NOW = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def page() -> Iterator[StatuspagePeer]:
    with StatuspagePeer("Marketo", components=["Marketo Engage", "Email", "REST API"]) as page:
        yield page


@pytest.fixture
async def ctx(tmp_path: Path) -> AsyncIterator[ProbeContext]:
    async with probe_context(NOW, tmp_path, timeout="300ms") as ctx:
        yield ctx


def vendor(page: StatuspagePeer | None = None, **fields: Any) -> Vendor:
    statuspage = {"statuspage": page.url} if page is not None else {}
    return Vendor.model_validate(
        {"id": "marketo", "name": "Marketo", "owner": "dana", **statuspage, **fields}
    )


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("none", Status.OK),
        ("minor", Status.WARNING),
        ("major", Status.CRITICAL),
        ("critical", Status.CRITICAL),
        ("maintenance", Status.WARNING),
    ],
)
async def test_it_maps_the_overall_indicator_when_no_components_are_named(
    page: StatuspagePeer, ctx: ProbeContext, indicator: str, expected: Status
) -> None:
    page.indicator = indicator
    [finding] = await check_vendor(vendor(page), ctx)
    assert finding.status is expected
    assert (finding.asset, finding.kind, finding.check, finding.owner) == (
        "vendor:marketo",
        "vendor",
        "statuspage",
        "dana",
    )
    assert finding.details["indicator"] == indicator
    assert finding.summary.startswith("Marketo's status page says \"")


async def test_only_the_named_components_count(page: StatuspagePeer, ctx: ProbeContext) -> None:
    page.indicator = "major"
    page.set_component("Email", "major_outage")  # not one we depend on
    [finding] = await check_vendor(vendor(page, components=["marketo engage"]), ctx)
    assert finding.status is Status.OK
    assert finding.summary == "Marketo's status page says marketo engage is operational"
    assert finding.details["components"] == {"marketo engage": "operational"}


@pytest.mark.parametrize(
    ("state", "expected", "phrase"),
    [
        ("degraded_performance", Status.WARNING, "has degraded performance"),
        ("partial_outage", Status.WARNING, "has a partial outage"),
        ("major_outage", Status.CRITICAL, "has a major outage"),
        ("under_maintenance", Status.WARNING, "is under maintenance"),
    ],
)
async def test_it_maps_each_component_status(
    page: StatuspagePeer, ctx: ProbeContext, state: str, expected: Status, phrase: str
) -> None:
    page.set_component("REST API", state)
    [finding] = await check_vendor(vendor(page, components=["Marketo Engage", "REST API"]), ctx)
    assert finding.status is expected
    assert finding.summary == f"Marketo's status page says Marketo Engage is operational, REST API {phrase}"


async def test_a_named_component_missing_from_the_page_is_unknown_and_the_real_names_are_listed(
    page: StatuspagePeer, ctx: ProbeContext
) -> None:
    [finding] = await check_vendor(vendor(page, components=["Marketo Sales Insight"]), ctx)
    assert finding.status is Status.UNKNOWN
    assert finding.summary == (
        'Marketo\'s status page lists no component named "Marketo Sales Insight" '
        "(it lists Marketo Engage, Email, REST API)"
    )
    assert finding.details["components"] == {"Marketo Sales Insight": None}


async def test_a_missing_component_does_not_hide_an_outage_of_another(
    page: StatuspagePeer, ctx: ProbeContext
) -> None:
    page.set_component("Email", "major_outage")
    [finding] = await check_vendor(vendor(page, components=["Email", "Typo"]), ctx)
    assert finding.status is Status.CRITICAL
    assert 'Email has a major outage; it lists no component named "Typo"' in finding.summary


async def test_it_names_active_incidents_and_maintenance(page: StatuspagePeer, ctx: ProbeContext) -> None:
    page.indicator = "minor"
    page.add_incident("Email send delays", impact="minor")
    page.add_incident("Old outage", status="resolved")
    page.scheduled_maintenances.append(
        {"name": "Database upgrade", "status": "in_progress", "impact": "maintenance"}
    )
    [finding] = await check_vendor(vendor(page), ctx)
    assert finding.status is Status.WARNING
    assert finding.summary == (
        'Marketo\'s status page says "Partially Degraded Service"; active incidents: '
        '"Email send delays" (investigating, minor impact); maintenance in progress: "Database upgrade"'
    )
    assert finding.details["incidents"] == [
        {"name": "Email send delays", "status": "investigating", "impact": "minor"}
    ]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(200, "{not json"), "is not valid JSON"),
        (Reply.json(["a list"]), "not a JSON object"),
        (Reply.json({"status": {"indicator": "purple"}}), "no status indicator Standby knows"),
        (Reply(503, "maintenance"), "answered 503"),
        (Reply.json({}), "indicator: None"),
    ],
)
async def test_it_reports_unknown_when_the_status_page_cannot_be_read(
    page: StatuspagePeer, ctx: ProbeContext, reply: Reply, reason: str
) -> None:
    page.http.route("/api/v2/summary.json", reply)
    [finding] = await check_vendor(vendor(page), ctx)
    assert finding.status is Status.UNKNOWN
    assert finding.summary.startswith("Could not tell Marketo's status: ")
    assert reason in finding.summary


async def test_it_reports_unknown_when_the_status_page_times_out(
    page: StatuspagePeer, ctx: ProbeContext
) -> None:
    page.http.route("/api/v2/summary.json", Reply(200, "{}", delay=0.6))
    [finding] = await check_vendor(vendor(page), ctx)
    assert finding.status is Status.UNKNOWN
    assert "timed out" in finding.summary


async def test_it_probes_each_vendor_endpoint_with_the_http_rules(
    page: StatuspagePeer, ctx: ProbeContext
) -> None:
    with HttpPeer() as api:
        api.route("/identity/oauth/token", Reply(401, "unauthorized"))
        api.route("/rest/v1/leads.json", Reply(502, "Bad Gateway"))
        token_url = api.url("/identity/oauth/token")
        endpoints = [
            {"url": token_url, "expect": {"status": [200, 401]}},
            {"url": api.url("/rest/v1/leads.json")},
        ]
        statuspage, probes = await check_vendor(vendor(page, endpoints=endpoints), ctx)
        [only_token] = await check_vendor(vendor(endpoints=endpoints[:1]), ctx)
    assert statuspage.check == "statuspage" and statuspage.status is Status.OK
    assert (probes.asset, probes.kind, probes.check, probes.target) == (
        "vendor:marketo",
        "vendor",
        "http",
        "2 endpoints",
    )
    assert probes.status is Status.CRITICAL  # the worst endpoint counts
    assert probes.summary.startswith("Marketo: 1 of 2 endpoints failing: ")
    assert probes.summary.endswith("answers 502, expected a 2xx status")
    token, leads = probes.details["endpoints"]
    assert (token["url"], token["status"], leads["status"]) == (token_url, "ok", "critical")
    assert only_token.status is Status.OK and only_token.target == token_url
    assert only_token.summary.startswith("Marketo: ")


async def test_a_vendor_with_nothing_to_check_is_unknown(ctx: ProbeContext) -> None:
    [finding] = await check_vendor(vendor(), ctx)
    assert finding.status is Status.UNKNOWN
    assert "Nothing to check for Marketo" in finding.summary
