from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from standby.core.clock import ManualClock
from standby.core.net import Network
from standby.integrations.errors import PlatformDown, PlatformRefused, QuotaReached
from standby.integrations.marketo.client import Limits, MarketoClient, next_quota_reset
from standby.integrations.marketo.leads import submit_form, sync_leads
from standby.integrations.marketo.lists import list_members, static_lists
from tests.integrations.conftest import NOW, ScaledClock
from tests.peers.marketo import MarketoFake


@pytest.fixture
def mkto(clock: ManualClock) -> Iterator[MarketoFake]:
    with MarketoFake(clock=clock) as fake:
        fake.db.forms[2187] = {"email", "firstName", "lastName", "company"}
        yield fake


def client_for(fake: MarketoFake, clock: ManualClock, network: Network, **limits: Any) -> MarketoClient:
    return MarketoClient(
        base_url=fake.url,
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        network=network,
        clock=clock,
        limits=Limits(**limits),
    )


@pytest.fixture
def client(mkto: MarketoFake, clock: ManualClock, network: Network) -> MarketoClient:
    return client_for(mkto, clock, network)


def lead(n: int, **extra: Any) -> dict[str, Any]:
    return {"email": f"lead{n}@example.com", "firstName": f"Lead {n}", **extra}


async def test_it_reuses_one_token_until_it_expires(
    client: MarketoClient, mkto: MarketoFake, clock: ManualClock
) -> None:
    for n in range(3):
        await sync_leads(client, [lead(n)])
    assert client.tokens.issued == 1
    clock.advance(timedelta(hours=1, seconds=1))
    await sync_leads(client, [lead(9)])
    assert client.tokens.issued == 2
    assert mkto.answered["602"] == mkto.answered["601"] == 0  # it knew the expiry: no refused call


async def test_it_renews_the_token_on_602_and_601_and_retries_the_same_call(
    client: MarketoClient, mkto: MarketoFake
) -> None:
    await sync_leads(client, [lead(1)])
    mkto.expire_tokens()  # Marketo's clock and ours disagree about the hour
    [result] = await sync_leads(client, [lead(2)])
    assert result.delivered and mkto.answered["602"] == 1
    mkto.expire_tokens()
    mkto.expire_tokens()
    await sync_leads(client, [lead(3)])
    assert client.tokens.issued == 3
    assert mkto.writes == {"lead1@example.com": 1, "lead2@example.com": 1, "lead3@example.com": 1}


async def test_bad_credentials_are_permanent_and_say_what_to_check(
    mkto: MarketoFake, clock: ManualClock, network: Network
) -> None:
    client = client_for(mkto, clock, network)
    mkto.client_secret = "rotated"  # someone rotated the secret in Marketo's admin
    with pytest.raises(PlatformRefused, match=r"Bad client credentials.*client_secret"):
        await sync_leads(client, [lead(1)])


async def test_sync_leads_answers_each_record_in_order_with_skipped_reasons(
    client: MarketoClient, mkto: MarketoFake
) -> None:
    mkto.add_lead(email="lead2@example.com", firstName="Old")
    mkto.refuse("lead4@example.com", "1003", "Invalid data")
    results = await sync_leads(client, [lead(1), lead(2), lead(3, notAField__c="x"), lead(4)])
    assert [(r.delivered, r.outcome) for r in results] == [
        (True, "created"),
        (True, "updated"),
        (False, "skipped"),
        (False, "skipped"),
    ]
    assert results[0].remote_id is not None
    assert results[2].reason == "1006 Field 'notAField__c' not found"
    assert results[3].reason == "1003 Invalid data"
    assert mkto.db.by_email("lead2@example.com")[0].fields["firstName"] == "Lead 2"


async def test_submit_form_keeps_the_visitor_and_refuses_an_unknown_form(
    client: MarketoClient, mkto: MarketoFake
) -> None:
    visitor = {"pageURL": "https://www.example.com/demo", "leadClientIpAddress": "203.0.113.24"}
    result = await submit_form(client, form_id=2187, fields=lead(1), visitor=visitor, program_id=4410)
    assert (result.delivered, result.outcome) == (True, "created")
    assert mkto.db.form_fills == [
        {"form": 2187, "email": "lead1@example.com", "visitor": visitor, "program": 4410}
    ]
    skipped = await submit_form(client, form_id=2187, fields=lead(2, phone="555"))
    assert (skipped.delivered, skipped.reason) == (False, "1003 Form validation failed")
    with pytest.raises(PlatformRefused, match=r"1013 Object not found; .*form_id"):
        await submit_form(client, form_id=99, fields=lead(3))


