from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from standby.core.status import Finding, Status
from standby.plan.model import DnsCheck
from standby.probes.context import ProbeContext
from standby.probes.dns import check_dns
from standby.probes.sight import settle
from tests.peers.context import make_probe_context
from tests.peers.dns import DnsPeer, Signing

NOW = datetime(2026, 7, 25, 12, tzinfo=UTC)


def context(tmp_path: Path, **settings: Any) -> ProbeContext:
    return make_probe_context(NOW, tmp_path, **{"timeout": "0.3s", **settings})


@pytest.fixture
def resolver() -> Iterator[DnsPeer]:
    with DnsPeer(recursive=True) as peer:
        peer.add("www.acme.example", "A", "192.0.2.10", "192.0.2.11")
        peer.add("acme.example", "MX", "10 mx1.acme.example", "20 mx2.acme.example")
        peer.add(
            "acme.example", "TXT", '"v=spf1 include:_spf.mail.example ~all"', '"google-site-verification=abc"'
        )
        peer.add("acme.example", "CAA", '0 issue "letsencrypt.org"')
        peer.add("v6.acme.example", "AAAA", "2001:db8::1")
        yield peer


async def run(tmp_path: Path, resolver: DnsPeer, **check: Any) -> Finding:
    [finding] = await check_dns(DnsCheck(**check), context(tmp_path, resolvers=[resolver.address]))
    return finding


async def test_it_reports_ok_when_the_answers_are_exactly_the_expected_set_in_any_order(
    tmp_path: Path, resolver: DnsPeer
) -> None:
    finding = await run(tmp_path, resolver, name="www.acme.example", expect=["192.0.2.11", "192.0.2.10"])

    assert finding.status is Status.OK
    assert (finding.asset, finding.kind, finding.check) == ("dns:www.acme.example/A", "dns", "dns")
    assert finding.details == {
        "answers": ["192.0.2.10", "192.0.2.11"],
        "expected": ["192.0.2.10", "192.0.2.11"],
        "ttl": 300,
    }


@pytest.mark.parametrize(
    ("name", "rdtype", "expect"),
    [
        ("acme.example", "MX", ["20 MX2.acme.example.", "10 mx1.ACME.example"]),
        ("acme.example", "TXT", ["v=spf1 include:_spf.mail.example ~all", '"google-site-verification=abc"']),
        ("acme.example", "CAA", ["0 issue letsencrypt.org"]),
        ("v6.acme.example", "AAAA", ["2001:0db8:0:0::0001"]),
    ],
)
async def test_it_compares_values_the_way_people_write_them(
    tmp_path: Path, resolver: DnsPeer, name: str, rdtype: str, expect: list[str]
) -> None:
    finding = await run(tmp_path, resolver, name=name, type=rdtype, expect=expect)

    assert finding.status is Status.OK, finding.summary


async def test_it_reports_critical_with_what_came_back_when_the_answers_differ(
    tmp_path: Path, resolver: DnsPeer
) -> None:
    finding = await run(tmp_path, resolver, name="www.acme.example", expect=["192.0.2.10", "192.0.2.99"])

    assert finding.status is Status.CRITICAL
    assert finding.summary.startswith(
        "www.acme.example A is 192.0.2.10, 192.0.2.11, not the expected 192.0.2.10, 192.0.2.99 "
        "(missing 192.0.2.99; unexpected 192.0.2.11)"
    )


async def test_it_reports_critical_when_a_subset_matches_but_a_record_is_missing(
    tmp_path: Path, resolver: DnsPeer
) -> None:
    finding = await run(tmp_path, resolver, name="acme.example", type="MX", expect=["10 mx1.acme.example"])

    assert finding.status is Status.CRITICAL
    assert "unexpected 20 mx2.acme.example" in finding.summary


async def test_it_reports_critical_when_the_name_has_no_record_of_that_type(
    tmp_path: Path, resolver: DnsPeer
) -> None:
    finding = await run(tmp_path, resolver, name="www.acme.example", type="AAAA", expect=["2001:db8::10"])

    [seen], held = settle([finding], seeing=True)  # Standby's self-check passed: the answer is the truth
    assert seen.status is Status.CRITICAL and held == []
    assert seen.summary == "www.acme.example exists but has no AAAA record; expected 2001:db8::10."


