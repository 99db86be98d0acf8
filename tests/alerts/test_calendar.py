"""/calendar.ics: expiry, remind_at and confirm_by dates as all-day events with stable UIDs, read with
a calendar token in the URL — a token that opens nothing else."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy import select

from standby.core.expiry import expiry_details
from standby.engine.models import CheckState
from tests.api.seed import seed
from tests.web.signin import Site


@pytest.fixture
def feed(site: Site) -> httpx.Client:
    seed(site)
    return site.client()


def events(site: Site, token: str, **params: str) -> list[tuple[date, str, str]]:
    reply = site.client().get("/calendar.ics", params={"token": token, **params})
    assert reply.status_code == 200 and reply.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(reply.content)
    assert str(calendar["X-WR-CALNAME"]) == "Acme Corp renewals (Standby)"
    return sorted((e.decoded("dtstart"), str(e["summary"]), str(e["uid"])) for e in calendar.walk("VEVENT"))


def test_every_expiry_reminder_and_confirmation_date_is_an_all_day_event(
    site: Site, feed: httpx.Client
) -> None:
    token = site.token("dana-calendar", role="viewer", calendar=True)
    found = events(site, token)
    domain = [(day, summary) for day, summary, _ in found if "www" not in summary]
    assert domain == [
        (date(2025, 3, 24), "acme.example expires in 90 days"),
        (date(2025, 4, 23), "acme.example expires in 60 days"),
        (date(2025, 5, 23), "Confirm the renewal of acme.example"),  # confirm_by: 30 days before
        (date(2025, 5, 23), "acme.example expires in 30 days"),
        (date(2025, 6, 8), "acme.example expires in 14 days"),
        (date(2025, 6, 15), "acme.example expires in 7 days"),
        (date(2025, 6, 19), "acme.example expires in 3 days"),
        (date(2025, 6, 21), "acme.example expires in 1 day"),
        (date(2025, 6, 22), "acme.example expires"),  # 2025-06-22 13:00 UTC is 09:00 in New York
    ]
    certificate = [(d, s) for d, s, _ in found if "www.acme.example" in s]
    assert len(certificate) == 6 and (date(2025, 8, 1), "www.acme.example:443 expires") in certificate
    assert len({uid for *_, uid in found}) == len(found) == 15


def test_uids_are_stable_across_fetches_and_change_with_a_new_expiry(site: Site, feed: httpx.Client) -> None:
    token = site.token("cal", role="viewer", calendar=True)
    first = events(site, token)
    site.clock.advance(timedelta(hours=5))
    assert events(site, token) == first
    with site.sessions.begin() as session:  # renewed: a year later
        state = session.scalars(select(CheckState).where(CheckState.check == "registration")).one()
        state.details = expiry_details(site.clock.now() + timedelta(days=385), site.clock.now())
    renewed = {uid for _, s, uid in events(site, token) if "www" not in s}
    assert renewed.isdisjoint({uid for _, s, uid in first if "www" not in s})


def test_the_feed_can_be_limited_to_one_owner(site: Site, feed: httpx.Client) -> None:
    token = site.token("lee-calendar", role="viewer", calendar=True)
    assert {s.split(" ")[0] for _, s, _ in events(site, token, owner="lee")} == {"www.acme.example:443"}


def test_a_calendar_token_opens_the_calendar_and_nothing_else(site: Site, feed: httpx.Client) -> None:
    token = site.token("cal", role="viewer", calendar=True)
    assert feed.get("/api/v1/assets", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert feed.get("/metrics", params={"token": token}).status_code == 401
    assert feed.get("/calendar.ics").status_code == 401


def test_an_api_token_is_never_accepted_in_the_url(site: Site, feed: httpx.Client) -> None:
    api = site.token("ci", role="viewer")
    assert feed.get("/calendar.ics", params={"token": api}).status_code == 401
    assert feed.get("/calendar.ics", headers={"Authorization": f"Bearer {api}"}).status_code == 200