async def test_a_606_storm_backs_off_and_each_lead_arrives_once(
    client: MarketoClient, mkto: MarketoFake, clock: ManualClock
) -> None:
    start = clock.now()
    mkto.fail_next("606", 4)
    [result] = await sync_leads(client, [lead(1)])
    assert result.delivered
    assert mkto.answered["606"] == 4 and mkto.writes["lead1@example.com"] == 1
    assert clock.now() - start >= timedelta(seconds=0.5 + 1 + 2 + 4)  # half-jittered 1, 2, 4, 8 s


async def test_a_storm_longer_than_the_retries_is_still_down(
    client: MarketoClient, mkto: MarketoFake
) -> None:
    mkto.fail_next("606", 50)
    with pytest.raises(PlatformDown, match="throttling every call"):
        await sync_leads(client, [lead(1)])
    assert mkto.answered["606"] == client.limits.throttled_retries + 1


async def test_the_daily_quota_pauses_every_call_until_midnight_central(
    client: MarketoClient, mkto: MarketoFake, clock: ManualClock
) -> None:
    mkto.daily_quota = 2
    await sync_leads(client, [lead(1)])
    await sync_leads(client, [lead(2)])
    with pytest.raises(QuotaReached) as caught:
        await sync_leads(client, [lead(3)])
    assert caught.value.until == mkto.quota_resets_at() == next_quota_reset(clock.now())
    asked = mkto.answered["607"]
    with pytest.raises(QuotaReached):
        await sync_leads(client, [lead(3)])
    assert mkto.answered["607"] == asked  # paused: Marketo was not asked again
    clock.set(caught.value.until + timedelta(seconds=1))
    assert (await sync_leads(client, [lead(3)]))[0].delivered


@pytest.mark.parametrize("mode", ["503", "502-html", "drop"])
async def test_an_outage_is_still_down_after_a_bounded_number_of_tries(
    client: MarketoClient, mkto: MarketoFake, mode: str
) -> None:
    await sync_leads(client, [lead(1)])
    mkto.down(mode)
    before = len(mkto.http.requests)
    with pytest.raises(PlatformDown, match="still down"):
        await sync_leads(client, [lead(2)])
    assert len(mkto.http.requests) - before == client.limits.transient_retries + 1
    mkto.up()
    assert (await sync_leads(client, [lead(2)]))[0].delivered


@pytest.mark.parametrize("code", ["604", "608", "611", "614", "713"])
async def test_transient_error_codes_mean_still_down(
    client: MarketoClient, mkto: MarketoFake, code: str
) -> None:
    mkto.fail_next(code, 10)
    with pytest.raises(PlatformDown, match=f"still down: {code}"):
        await sync_leads(client, [lead(1)])
    assert mkto.writes == {}


async def test_it_stays_inside_100_calls_per_20_seconds(
    client: MarketoClient, mkto: MarketoFake, clock: ManualClock
) -> None:
    start = clock.now()
    for n in range(150):
        await sync_leads(client, [lead(n)])
    assert mkto.answered["606"] == 0 and mkto.window.peak <= 100
    assert clock.now() - start >= timedelta(seconds=149 * 0.2)  # evenly spread: 5 calls a second


async def test_it_stays_inside_10_concurrent_calls(
    mkto: MarketoFake, clock: ManualClock, network: Network
) -> None:
    mkto.latency = 0.05
    client = client_for(mkto, clock, network)
    await asyncio.gather(*(sync_leads(client, [lead(n)]) for n in range(30)))
    assert mkto.in_flight.peak <= 10 and mkto.answered["615"] == 0
    assert len(mkto.writes) == 30


async def test_the_fake_refuses_a_call_over_its_concurrency_with_615_and_the_client_waits(
    network: Network,
) -> None:
    clock = ScaledClock(NOW)  # the calls in flight overlap in real time: so must the backoff
    with MarketoFake(clock=clock, latency=0.1, concurrent=3) as mkto:
        client = client_for(mkto, clock, network, concurrent=8, throttled_retries=10)  # more than allowed
        results = await asyncio.gather(*(sync_leads(client, [lead(n)]) for n in range(8)))
    assert mkto.answered["615"] > 0 and mkto.in_flight.peak == 3
    assert all(r[0].delivered for r in results) and len(mkto.writes) == 8


async def test_static_lists_and_members_page_with_next_page_tokens(
    client: MarketoClient, mkto: MarketoFake
) -> None:
    ids = [mkto.add_lead(email=f"m{n}@example.com").id for n in range(700)]
    webinar = mkto.db.add_list("Webinar 2024-05 Registrants", ids, program="2024-05 Webinar")
    mkto.db.add_list("Empty", [])
    names = [item["name"] async for item in static_lists(client)]
    assert names == ["Webinar 2024-05 Registrants", "Empty"]
    pages = [page async for page in list_members(client, webinar.id, fields=("id", "email"))]
    assert [len(p) for p in pages] == [300, 300, 100]
    assert [m["email"] for p in pages for m in p] == [f"m{n}@example.com" for n in range(700)]
