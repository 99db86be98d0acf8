"""The tracker against local resolvers that still hold the parked delegation with falling TTLs: the
headline, each resolver's time, the parent zone's TTL, resolvers that cannot be asked, and
`standby recovery` (once, as JSON, and watching until every resolver has flipped)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from standby.cli import main
from standby.core.timetext import at
from standby.plan.model import Plan
from standby.probes.context import make_context
from standby.recovery.dns.cli import Watch, run
from standby.recovery.dns.survey import survey
from standby.recovery.dns.view import Expectation, Recovery
from tests.peers.internet import HEALTHY_NS
from tests.recovery.resolvers import DOMAIN, Resolvers, resolvers

T0 = datetime(2026, 7, 25, 11, 25, tzinfo=UTC)  # 07:25 in New York
TZ = "America/New_York"


@pytest.fixture
def world() -> Iterator[Resolvers]:
    with resolvers(T0) as found:
        yield found


def plan(world: Resolvers) -> Plan:
    return Plan.model_validate(
        {"version": 1, "organization": "Acme", "timezone": TZ, "settings": world.settings()}
    )


async def surveyed(world: Resolvers, minutes: float) -> Recovery:
    world.clock.set(T0 + timedelta(minutes=minutes))
    loaded = plan(world)
    ctx = make_context(loaded, world.clock)
    try:
        return await survey(DOMAIN, plan=loaded, ctx=ctx, fixed_at=T0)
    finally:
        await ctx.net.aclose()


async def test_each_resolver_has_the_fix_by_the_time_its_ttl_runs_out(world: Resolvers) -> None:
    found = await surveyed(world, 60)
    assert found.expected == Expectation.of({"NS": HEALTHY_NS})  # the parent's delegation: the fix
    assert found.parent is not None and found.parent.ttl == 172800 and found.parent.zone == "example"
    rows = {r.resolver.name: r for r in found.rows}
    assert rows["Google Public DNS"].verdict == "right"
    for name in ("Quad9", "Cloudflare", "Yandex DNS"):
        assert rows[name].verdict == "wrong"
        assert rows[name].at_latest == world.flip_time(name)
        assert rows[name].remaining == (world.flip_time(name) - world.clock.now()).total_seconds()
        assert "pendingrenewaldeletion" in rows[name].shown()
    latest = at(world.flip_time("Yandex DNS"), TZ)
    assert found.headline(TZ) == f"1 of 4 resolvers have the fix; all will by {latest} at the latest."
    assert latest == "2026-07-25 10:25 EDT"


async def test_the_headline_counts_down_as_they_flip_one_by_one(world: Resolvers) -> None:
    assert (await surveyed(world, 71)).right == 2
    assert (await surveyed(world, 121)).right == 3
    done = await surveyed(world, 180)
    assert done.done and done.headline(TZ) == "All 4 resolvers have the fix."


async def test_a_resolver_that_cannot_be_asked_is_counted_apart_and_given_no_time(world: Resolvers) -> None:
    world.peers["Yandex DNS"].silent = True
    found = await surveyed(world, 60)
    yandex = next(r for r in found.rows if r.resolver.name == "Yandex DNS")
    assert (yandex.verdict, yandex.at_latest) == ("unknown", None)
    assert "could not ask" in yandex.shown()
    latest = at(world.flip_time("Cloudflare"), TZ)
    assert found.headline(TZ) == (
        f"1 of 3 resolvers have the fix; all will by {latest} at the latest (1 could not be asked)."
    )


async def test_an_expectation_given_by_hand_is_what_counts(world: Resolvers) -> None:
    loaded = plan(world)
    world.clock.set(T0 + timedelta(minutes=200))
    ctx = make_context(loaded, world.clock)
    try:
        wanted = Expectation.parse(["NS=ns9.elsewhere.example"])
        found = await survey(DOMAIN, plan=loaded, ctx=ctx, expected=wanted)
    finally:
        await ctx.net.aclose()
    assert found.right == 0 and len(found.wrong) == 4


def test_expectations_are_read_and_refused_as_written() -> None:
    parsed = Expectation.parse(["ns=NS1.Example.NET.,ns2.example.net", "A=192.0.2.1"])
    assert parsed.as_dict() == {"A": ["192.0.2.1"], "NS": ["ns1.example.net", "ns2.example.net"]}
    for bad in ("NS", "SPF=x", "A="):
        with pytest.raises(Exception, match="TYPE=VALUE"):
            Expectation.parse([bad])


async def test_watching_stops_when_every_resolver_has_flipped(
    world: Resolvers, capsys: pytest.CaptureFixture[str]
) -> None:
    world.clock.set(T0 + timedelta(minutes=60))
    job = Watch(DOMAIN, plan(world), None, watch=True, pause=timedelta(minutes=30), json=False)
    code = await run(job, world.clock, Console(width=200))
    out = capsys.readouterr().out
    assert code == 0
    assert "1 of 4 resolvers have the fix" in out and "Now right: Quad9." in out
    assert "Now right: Cloudflare." in out and "All 4 resolvers have the fix." in out
    assert world.clock.now() == T0 + timedelta(minutes=180)  # asked every 30 minutes until then


def test_standby_recovery_prints_json_and_exits_2_while_some_wait(
    world: Resolvers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.yaml"
    data = {"version": 1, "organization": "Acme", "settings": world.settings()}
    path.write_text(yaml.safe_dump(data))
    # The command reads the real clock: the peers too, now; every one has flipped but Cloudflare.
    world.clock.set(datetime.now(UTC))
    world.peers["Cloudflare"].holds(
        DOMAIN, "NS", ["ns1.parked.example"], until=world.clock.now() + timedelta(hours=1), then=HEALTHY_NS
    )
    code = main(["recovery", DOMAIN, "--plan", str(path), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 2
    assert (document["right"], document["asked"], document["expected"]) == (3, 4, {"NS": HEALTHY_NS})
    cloudflare = next(r for r in document["resolvers"] if r["name"] == "Cloudflare")
    assert cloudflare["verdict"] == "wrong" and 3500 < cloudflare["ttl_left"] <= 3600
    assert document["parent"]["ttl"] == 172800


def test_standby_recovery_refuses_a_bad_expectation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recovery", DOMAIN, "--expect", "NS"]) == 1
    assert "TYPE=VALUE" in capsys.readouterr().err


def test_standby_recovery_refuses_what_is_not_a_domain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recovery", "acme..example"]) == 1
    assert "'acme..example' is not a domain name" in capsys.readouterr().err
    assert main(["recovery", "com"]) == 1
    assert "'com' is not a registered domain" in capsys.readouterr().err
