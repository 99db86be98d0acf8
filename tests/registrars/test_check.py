"""The registrar check of a domain, through a fake GoDaddy and a local RDAP registry: every rule of
the verdict, the daily schedule of listings, and the verification around the expiry date."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from standby.core.clock import ManualClock
from standby.core.status import Finding, Status
from standby.plan.model import Domain
from standby.plan.registrars import RegistrarAccount
from standby.probes.context import ProbeContext
from standby.registrars.check import check_registrar
from tests.peers.context import probe_context
from tests.peers.rdap import RdapPeer, domain_object
from tests.peers.registrars import GoDaddyFake
from tests.registrars.conftest import NOW

EXPIRES = NOW + timedelta(days=200)


@pytest.fixture
def registry() -> Iterator[RdapPeer]:
    with RdapPeer(tlds=["example"]) as peer:
        yield peer


@pytest.fixture
def godaddy(clock: ManualClock) -> Iterator[GoDaddyFake]:
    with GoDaddyFake(clock) as fake:
        yield fake


@pytest.fixture
async def net(clock: ManualClock, tmp_path: Path, registry: RdapPeer) -> AsyncIterator[ProbeContext]:
    async with probe_context(NOW, tmp_path, clock=clock, rdap_bootstrap=registry.bootstrap_url) as ctx:
        yield ctx


def accounts(fake: GoDaddyFake, *more: dict[str, Any]) -> list[RegistrarAccount]:
    first = {
        "id": "gd",
        "kind": "godaddy",
        "api_key": "gd-key",
        "api_secret": "gd-secret",
        "base_url": fake.url,
    }
    return [RegistrarAccount.model_validate(a) for a in (first, *more)]


def registered(registry: RdapPeer, name: str, expires: datetime) -> None:
    registry.domains[name] = domain_object(name, expires=expires, nameservers=["ns1.dns.example"])


async def check(name: str, fake: GoDaddyFake, ctx: ProbeContext, **domain: Any) -> Finding:
    (found,) = await check_registrar(Domain(name=name, owner="dana", **domain), accounts(fake), ctx)
    assert (found.asset, found.check, found.owner) == (f"domain:{name}", "registrar", "dana")
    return found


async def test_auto_renew_on_and_locked_with_the_registry_agreeing_is_ok_and_verified(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext
) -> None:
    godaddy.add("acme.example", expires=EXPIRES)
    registered(registry, "acme.example", EXPIRES)
    found = await check("acme.example", godaddy, net, registrar="gd")
    assert found.status is Status.OK, found.summary
    assert "auto-renew is on at GoDaddy (gd)" in found.summary and "the registry agrees" in found.summary
    assert found.details["verified"] is True and found.details["account"] == "gd"


async def test_auto_renew_off_is_critical_within_warn_within_and_a_warning_further_out(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext
) -> None:
    godaddy.add("near.example", expires=NOW + timedelta(days=20), auto_renew=False)
    godaddy.add("far.example", expires=EXPIRES, auto_renew=False)
    registered(registry, "near.example", NOW + timedelta(days=20))
    registered(registry, "far.example", EXPIRES)
    near = await check("near.example", godaddy, net)
    far = await check("far.example", godaddy, net)
    assert near.status is Status.CRITICAL and "auto-renew is off" in near.summary
    assert far.status is Status.WARNING and "auto-renew is off" in far.summary
    assert near.details["verified"] is False


async def test_transfer_lock_off_is_a_warning(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext
) -> None:
    godaddy.add("acme.example", expires=EXPIRES, locked=False)
    registered(registry, "acme.example", EXPIRES)
    found = await check("acme.example", godaddy, net)
    assert found.status is Status.WARNING and "transfer lock is off" in found.summary


async def test_a_registrar_expiry_earlier_than_the_registrys_is_critical(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext
) -> None:
    godaddy.add("acme.example", expires=EXPIRES)
    registered(registry, "acme.example", EXPIRES + timedelta(days=365))
    found = await check("acme.example", godaddy, net)
    assert found.status is Status.CRITICAL
    assert "earlier than the registry's" in found.summary


async def test_a_domain_missing_from_the_account_it_names_is_critical(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext
) -> None:
    godaddy.add("other.example", expires=EXPIRES)
    found = await check("acme.example", godaddy, net, registrar="gd")
    assert found.status is Status.CRITICAL
    assert "not in the registrar account 'gd'" in found.summary


async def test_a_domain_no_account_lists_is_renewal_unverified(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext
) -> None:
    found = await check("acme.example", godaddy, net)
    assert found.status is Status.UNKNOWN and found.summary.startswith("renewal unverified")
    assert "registrar: none" in found.summary and found.details["unverified"] is True


async def test_refused_credentials_are_unknown_never_a_verdict_about_the_domain(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext
) -> None:
    godaddy.auth = "sso-key other:other"
    found = await check("acme.example", godaddy, net, registrar="gd")
    assert found.status is Status.UNKNOWN
    assert "refused the GoDaddy account 'gd'" in found.summary or "refused" in found.summary


async def test_the_account_is_listed_once_a_day_for_all_its_domains(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext, clock: ManualClock
) -> None:
    for name in ("a.example", "b.example", "c.example"):
        godaddy.add(name, expires=EXPIRES)
        registered(registry, name, EXPIRES)
    for _ in range(3):
        for name in ("a.example", "b.example", "c.example"):
            assert (await check(name, godaddy, net)).status is Status.OK
        clock.advance(timedelta(hours=1))
    assert len(godaddy.requests) == 1  # one listing served nine checks over three hours
    clock.advance(timedelta(days=1))
    await check("a.example", godaddy, net)
    assert len(godaddy.requests) == 2  # the daily schedule


async def test_around_the_expiry_a_renewal_that_did_not_happen_is_critical_even_when_the_registry_moved_on(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext, clock: ManualClock
) -> None:
    """marketo.com, July 2017: the registry auto-renewed it a year ahead; the registrar never got paid."""
    expiry = NOW + timedelta(days=2)
    domain = godaddy.add("acme.example", expires=expiry)
    registered(registry, "acme.example", expiry)
    assert (await check("acme.example", godaddy, net)).status is Status.OK
    clock.advance(timedelta(days=3))  # the expiry passes; the card on file failed
    registered(registry, "acme.example", expiry.replace(year=expiry.year + 1))
    found = await check("acme.example", godaddy, net)
    assert found.status is Status.CRITICAL
    assert "did not move forward: the renewal did not happen at the registrar" in found.summary
    assert "automatic one-year extension" in found.summary
    clock.advance(timedelta(hours=1))  # paid an hour later: read directly, not from yesterday's listing
    domain.expires = expiry.replace(year=expiry.year + 1)
    assert (await check("acme.example", godaddy, net)).status is Status.OK


async def test_an_expired_status_in_the_account_is_critical(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext
) -> None:
    godaddy.add("acme.example", expires=EXPIRES, status="EXPIRED")
    registered(registry, "acme.example", EXPIRES)
    found = await check("acme.example", godaddy, net)
    assert found.status is Status.CRITICAL and "GoDaddy shows it as EXPIRED" in found.summary


async def test_a_domain_with_registrar_none_is_not_looked_up(
    godaddy: GoDaddyFake, registry: RdapPeer, net: ProbeContext
) -> None:
    found = await check("acme.example", godaddy, net, registrar="none")
    assert found.status is Status.UNKNOWN and not godaddy.requests