async def test_it_reports_critical_when_the_name_does_not_exist(tmp_path: Path, resolver: DnsPeer) -> None:
    finding = await run(tmp_path, resolver, name="gone.acme.example")

    [seen], _ = settle([finding], seeing=True)
    assert seen.status is Status.CRITICAL
    assert "gone.acme.example does not exist (NXDOMAIN)" in seen.summary
    assert "local" not in seen.details and seen.details["error"] == seen.summary


async def test_a_denial_says_nothing_of_the_name_while_standby_cannot_see(
    tmp_path: Path, resolver: DnsPeer
) -> None:
    finding = await run(tmp_path, resolver, name="gone.acme.example")

    # Resolvers that deny every name deny this one too: only Standby's self-check can tell them apart.
    assert finding.status is Status.UNKNOWN and finding.details["local"] == "resolvers"
    assert finding.summary == (
        f"Standby cannot tell whether gone.acme.example resolves: its resolvers {resolver.address} say it "
        "does not, but Standby's own self-check fails"
    )
    said, [held] = settle([finding], seeing=False)
    assert said == [] and held.status is Status.UNKNOWN


async def test_it_reports_unknown_when_the_resolvers_do_not_answer(tmp_path: Path, resolver: DnsPeer) -> None:
    resolver.fail("www.acme.example", "drop")

    finding = await run(tmp_path, resolver, name="www.acme.example", expect=["192.0.2.10"])

    # Standby's own resolver did not answer: that is Standby's failure, unless it sees otherwise.
    assert finding.status is Status.UNKNOWN and finding.details["local"] == "resolvers"
    assert finding.summary == f"Standby cannot resolve names: its resolvers {resolver.address} do not answer"
    [seen], _ = settle([finding], seeing=True)  # the self-check passed: this name's servers are slow
    assert seen.summary == "No resolver answered for www.acme.example A within 0.3s."
    assert "local" not in seen.details and seen.status is Status.UNKNOWN


async def test_it_reports_unknown_when_the_resolvers_answer_servfail(
    tmp_path: Path, resolver: DnsPeer
) -> None:
    resolver.fail("www.acme.example", "servfail")

    finding = await run(tmp_path, resolver, name="www.acme.example")

    assert finding.status is Status.UNKNOWN
    assert "SERVFAIL" in finding.summary


async def test_it_only_requires_an_answer_when_nothing_is_expected(tmp_path: Path, resolver: DnsPeer) -> None:
    finding = await run(tmp_path, resolver, name="www.acme.example")

    assert finding.status is Status.OK
    assert finding.summary == "www.acme.example A resolves to 192.0.2.10, 192.0.2.11."


async def test_it_reports_unknown_when_the_plan_expects_a_value_that_is_not_a_record(
    tmp_path: Path, resolver: DnsPeer
) -> None:
    finding = await run(tmp_path, resolver, name="www.acme.example", expect=["not-an-address"])

    assert finding.status is Status.UNKNOWN
    assert "'not-an-address' is not a valid A value" in finding.summary


# --- DNSSEC -----------------------------------------------------------------------------------------


@pytest.fixture
def signing() -> Signing:
    return Signing(NOW)


@pytest.fixture
def child(signing: Signing) -> Iterator[DnsPeer]:
    """acme.example's own nameserver, signed."""
    with DnsPeer() as peer:
        peer.zone("acme.example", nameservers=["ns1.acme.example"], signing=signing)
        peer.add("www.acme.example", "A", "192.0.2.10", "192.0.2.11")
        yield peer


async def signatures(tmp_path: Path, resolver: DnsPeer, child: DnsPeer) -> Finding:
    ctx = context(
        tmp_path, resolvers=[resolver.address], authoritative_servers={"acme.example": [child.address]}
    )
    records, finding = await check_dns(DnsCheck(name="www.acme.example", dnssec=True), ctx)
    assert records.status is Status.OK
    assert (finding.asset, finding.check) == ("dns:www.acme.example/A", "dnssec")
    return finding


