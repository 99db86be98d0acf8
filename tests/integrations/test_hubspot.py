from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from standby.core.clock import ManualClock
from standby.core.net import Network
from standby.integrations.errors import PlatformDown, PlatformRefused, QuotaReached
from standby.integrations.hubspot import forms
from standby.integrations.hubspot.client import HubSpotClient, Limits
from standby.integrations.hubspot.contacts import contacts, upsert_by_email
from standby.integrations.hubspot.lists import all_lists, memberships
from tests.peers.hubspot import HubSpotFake


@pytest.fixture
def hubspot(clock: ManualClock) -> Iterator[HubSpotFake]:
    with HubSpotFake(clock=clock) as fake:
        fake.forms[("4410", "a1b2-c3d4")] = {"email"}
        yield fake


def client_for(fake: HubSpotFake, clock: ManualClock, network: Network, **limits: Any) -> HubSpotClient:
    return HubSpotClient(
        token=fake.token,
        network=network,
        clock=clock,
        base_url=fake.url,
        forms_url=fake.url,
        limits=Limits(**limits),
    )


@pytest.fixture
def client(hubspot: HubSpotFake, clock: ManualClock, network: Network) -> HubSpotClient:
    return client_for(hubspot, clock, network)


def contact(n: int, **extra: str) -> dict[str, str]:
    return {"email": f"c{n}@example.com", "firstname": f"C{n}", **extra}


async def test_upsert_by_email_creates_then_updates(client: HubSpotClient, hubspot: HubSpotFake) -> None:
    hubspot.add_contact(email="c2@example.com", firstname="Old")
    results = await upsert_by_email(client, [contact(1), contact(2)])
    assert [(r.delivered, r.outcome) for r in results] == [(True, "created"), (True, "updated")]
    assert hubspot.by_email("c2@example.com").properties["firstname"] == "C2"  # type: ignore[union-attr]
    assert hubspot.writes == {"c1@example.com": 1, "c2@example.com": 1}


async def test_an_invalid_email_in_a_batch_is_skipped_with_hubspots_reason(
    client: HubSpotClient, hubspot: HubSpotFake
) -> None:
    results = await upsert_by_email(client, [contact(1), {"email": "not-an-email"}, contact(3)])
    assert [r.delivered for r in results] == [True, False, True]
    assert results[1].reason == "Email address not-an-email is invalid"
    assert hubspot.answered[207] == 1


async def test_a_batch_refused_whole_is_split_until_the_bad_record_stands_alone(
    client: HubSpotClient, hubspot: HubSpotFake
) -> None:
    batch = [contact(n) for n in range(8)]
    batch[5] = contact(5, favourite_colour="teal")
    results = await upsert_by_email(client, batch)
    assert [r.delivered for r in results] == [True] * 5 + [False] + [True] * 2
    assert results[5].reason is not None and 'Property "favourite_colour" does not exist' in results[5].reason
    assert hubspot.answered[400] == 4  # 8 → 4 → 2 → 1: one refusal at each level
    assert sum(hubspot.writes.values()) == 7


async def test_it_follows_the_rate_headers_and_never_hits_429(
    hubspot: HubSpotFake, clock: ManualClock, network: Network
) -> None:
    hubspot.burst = 10  # a Starter account's share, once the headers say so
    client = client_for(hubspot, clock, network, calls=10)
    for n in range(30):
        await upsert_by_email(client, [contact(n)])
    assert hubspot.answered[429] == 0 and hubspot.window.peak <= 10


@pytest.mark.parametrize(("retry_after", "wait"), [(False, 10), (True, 6)])
async def test_429_waits_retry_after_or_the_interval_then_retries(
    hubspot: HubSpotFake, clock: ManualClock, network: Network, retry_after: bool, wait: float
) -> None:
    hubspot.retry_after = retry_after
    for n in range(hubspot.burst):  # another app of the account used the whole burst
        if n == hubspot.burst // 2:
            clock.advance(timedelta(seconds=4))
        hubspot.window.add()
    start = clock.now()
    [result] = await upsert_by_email(client_for(hubspot, clock, network), [contact(1)])
    assert result.delivered and hubspot.answered[429] == 1
    assert clock.now() - start >= timedelta(seconds=wait)


