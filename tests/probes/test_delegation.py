from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from standby.core.status import Status
from standby.plan.model import Domain
from standby.probes.context import ProbeContext
from standby.probes.delegation import evaluate_delegation, lookup_delegation
from tests.peers.context import make_probe_context
from tests.peers.dns import DnsPeer

ACME_NS = ["ns1.acme.example", "ns2.acme.example"]
EXPIRY_NS = ["ns1.pendingrenewaldeletion.com", "ns2.pendingrenewaldeletion.com"]


NOW = datetime(2026, 7, 25, tzinfo=UTC)


def context(tmp_path: Path, **settings: Any) -> ProbeContext:
    return make_probe_context(NOW, tmp_path, **{"timeout": "0.3s", **settings})


@pytest.fixture
def parent() -> Iterator[DnsPeer]:
    """The .example registry's server, delegating acme.example to its own nameservers."""
    with DnsPeer() as peer:
        peer.zone("example", nameservers=["ns1.nic.example"])
        peer.delegate("acme.example", ACME_NS, glue={"ns1.acme.example": "192.0.2.1"})
        yield peer


async def check(
    tmp_path: Path,
    parent: DnsPeer,
    *,
    expected: list[str] | None = ACME_NS,
    registry: list[str] | None = None,
) -> Any:
    ctx = context(tmp_path, parent_servers={"example": [parent.address]})
    delegation = await lookup_delegation("acme.example", ctx)
    domain = Domain(name="acme.example", owner="dana", expected_nameservers=expected)
    return evaluate_delegation(domain, delegation, registry)


async def test_it_reports_ok_when_the_parent_delegates_to_the_expected_nameservers(
    tmp_path: Path, parent: DnsPeer
) -> None:
    finding = await check(tmp_path, parent)

    assert finding.status is Status.OK
    assert (finding.asset, finding.kind, finding.check, finding.owner) == (
        "domain:acme.example",
        "domain",
        "delegation",
        "dana",
    )
    assert finding.details["nameservers"] == ACME_NS
    assert finding.details["parent_zone"] == "example"
    assert finding.details["parent_server"] == parent.address
    assert finding.details["parking"] == []


async def test_it_reports_critical_when_the_delegation_differs_from_the_expected_nameservers(
    tmp_path: Path, parent: DnsPeer
) -> None:
    parent.delegate("acme.example", ["ns1.acme.example", "ns9.elsewhere.net"])

    finding = await check(tmp_path, parent)

    assert finding.status is Status.CRITICAL
    assert "not the expected ns1.acme.example, ns2.acme.example" in finding.summary
    assert "missing ns2.acme.example; new ns9.elsewhere.net" in finding.summary


async def test_it_reports_critical_when_the_registrar_moved_the_domain_to_its_expiry_nameservers(
    tmp_path: Path, parent: DnsPeer
) -> None:
    parent.delegate("acme.example", EXPIRY_NS)

    finding = await check(tmp_path, parent, expected=None)

    assert finding.status is Status.CRITICAL
    assert finding.summary == (
        "acme.example is delegated to ns1.pendingrenewaldeletion.com, ns2.pendingrenewaldeletion.com — "
        "the registrar's expiry nameservers: the domain is being let go; renew it and restore the nameservers."
    )
    assert len(finding.details["parking"]) == 2


async def test_it_reports_critical_when_the_parent_says_the_domain_does_not_exist(
    tmp_path: Path, parent: DnsPeer
) -> None:
    parent.remove("acme.example")

    finding = await check(tmp_path, parent)

    assert finding.status is Status.CRITICAL
    assert "does not exist (NXDOMAIN" in finding.summary
    assert "on hold or deleted" in finding.summary


async def test_it_reports_critical_when_the_delegation_differs_from_the_registry_nameservers(
    tmp_path: Path, parent: DnsPeer
) -> None:
    finding = await check(tmp_path, parent, expected=None, registry=["NS1.ACME.EXAMPLE.", "ns3.acme.example"])

    assert finding.status is Status.CRITICAL
    assert "the registry lists ns1.acme.example, ns3.acme.example" in finding.summary
    assert finding.details["registry_nameservers"] == ["ns1.acme.example", "ns3.acme.example"]


