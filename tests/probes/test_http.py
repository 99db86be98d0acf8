from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme

from standby.core.status import Status
from standby.plan.model import Endpoint
from standby.probes.context import ProbeContext
from standby.probes.http import check_endpoint
from tests.peers.context import probe_context
from tests.peers.http import HttpPeer, Reply
from tests.peers.tls import server_context, write_bundle

HOST = "go.acme.example"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
DEMO = "<html><h1>Request a demo</h1><form>...</form></html>"


@pytest.fixture
def peer() -> Iterator[HttpPeer]:
    with HttpPeer() as peer:
        peer.route("/demo", Reply(200, DEMO))
        yield peer


@pytest.fixture
async def ctx(tmp_path: Path) -> AsyncIterator[ProbeContext]:
    async with probe_context(NOW, tmp_path, pins={HOST: "127.0.0.1"}) as ctx:
        yield ctx


def endpoint(url: str, **fields: Any) -> Endpoint:
    return Endpoint.model_validate({"id": "demo-page", "url": url, "owner": "dana", **fields})


def url_of(peer: HttpPeer, path: str = "/demo") -> str:
    return peer.url(path, host=HOST)


async def test_it_reports_ok_when_the_page_answers_200_with_the_expected_text(
    peer: HttpPeer, ctx: ProbeContext
) -> None:
    url = url_of(peer)
    [finding] = await check_endpoint(endpoint(url, expect={"contains": ["Request a demo"]}), ctx)
    assert finding.status is Status.OK, finding.summary
    assert (finding.asset, finding.kind, finding.check, finding.target) == (
        "endpoint:demo-page",
        "endpoint",
        "http",
        url,
    )
    assert finding.summary.startswith(f"{url} answers 200 in ")
    assert finding.details["status_code"] == 200
    assert finding.details["final_url"] == url and finding.details["redirects"] == 0
    assert isinstance(finding.details["latency_ms"], int)
    assert peer.requests[-1].host == HOST  # the pinned address was used, the name was kept


async def test_it_reports_critical_when_the_status_is_not_a_2xx_by_default(
    peer: HttpPeer, ctx: ProbeContext
) -> None:
    peer.route("/demo", Reply(503, "Service Unavailable"))
    [finding] = await check_endpoint(endpoint(url_of(peer)), ctx)
    assert finding.status is Status.CRITICAL
    assert finding.summary == f"{url_of(peer)} answers 503, expected a 2xx status"


async def test_it_accepts_exactly_the_listed_statuses(peer: HttpPeer, ctx: ProbeContext) -> None:
    peer.route("/token", Reply(401, "unauthorized"))
    [accepted] = await check_endpoint(endpoint(url_of(peer, "/token"), expect={"status": [200, 401]}), ctx)
    [refused] = await check_endpoint(endpoint(url_of(peer), expect={"status": [401]}), ctx)
    assert accepted.status is Status.OK
    assert refused.status is Status.CRITICAL and refused.summary.endswith("answers 200, expected 401")


async def test_it_reports_critical_when_the_page_lacks_an_expected_text(
    peer: HttpPeer, ctx: ProbeContext
) -> None:
    [finding] = await check_endpoint(
        endpoint(url_of(peer), expect={"contains": ["Request a demo", "Submit"]}), ctx
    )
    assert finding.status is Status.CRITICAL
    assert finding.summary.endswith('answers 200 but the page lacks "Submit"')


async def test_it_reports_critical_when_the_page_shows_a_forbidden_text(
    peer: HttpPeer, ctx: ProbeContext
) -> None:
    peer.route("/demo", Reply(200, "<p>Form temporarily unavailable</p>"))
    [finding] = await check_endpoint(
        endpoint(url_of(peer), expect={"not_contains": ["temporarily unavailable"]}), ctx
    )
    assert finding.status is Status.CRITICAL
    assert finding.summary.endswith('but the page shows "temporarily unavailable"')


async def test_it_warns_when_the_page_is_slower_than_max_latency(peer: HttpPeer, ctx: ProbeContext) -> None:
    peer.route("/demo", Reply(200, DEMO, delay=0.15))
    [finding] = await check_endpoint(endpoint(url_of(peer), expect={"max_latency": "50ms"}), ctx)
    assert finding.status is Status.WARNING
    assert "slower than the 50 ms allowed" in finding.summary
    assert finding.details["latency_ms"] >= 150