async def test_the_daily_limit_pauses_calls(
    client: HubSpotClient, hubspot: HubSpotFake, clock: ManualClock
) -> None:
    hubspot.daily = 1
    await upsert_by_email(client, [contact(1)])
    with pytest.raises(QuotaReached, match="daily limit") as caught:
        await upsert_by_email(client, [contact(2)])
    assert caught.value.until <= clock.now() + timedelta(hours=1)
    with pytest.raises(QuotaReached):
        await upsert_by_email(client, [contact(2)])
    assert hubspot.answered[429] == 1  # paused: not asked again


async def test_a_bad_token_or_missing_scope_is_permanent(
    hubspot: HubSpotFake, clock: ManualClock, network: Network
) -> None:
    client = client_for(hubspot, clock, network)
    hubspot.tokens[hubspot.token] = {"crm.objects.contacts.read"}
    with pytest.raises(PlatformRefused, match=r"403 MISSING_SCOPES.*scopes"):
        await upsert_by_email(client, [contact(1)])
    hubspot.tokens.clear()
    with pytest.raises(PlatformRefused, match=r"401 INVALID_AUTHENTICATION.*token"):
        await upsert_by_email(client, [contact(1)])


@pytest.mark.parametrize("mode", ["503", "502-html", "drop"])
async def test_an_outage_is_still_down(client: HubSpotClient, hubspot: HubSpotFake, mode: str) -> None:
    hubspot.down(mode)
    with pytest.raises(PlatformDown):
        await upsert_by_email(client, [contact(1)])
    assert len(hubspot.http.requests) == client.limits.transient_retries + 1


async def test_form_submissions_are_accepted_skipped_or_refused(
    client: HubSpotClient, hubspot: HubSpotFake, clock: ManualClock
) -> None:
    submitted = clock.now() - timedelta(hours=2)
    ok = await forms.submit(
        client, portal_id="4410", form_guid="a1b2-c3d4", fields=contact(1), submitted_at=submitted,
        page_uri="https://www.example.com/demo", ip_address="203.0.113.24",
    )  # fmt: skip
    assert (ok.delivered, ok.outcome) == (True, "accepted")
    [sent] = hubspot.submissions
    assert sent["submittedAt"] == str(int(submitted.timestamp() * 1000))
    assert sent["context"] == {"pageUri": "https://www.example.com/demo", "ipAddress": "203.0.113.24"}
    bad = await forms.submit(
        client, portal_id="4410", form_guid="a1b2-c3d4", fields={"email": "x@"}, submitted_at=submitted
    )
    assert bad.reason == "INVALID_EMAIL: Error in 'fields.email'. Invalid email address"
    with pytest.raises(PlatformRefused, match=r"FORM_NOT_FOUND.*form_guid"):
        await forms.submit(
            client, portal_id="4410", form_guid="nope", fields=contact(2), submitted_at=submitted
        )


async def test_contacts_and_list_memberships_page_with_after(
    client: HubSpotClient, hubspot: HubSpotFake
) -> None:
    ids = [hubspot.add_contact(email=f"p{n}@example.com").id for n in range(230)]
    hubspot.add_list("Webinar registrants", ids[:260])
    pages = [page async for page in contacts(client)]
    assert [len(p) for p in pages] == [100, 100, 30]
    found = [x async for x in all_lists(client)]
    assert [x["name"] for x in found] == ["Webinar registrants"]
    members = [page async for page in memberships(client, found[0]["listId"], limit=100)]
    assert [m for p in members for m in p] == ids
