from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from standby.core.status import Status
from standby.plan.model import Certificate, Endpoint
from standby.probes.context import ProbeContext
from standby.probes.tls import check_certificate, check_endpoint_certificate, covers
from tests.peers.context import probe_context
from tests.peers.http import HttpPeer
from tests.peers.tls import self_signed_context, server_context, write_bundle

HOST = "www.acme.example"
NOW = datetime.now(UTC).replace(microsecond=0)  # OpenSSL checks validity against the real time


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def ctx(ca: trustme.CA, tmp_path: Path) -> AsyncIterator[ProbeContext]:
    async with probe_context(NOW, tmp_path, ca_bundle=write_bundle(ca, tmp_path)) as ctx:
        yield ctx


def cert_for(peer: HttpPeer, **fields: object) -> Certificate:
    return Certificate.model_validate({"host": HOST, "port": peer.port, "address": "127.0.0.1", **fields})


async def test_it_reports_ok_with_days_left_issuer_and_names_for_a_valid_certificate(
    ca: trustme.CA, ctx: ProbeContext
) -> None:
    with HttpPeer(tls=server_context(ca, HOST, "acme.example", not_after=NOW + timedelta(days=90))) as peer:
        [finding] = await check_certificate(cert_for(peer, owner="dana"), ctx)
    assert finding.status is Status.OK
    assert finding.asset == f"certificate:{finding.target}" and finding.target.startswith(f"{HOST}:")
    assert (finding.kind, finding.check, finding.owner) == ("certificate", "certificate", "dana")
    assert finding.details["days_left"] == 90
    assert finding.details["expires_at"] == (NOW + timedelta(days=90)).isoformat().replace("+00:00", "Z")
    assert finding.details["sans"] == [HOST, "acme.example"]
    assert finding.details["issuer"].startswith("trustme")
    assert "90 days left" in finding.summary


async def test_it_warns_when_the_certificate_expires_within_warn_within(
    ca: trustme.CA, ctx: ProbeContext
) -> None:
    with HttpPeer(tls=server_context(ca, HOST, not_after=NOW + timedelta(days=10))) as peer:
        [finding] = await check_certificate(cert_for(peer), ctx)
    assert finding.status is Status.WARNING
    assert finding.details["days_left"] == 10
    assert "expires in 10 days" in finding.summary


async def test_it_reports_critical_when_the_certificate_expires_within_critical_within(
    ca: trustme.CA, ctx: ProbeContext
) -> None:
    with HttpPeer(tls=server_context(ca, HOST, not_after=NOW + timedelta(days=5))) as peer:
        [finding] = await check_certificate(cert_for(peer, critical_within="7d"), ctx)
    assert finding.status is Status.CRITICAL
    assert finding.details["days_left"] == 5
    assert "renew it now" in finding.summary


async def test_it_says_how_long_ago_an_expired_certificate_expired(ca: trustme.CA, ctx: ProbeContext) -> None:
    expired = NOW - timedelta(days=3)
    with HttpPeer(tls=server_context(ca, HOST, not_after=expired)) as peer:
        [finding] = await check_certificate(cert_for(peer), ctx)
    assert finding.status is Status.CRITICAL
    assert f"expired 3 days ago on {expired:%Y-%m-%d}" in finding.summary
    assert finding.details["days_left"] == -3
    assert finding.details["verified"] is False


async def test_it_reports_critical_for_a_self_signed_certificate(ctx: ProbeContext) -> None:
    with HttpPeer(tls=self_signed_context(HOST, now=NOW)) as peer:
        [finding] = await check_certificate(cert_for(peer), ctx)
    assert finding.status is Status.CRITICAL
    assert "self-signed" in finding.summary
    assert finding.details["days_left"] == 90


async def test_it_reports_critical_for_a_certificate_from_an_untrusted_authority(ctx: ProbeContext) -> None:
    stranger = trustme.CA(organization_name="Stranger CA")
    with HttpPeer(tls=server_context(stranger, HOST)) as peer:
        [finding] = await check_certificate(cert_for(peer), ctx)
    assert finding.status is Status.CRITICAL
    assert "issued by Stranger CA, which is not a trusted authority" in finding.summary


