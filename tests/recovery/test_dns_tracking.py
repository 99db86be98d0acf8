"""Tracking by itself: when acme.example's delegation recovers, the engine asks the public resolvers
every minute, puts each one's flip on the incident's timeline, explains the wait on the status page
once, and stops asking when all of them agree."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from standby.app.subscribers import RECLAIMS
from standby.core.timetext import at
from standby.engine import restart
from standby.incidents.models import Incident
from standby.recovery.dns import tracking
from standby.recovery.dns.models import RecoveryResolver, RecoverySample, RecoveryWatch
from standby.recovery.reports.incident import build
from tests.incidents.conftest import T0, World
from tests.peers.internet import HEALTHY_NS, PARKING_NS
from tests.recovery.resolvers import DOMAIN, Resolvers, resolvers

ASSET = f"domain:{DOMAIN}"


@pytest.fixture
def dns(world: World) -> Iterator[Resolvers]:
    with resolvers(T0) as found:
        found.clock = world.clock  # the resolvers' TTLs fall with the world's clock
        for peer in found.peers.values():
            peer.now = world.clock.now
        domain = {"name": DOMAIN, "owner": "dana", "playbook": "marketo-down"}
        page = dict(world.data["status_page"])
        page["components"] = [*page["components"], {"asset": ASSET, "name": "Landing pages"}]
        settings = {**world.data["settings"], **found.settings()}
        world.edit_plan(domains=[domain], settings=settings, status_page=page)
        yield found


def at_minute(world: World, minutes: float) -> None:
    world.at(minutes)
    tracking.settle(world.sessions)


def recovery_events(world: World) -> list[str]:
    return [text for kind, text in world.timeline() if kind == "recovery"]


def test_each_resolvers_flip_is_on_the_timeline_and_tracking_stops_when_all_agree(
    world: World, dns: Resolvers
) -> None:
    parked = {"nameservers": PARKING_NS}
    world.check("critical", asset=ASSET, check="delegation", summary="parked", details=parked)
    world.at(0)
    assert world.incident().systems == [ASSET]

    world.clock.set(T0 + timedelta(minutes=60))
    world.check("ok", asset=ASSET, check="delegation", summary="fixed", details={"nameservers": HEALTHY_NS})
    assert recovery_events(world) == [
        f"DNS recovery tracking started for {DOMAIN}: asking the public resolvers when they have the fix"
    ]
    at_minute(world, 60)
    latest = at(dns.flip_time("Yandex DNS"), "America/New_York")
    headline = f"1 of 4 resolvers have the fix; all will by {latest} at the latest."
    assert recovery_events(world)[-1] == f"{DOMAIN}: {headline}"

    # The status page explains the wait once, in Standby's own words, with the time.
    last = world.updates()[-1]
    assert last.automatic and f"by {latest} at the latest" in last.what_we_know

    at_minute(world, 61)  # nothing flipped: nothing new on the timeline; the page shows the words
    page = json.loads((world.site / "api/v2/summary.json").read_text())
    assert "address books (DNS)" in page["incidents"][0]["incident_updates"][0]["body"]
    assert recovery_events(world)[-1] == f"{DOMAIN}: {headline}"
    at_minute(world, 70)
    assert recovery_events(world)[-1] == (
        f"Quad9 (global anycast) now answers {', '.join(HEALTHY_NS)}: 2 of 4 resolvers have the fix"
    )
    at_minute(world, 120)
    assert recovery_events(world)[-1].startswith("Cloudflare (global anycast) now answers")
    at_minute(world, 180)
    assert recovery_events(world)[-2:] == [
        f"Yandex DNS (Russia) now answers {', '.join(HEALTHY_NS)}: 4 of 4 resolvers have the fix",
        "All 4 resolvers have the fix. DNS recovery tracking stopped.",
    ]
    asked = {name: peer.asked for name, peer in dns.peers.items()}
    at_minute(world, 200)
    assert {name: peer.asked for name, peer in dns.peers.items()} == asked  # it stopped asking

    with world.sessions() as session:
        watch = session.scalars(select(RecoveryWatch)).one()
        assert (watch.state, watch.right, watch.asked, watch.parent_ttl) == ("done", 4, 4, 172800)
        curve = [
            (s.at - T0, s.right) for s in session.scalars(select(RecoverySample).order_by(RecoverySample.id))
        ]
        assert curve == [
            (timedelta(minutes=m), n) for m, n in ((60, 1), (61, 1), (70, 2), (120, 3), (180, 4))
        ]
        fixed = {r.name: r.fixed_at for r in session.scalars(select(RecoveryResolver))}
        assert fixed["Quad9"] == T0 + timedelta(minutes=70)
        assert fixed["Google Public DNS"] is None  # it had the fix when tracking began
    assert sum(u.automatic and "address books" in u.what_we_know for u in world.updates()) == 1

    # The incident's report draws the curve and lists each step of it.
    with world.sessions() as session:
        incident = session.get(Incident, world.incident().id)
        assert incident is not None
        report = build(session, incident, plan=world.plan, now=world.now)
    [recovery] = report.recovery
    assert recovery.steps == [
        ("10:00:00 EDT", "1 of 4"),
        ("10:10:00 EDT", "2 of 4"),
        ("11:00:00 EDT", "3 of 4"),
        ("12:00:00 EDT", "4 of 4"),
    ]
    assert "Resolvers with the fix: 4 of 4 at the last pass" in str(recovery.curve)
    assert f"## DNS recovery of {DOMAIN}" in report.markdown()


def test_a_check_that_was_never_about_dns_starts_no_tracking(world: World, dns: Resolvers) -> None:
    world.fail()
    world.at(0)
    world.check("ok", asset="vendor:marketo", check="statuspage", summary="back")
    with world.sessions() as session:
        assert session.scalars(select(RecoveryWatch)).first() is None


def test_a_watch_a_stopped_process_was_surveying_is_taken_back_when_an_engine_starts(
    world: World, dns: Resolvers
) -> None:
    world.check(
        "critical", asset=ASSET, check="delegation", summary="parked", details={"nameservers": PARKING_NS}
    )
    world.at(0)
    world.clock.set(T0 + timedelta(minutes=60))
    world.check("ok", asset=ASSET, check="delegation", summary="fixed", details={"nameservers": HEALTHY_NS})
    with world.sessions.begin() as session:  # worker w1 claimed it, then died mid-survey
        watch = session.scalars(select(RecoveryWatch)).one()
        watch.lease_owner, watch.lease_until = "w1", world.now + tracking.LEASE
    at_minute(world, 60)
    with world.sessions() as session:
        assert session.scalars(select(RecoveryWatch)).one().checked_at is None  # its lease holds it
    with world.sessions.begin() as session:  # what w1 does when it starts again
        assert restart.reclaim(session, worker="w1", now=world.now, also=RECLAIMS) == 1
    at_minute(world, 60)
    with world.sessions() as session:
        watch = session.scalars(select(RecoveryWatch)).one()
        assert (watch.checked_at, watch.lease_owner) == (world.now, None)  # surveyed at once