async def test_it_reports_ok_when_the_signatures_validate(
    tmp_path: Path, resolver: DnsPeer, child: DnsPeer, signing: Signing
) -> None:
    finding = await signatures(tmp_path, resolver, child)

    assert finding.status is Status.OK, finding.summary
    assert finding.details["server"] == child.address
    assert finding.details["key_tags"] == [signing.key_tag]
    assert finding.details["earliest_expiration"] == "2026-08-08T12:00:00Z"
    assert {s["rrset"] for s in finding.details["signatures"]} == {
        "acme.example DNSKEY",
        "www.acme.example A",
    }
    assert all(q.dnssec_ok for q in child.queries)


async def test_it_reports_critical_when_the_signatures_have_expired(
    tmp_path: Path, resolver: DnsPeer, child: DnsPeer, signing: Signing
) -> None:
    signing.inception, signing.expiration = timedelta(days=-15), timedelta(hours=-1)

    finding = await signatures(tmp_path, resolver, child)

    assert finding.status is Status.CRITICAL
    assert f"its signature by key {signing.key_tag} expired on 2026-07-25T11:00:00Z" in finding.summary
    assert "validating resolvers answer SERVFAIL" in finding.summary


async def test_it_reports_critical_when_the_signatures_are_not_valid_yet(
    tmp_path: Path, resolver: DnsPeer, child: DnsPeer, signing: Signing
) -> None:
    signing.inception = timedelta(hours=2)

    finding = await signatures(tmp_path, resolver, child)

    assert finding.status is Status.CRITICAL
    assert "is not valid until 2026-07-25T14:00:00Z" in finding.summary


@pytest.mark.parametrize(
    ("bogus", "says"),
    [("unknown-key", "which the zone does not publish (bogus)"), ("corrupt", "does not verify (bogus)")],
)
async def test_it_reports_critical_when_the_signatures_are_bogus(
    tmp_path: Path, resolver: DnsPeer, child: DnsPeer, signing: Signing, bogus: Any, says: str
) -> None:
    signing.bogus = bogus

    finding = await signatures(tmp_path, resolver, child)

    assert finding.status is Status.CRITICAL
    assert finding.summary.startswith(
        f"DNSSEC for www.acme.example A is broken at {child.address} — www.acme.example A:"
    )
    assert says in finding.summary
    assert "acme.example DNSKEY" not in finding.summary


async def test_it_warns_when_a_signature_expires_within_three_days(
    tmp_path: Path, resolver: DnsPeer, child: DnsPeer, signing: Signing
) -> None:
    signing.expiration = timedelta(days=2)

    finding = await signatures(tmp_path, resolver, child)

    assert finding.status is Status.WARNING
    assert "expires on 2026-07-27T12:00:00Z (in 2 days)" in finding.summary


async def test_it_reports_critical_when_the_zone_is_not_signed(tmp_path: Path, resolver: DnsPeer) -> None:
    with DnsPeer() as unsigned:
        unsigned.zone("acme.example")
        unsigned.add("www.acme.example", "A", "192.0.2.10")

        finding = await signatures(tmp_path, resolver, unsigned)

    assert finding.status is Status.CRITICAL
    assert "has no DNSKEY" in finding.summary


async def test_it_finds_the_authoritative_servers_through_the_resolvers_when_none_are_configured(
    tmp_path: Path, resolver: DnsPeer, child: DnsPeer
) -> None:
    resolver.add("acme.example", "SOA", "ns1.acme.example hostmaster.acme.example 1 7200 3600 1209600 300")
    resolver.add("acme.example", "NS", "ns1.acme.example")
    resolver.add("ns1.acme.example", "A", "127.0.0.1")
    ctx = context(tmp_path, resolvers=[resolver.address])

    _, finding = await check_dns(DnsCheck(name="www.acme.example", dnssec=True), ctx, port=child.port)

    assert finding.status is Status.OK, finding.summary
    assert finding.details["server"] == f"ns1.acme.example:{child.port}"


async def test_it_reports_unknown_when_the_authoritative_server_does_not_answer(
    tmp_path: Path, resolver: DnsPeer, child: DnsPeer
) -> None:
    child.fail(None, "drop")

    finding = await signatures(tmp_path, resolver, child)

    assert finding.status is Status.UNKNOWN
    assert f"{child.address} did not answer within 0.3s" in finding.summary