async def test_it_lists_the_names_a_certificate_covers_when_the_host_name_does_not_match(
    ca: trustme.CA, ctx: ProbeContext
) -> None:
    with HttpPeer(tls=server_context(ca, "other.example", "*.other.example")) as peer:
        [finding] = await check_certificate(cert_for(peer), ctx)
    assert finding.status is Status.CRITICAL
    assert f"is not valid for {HOST} (it covers other.example, *.other.example)" in finding.summary


async def test_it_names_every_problem_of_an_expired_certificate_for_another_host(
    ca: trustme.CA, ctx: ProbeContext
) -> None:
    with HttpPeer(tls=server_context(ca, "old.example", not_after=NOW - timedelta(days=1))) as peer:
        [finding] = await check_certificate(cert_for(peer), ctx)
    assert "expired 1 day ago" in finding.summary
    assert "is not valid for www.acme.example (it covers old.example)" in finding.summary


async def test_it_connects_to_the_pinned_address_and_sends_the_host_name(
    ca: trustme.CA, tmp_path: Path
) -> None:
    with HttpPeer(tls=server_context(ca, HOST, not_after=NOW + timedelta(days=30))) as peer:
        pins = {HOST: "127.0.0.1"}  # as make_context does from the plan's `address`
        async with probe_context(NOW, tmp_path, ca_bundle=write_bundle(ca, tmp_path), pins=pins) as ctx:
            [finding] = await check_certificate(Certificate(host=HOST, port=peer.port), ctx)
    assert finding.status is Status.OK
    assert finding.details["days_left"] == 30


async def test_it_reports_unknown_without_days_when_the_port_refuses(ctx: ProbeContext) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        [finding] = await check_certificate(Certificate(host=HOST, port=port, address="127.0.0.1"), ctx)
    assert finding.status is Status.UNKNOWN
    assert finding.details["days_left"] is None and finding.details["expires_at"] is None
    assert f"Could not read the certificate of {HOST}:{port}" in finding.summary


async def test_it_reports_unknown_when_the_handshake_times_out(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()  # the kernel accepts the connection; nobody ever answers the ClientHello
        port = sock.getsockname()[1]
        async with probe_context(NOW, tmp_path, timeout="200ms") as ctx:
            [finding] = await check_certificate(Certificate(host=HOST, port=port, address="127.0.0.1"), ctx)
    assert finding.status is Status.UNKNOWN
    assert "timed out" in finding.summary


async def test_it_reports_critical_when_the_server_does_not_speak_tls(ctx: ProbeContext) -> None:
    with HttpPeer() as peer:
        [finding] = await check_certificate(cert_for(peer), ctx)
    assert finding.status is Status.CRITICAL
    assert "TLS handshake fails" in finding.summary


async def test_it_checks_an_https_endpoints_certificate_with_fixed_thresholds(
    ca: trustme.CA, tmp_path: Path
) -> None:
    with HttpPeer(tls=server_context(ca, "go.acme.example", not_after=NOW + timedelta(days=10))) as peer:
        endpoint = Endpoint(id="demo", url=f"https://go.acme.example:{peer.port}/demo", owner="dana")
        pins = {"go.acme.example": "127.0.0.1"}
        async with probe_context(NOW, tmp_path, ca_bundle=write_bundle(ca, tmp_path), pins=pins) as ctx:
            [finding] = await check_endpoint_certificate(endpoint, ctx)
    assert (finding.asset, finding.kind, finding.check) == ("endpoint:demo", "endpoint", "certificate")
    assert finding.status is Status.WARNING  # 10 days is inside the 14-day warning
    assert finding.details["days_left"] == 10


def test_a_wildcard_covers_exactly_one_label() -> None:
    assert covers(["*.acme.example"], "www.acme.example")
    assert not covers(["*.acme.example"], "acme.example")
    assert not covers(["*.acme.example"], "a.b.acme.example")
    assert covers(["WWW.Acme.Example"], "www.acme.example")