async def test_it_follows_redirects_and_judges_the_final_page(peer: HttpPeer, ctx: ProbeContext) -> None:
    peer.route("/old", Reply(301, headers={"Location": "/demo"}))
    [finding] = await check_endpoint(
        endpoint(url_of(peer, "/old"), expect={"contains": ["Request a demo"]}), ctx
    )
    assert finding.status is Status.OK
    assert finding.details["final_url"] == url_of(peer) and finding.details["redirects"] == 1
    assert f"answers 200 from {url_of(peer)}" in finding.summary


async def test_it_judges_the_redirect_itself_when_told_not_to_follow(
    peer: HttpPeer, ctx: ProbeContext
) -> None:
    peer.route("/old", Reply(301, headers={"Location": "/demo"}))
    [finding] = await check_endpoint(endpoint(url_of(peer, "/old"), follow_redirects=False), ctx)
    assert finding.status is Status.CRITICAL and finding.details["status_code"] == 301


async def test_it_reports_critical_on_a_redirect_loop(peer: HttpPeer, ctx: ProbeContext) -> None:
    peer.route("/loop", Reply(302, headers={"Location": "/loop"}))
    [finding] = await check_endpoint(endpoint(url_of(peer, "/loop")), ctx)
    assert finding.status is Status.CRITICAL
    assert "redirects more than 10 times" in finding.summary


async def test_it_reports_a_parked_page_as_critical_even_on_200(peer: HttpPeer, ctx: ProbeContext) -> None:
    peer.route("/demo", Reply(200, "<html><body><h1>This domain has expired.</h1> Renew now!</body></html>"))
    [finding] = await check_endpoint(endpoint(url_of(peer)), ctx)
    assert finding.status is Status.CRITICAL
    assert finding.summary == (
        f'{url_of(peer)} answers 200 but shows a parked or expired-domain page (the page says "this domain has '
        'expired"); the domain is probably lapsing — check its registration'
    )
    assert finding.details["parking"] == 'the page says "this domain has expired"'


async def test_it_reports_critical_when_the_page_is_down(ctx: ProbeContext) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, not listening: refused
        url = f"http://{HOST}:{sock.getsockname()[1]}/demo"
        [finding] = await check_endpoint(endpoint(url), ctx)
    assert finding.status is Status.CRITICAL
    assert finding.summary.startswith(f"{url} is down: ")
    assert finding.details["status_code"] is None and finding.details["error"]


async def test_it_reports_a_timeout_as_critical_because_visitors_cannot_load_the_page(
    peer: HttpPeer, tmp_path: Path
) -> None:
    peer.route("/demo", Reply(200, DEMO, delay=0.5))
    async with probe_context(NOW, tmp_path, pins={HOST: "127.0.0.1"}, timeout="150ms") as ctx:
        [finding] = await check_endpoint(endpoint(url_of(peer)), ctx)
    assert finding.status is Status.CRITICAL
    assert finding.summary == f"{url_of(peer)} is down: it did not answer within 150 ms"


async def test_it_reads_a_bounded_amount_of_the_body(peer: HttpPeer, ctx: ProbeContext) -> None:
    peer.route("/big", Reply(200, "x" * (2 << 20) + "Request a demo"))
    [finding] = await check_endpoint(
        endpoint(url_of(peer, "/big"), expect={"contains": ["Request a demo"]}), ctx
    )
    assert finding.status is Status.CRITICAL  # the text lies beyond the first MiB
    assert "lacks" in finding.summary


async def test_it_sends_the_configured_method(peer: HttpPeer, ctx: ProbeContext) -> None:
    [finding] = await check_endpoint(endpoint(url_of(peer), method="HEAD"), ctx)
    assert finding.status is Status.OK
    assert peer.requests[-1].method == "HEAD"


async def test_it_verifies_https_against_the_plans_ca_bundle(tmp_path: Path) -> None:
    ca = trustme.CA()
    now = datetime.now(UTC)
    good = server_context(ca, HOST)
    expired = server_context(ca, HOST, not_after=now - timedelta(days=2))
    async with probe_context(
        now, tmp_path, ca_bundle=write_bundle(ca, tmp_path), pins={HOST: "127.0.0.1"}
    ) as ctx:
        with HttpPeer(tls=good) as peer:
            peer.route("/demo", Reply(200, DEMO))
            [ok] = await check_endpoint(endpoint(url_of(peer)), ctx)
        with HttpPeer(tls=expired) as peer:
            [bad] = await check_endpoint(endpoint(url_of(peer)), ctx)
    assert ok.status is Status.OK, ok.summary
    assert bad.status is Status.CRITICAL and "certificate has expired" in bad.summary
