"""Each registrar client against its fake: every page read, what the registrar says parsed, a refused
key a permanent error that says what to do, a 429 waited out on the clock, a missing domain None."""

from __future__ import annotations

from datetime import timedelta

import pytest

from standby.core.clock import ManualClock
from standby.probes.context import ProbeContext
from standby.registrars.accounts import client
from standby.registrars.record import RegistrarError
from tests.peers.registrars import CloudflareFake, GandiFake, GoDaddyFake, PorkbunFake, RegistrarFake
from tests.registrars.conftest import NOW, account

EXPIRES = NOW + timedelta(days=200)


def godaddy(fake: RegistrarFake, secret: str = "gd-secret") -> dict[str, str]:
    return {"id": "gd", "kind": "godaddy", "api_key": "gd-key", "api_secret": secret, "base_url": fake.url}


def cloudflare(fake: RegistrarFake, token: str = "cf-token") -> dict[str, str]:
    return {
        "id": "cf",
        "kind": "cloudflare",
        "token": token,
        "account_id": "023e105f4ecef8ad",
        "base_url": fake.url,
    }


def gandi(fake: RegistrarFake, token: str = "pat_gandi") -> dict[str, str]:
    return {"id": "ga", "kind": "gandi", "token": token, "base_url": fake.url}


def porkbun(fake: RegistrarFake, secret: str = "sk1_secret") -> dict[str, str]:
    return {"id": "pb", "kind": "porkbun", "api_key": "pk1_key", "api_secret": secret, "base_url": fake.url}


KINDS = [(GoDaddyFake, godaddy), (CloudflareFake, cloudflare), (GandiFake, gandi), (PorkbunFake, porkbun)]
IDS = ["godaddy", "cloudflare", "gandi", "porkbun"]


@pytest.mark.parametrize(("fake_type", "make"), KINDS, ids=IDS)
async def test_it_reads_every_page_of_an_account_and_what_the_registrar_says(
    fake_type: type[RegistrarFake], make: object, clock: ManualClock, ctx: ProbeContext
) -> None:
    with fake_type(clock) as fake:
        for i in range(130):
            fake.add(f"brand{i:03}.example", expires=EXPIRES + timedelta(days=i))
        fake.add("acme.example", expires=EXPIRES, auto_renew=False, locked=False)
        api = await client(account(**make(fake)), ctx)  # type: ignore[operator]
        api.page_size = 40  # type: ignore[attr-defined]  # so 131 domains take four pages
        if isinstance(fake, PorkbunFake):
            fake.chunk = 40
        found = {d.name: d for d in await api.list()}
    assert len(found) == 131
    acme = found["acme.example"]
    assert (acme.auto_renew, acme.transfer_lock) == (False, False)
    assert acme.expires_at is not None and abs(acme.expires_at - EXPIRES) < timedelta(seconds=1)
    assert acme.lapsing is None
    brand = found["brand007.example"]
    assert (brand.auto_renew, brand.transfer_lock) == (True, True)
    assert len(fake.requests) >= 4  # it paged


@pytest.mark.parametrize(("fake_type", "make"), KINDS, ids=IDS)
async def test_a_refused_key_is_a_permanent_error_that_names_the_account(
    fake_type: type[RegistrarFake], make: object, clock: ManualClock, ctx: ProbeContext
) -> None:
    with fake_type(clock) as fake:
        api = await client(account(**make(fake, "wrong")), ctx)  # type: ignore[operator]
        with pytest.raises(RegistrarError) as caught:
            await api.list()
    assert caught.value.permanent
    text = str(caught.value)
    assert "'" in text and ("key" in text or "credentials" in text)
    assert len(fake.requests) == 1  # a refused key is never retried


@pytest.mark.parametrize(("fake_type", "make"), KINDS[:3], ids=IDS[:3])
async def test_a_domain_the_account_does_not_hold_is_none(
    fake_type: type[RegistrarFake], make: object, clock: ManualClock, ctx: ProbeContext
) -> None:
    with fake_type(clock) as fake:
        fake.add("acme.example", expires=EXPIRES)
        api = await client(account(**make(fake)), ctx)  # type: ignore[operator]
        assert await api.get("other.example") is None
        found = await api.get("acme.example")
    assert found is not None and found.auto_renew is True


@pytest.mark.parametrize(("fake_type", "make"), KINDS, ids=IDS)
async def test_a_rate_limit_is_waited_out_on_the_clock_and_the_listing_completes(
    fake_type: type[RegistrarFake], make: object, clock: ManualClock, ctx: ProbeContext
) -> None:
    with fake_type(clock) as fake:
        fake.limit, fake.window = 2, timedelta(seconds=30)
        if isinstance(fake, PorkbunFake):
            fake.chunk = 1
        for i in range(4):
            fake.add(f"d{i}.example", expires=EXPIRES)
        api = await client(account(**make(fake)), ctx)  # type: ignore[operator]
        api.page_size = 1  # type: ignore[attr-defined]
        started = clock.now()
        found = await api.list()
    assert len(found) == 4
    assert fake.throttled >= 1
    assert clock.now() - started >= timedelta(seconds=20)  # it waited as told, on the injected clock


async def test_godaddy_statuses_that_mean_lapsing_are_reported(clock: ManualClock, ctx: ProbeContext) -> None:
    with GoDaddyFake(clock) as fake:
        fake.add("gone.example", expires=NOW - timedelta(days=3), status="EXPIRED")
        fake.add("held.example", expires=EXPIRES, status="HELD_DISPUTED")
        fake.add("fine.example", expires=EXPIRES, status="PENDING_DNS_ACTIVE")
        found = {d.name: d for d in await (await client(account(**godaddy(fake)), ctx)).list()}
    assert found["gone.example"].lapsing == "GoDaddy shows it as EXPIRED"
    assert found["held.example"].lapsing == "GoDaddy shows it as HELD_DISPUTED"
    assert found["fine.example"].lapsing is None


async def test_cloudflare_and_gandi_lapsing_states(clock: ManualClock, ctx: ProbeContext) -> None:
    with CloudflareFake(clock) as cf, GandiFake(clock) as ga:
        cf.add("acme.example", expires=EXPIRES, status="redemption_period")
        ga.add("acme.example", expires=EXPIRES, statuses=["clientHold", "clientTransferProhibited"])
        by_cf = await (await client(account(**cloudflare(cf)), ctx)).get("acme.example")
        by_ga = await (await client(account(**gandi(ga)), ctx)).get("acme.example")
    assert by_cf is not None and by_cf.lapsing == "Cloudflare shows it as redemption_period"
    assert by_ga is not None and by_ga.lapsing == "Gandi shows it as clientHold" and by_ga.transfer_lock


async def test_a_registrar_that_is_down_is_a_retryable_error(clock: ManualClock, ctx: ProbeContext) -> None:
    with GoDaddyFake(clock) as fake:
        settings = godaddy(fake)
    api = await client(account(**settings), ctx)  # nothing listens there any more
    with pytest.raises(RegistrarError) as caught:
        await api.list()
    assert not caught.value.permanent and "could not be reached" in str(caught.value)