async def test_it_reports_unknown_with_the_reason_when_the_parent_does_not_answer(
    tmp_path: Path, parent: DnsPeer
) -> None:
    parent.fail("acme.example", "drop")

    finding = await check(tmp_path, parent)

    assert finding.status is Status.UNKNOWN
    assert f"{parent.address} did not answer within 0.3s" in finding.summary
    assert finding.details["nameservers"] == []


async def test_it_asks_the_configured_parent_server_without_recursion_and_reads_the_referral(
    tmp_path: Path, parent: DnsPeer
) -> None:
    with DnsPeer(recursive=True) as resolver:
        ctx = context(tmp_path, resolvers=[resolver.address], parent_servers={"example": [parent.address]})
        delegation = await lookup_delegation("acme.example", ctx)

        assert resolver.queries == []
    assert delegation.nameservers == ACME_NS
    assert [q.recursion_desired for q in parent.asked("acme.example", "NS")] == [False]


async def test_it_finds_the_parent_servers_through_the_resolvers_when_none_are_configured(
    tmp_path: Path, parent: DnsPeer
) -> None:
    with DnsPeer(recursive=True) as resolver:
        resolver.add("example", "SOA", "ns1.nic.example hostmaster.nic.example 1 7200 3600 1209600 300")
        resolver.add("example", "NS", "ns1.nic.example")
        resolver.add("ns1.nic.example", "A", "127.0.0.1")
        ctx = context(tmp_path, resolvers=[resolver.address])

        delegation = await lookup_delegation("acme.example", ctx, port=parent.port)

    assert delegation.error is None
    assert (delegation.zone, delegation.server) == ("example", f"ns1.nic.example:{parent.port}")
    assert delegation.nameservers == ACME_NS


async def test_it_asks_the_zone_the_resolvers_name_as_the_parent_for_names_under_a_public_suffix(
    tmp_path: Path,
) -> None:
    with DnsPeer() as registry, DnsPeer(recursive=True) as resolver:
        registry.zone("co.uk", nameservers=["ns1.nic.uk"])
        registry.delegate("acme.co.uk", ["ns1.acme.co.uk", "ns2.acme.co.uk"])
        resolver.add("uk", "SOA", "ns1.nic.uk hostmaster.nic.uk 1 7200 3600 1209600 300")
        resolver.add("co.uk", "SOA", "ns1.nic.uk hostmaster.nic.uk 1 7200 3600 1209600 300")
        resolver.add("co.uk", "NS", "ns1.nic.uk")
        resolver.add("ns1.nic.uk", "A", "127.0.0.1")
        ctx = context(tmp_path, resolvers=[resolver.address])

        delegation = await lookup_delegation("acme.co.uk", ctx, port=registry.port)

    assert delegation.zone == "co.uk"
    assert delegation.nameservers == ["ns1.acme.co.uk", "ns2.acme.co.uk"]


async def test_it_tries_the_next_parent_server_when_one_fails(tmp_path: Path, parent: DnsPeer) -> None:
    with DnsPeer() as broken:
        broken.fail(None, "servfail")
        ctx = context(tmp_path, parent_servers={"example": [broken.address, parent.address]})

        delegation = await lookup_delegation("acme.example", ctx)

    assert delegation.server == parent.address
    assert delegation.nameservers == ACME_NS


async def test_it_retries_over_tcp_when_the_parent_truncates_its_answer(
    tmp_path: Path, parent: DnsPeer
) -> None:
    parent.truncate_udp = True

    finding = await check(tmp_path, parent)

    assert finding.status is Status.OK
    assert [q.tcp for q in parent.asked("acme.example", "NS")] == [False, True]


async def test_it_reports_whether_the_parent_holds_a_ds_record(tmp_path: Path, parent: DnsPeer) -> None:
    unsigned = await check(tmp_path, parent)
    parent.add("acme.example", "DS", "12345 15 2 " + "ab" * 32)
    signed = await check(tmp_path, parent)

    assert (unsigned.details["ds"], signed.details["ds"]) == (False, True)
