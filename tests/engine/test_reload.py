"""Editing the plan file under a running engine: good edits apply at the next tick, bad ones are refused
and reported while the last good plan keeps running, removed monitors stop (and their alerts end)."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.core.clock import ManualClock
from standby.engine import planfile
from standby.engine.models import CheckState, Monitor, PlanLoad
from standby.plan import limits
from tests.engine.conftest import Changes, MakeEngine, break_page, edit_plan, requests_to, ticks
from tests.peers.http import Reply
from tests.peers.internet import FakeInternet
from tests.plan.fuzz import alias_bomb

MINUTE = timedelta(minutes=1)


def monitors(sessions: sessionmaker[Session]) -> dict[str, tuple[bool, int]]:
    with sessions() as session:
        return {m.key: (m.active, m.interval_seconds) for m in session.scalars(select(Monitor))}


async def test_the_first_load_syncs_every_job_with_its_interval_and_records_the_warnings(
    make: MakeEngine, internet: FakeInternet
) -> None:
    edit_plan(
        internet,
        certificates=[{"host": "www.acme.example", "address": "127.0.0.1"}],
        dns=[{"name": "www.acme.example", "type": "A"}],
    )
    engine = await make()
    assert monitors(engine.sessions) == {
        "domain:acme.example/domain": (True, 3600),
        "certificate:www.acme.example:443/certificate": (True, 6 * 3600),
        "dns:www.acme.example/A/dns": (True, 300),
        "endpoint:demo-page/http": (True, 60),
        "vendor:marketo/vendor": (True, 60),
    }
    with engine.sessions() as session:
        load = session.scalars(select(PlanLoad)).one()
    assert load.valid and len(load.sha256) == 64
    warnings = {m.split(" ", 1)[1] for m in load.messages}
    assert {
        "certificates[0]: warning: no owner: nobody is responsible for this; add owner: <person id>",
        "dns[0]: warning: no owner: nobody is responsible for this; add owner: <person id>",
    } <= warnings


async def test_an_edit_is_applied_at_the_next_tick(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    engine = await make()
    await engine.tick()
    internet.add_endpoint("pricing", "go.acme.example", "/pricing")
    endpoints = [{**e, "interval": "5m"} if e["id"] == "demo-page" else e for e in internet.endpoints]
    edit_plan(internet, endpoints=endpoints)
    clock.advance(MINUTE)
    report = await engine.tick()
    assert report.plan == "loaded"
    assert requests_to(internet, "/pricing") == 1  # new: due at once
    assert requests_to(internet, "/demo") == 1  # now every 5 minutes, counted from its last run
    assert monitors(engine.sessions)["endpoint:demo-page/http"] == (True, 300)
    await ticks(engine, clock, count=5, every=MINUTE)  # +1m .. +5m
    assert requests_to(internet, "/demo") == 2
    assert engine.plan.endpoints[1].id == "pricing"


async def test_touching_the_file_without_changing_it_reloads_nothing(
    make: MakeEngine, internet: FakeInternet
) -> None:
    engine = await make()
    path = internet.directory / "plan.yaml"
    path.write_bytes(path.read_bytes())
    assert (await engine.tick()).plan is None
    with engine.sessions() as session:
        assert len(session.scalars(select(PlanLoad)).all()) == 1


async def test_a_bad_edit_is_refused_recorded_and_logged_while_the_last_good_plan_keeps_running(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    engine = await make()
    await engine.tick()
    path = internet.directory / "plan.yaml"
    path.write_text(path.read_text().replace("owner: dana", "ownr: dana", 1))
    clock.advance(MINUTE)
    with caplog.at_level(logging.ERROR, logger="standby.engine"):
        report = await engine.tick()
    assert report.plan == "refused"
    assert report.ran == 2  # the page and the vendor, from the last good plan
    assert requests_to(internet, "/demo") == 2
    with engine.sessions() as session:
        refused = session.scalars(select(PlanLoad).order_by(PlanLoad.id.desc())).first()
    assert refused is not None and not refused.valid
    assert any("unknown field 'ownr'" in m and f"{path}:" in m for m in refused.messages)
    assert "edit refused, the last good plan keeps running" in caplog.text
    clock.advance(MINUTE)
    assert (await engine.tick()).plan is None  # reported once, not every tick

    path.write_text(path.read_text().replace("ownr: dana", "owner: dana"))
    assert (await engine.tick()).plan == "loaded"


async def test_a_removed_monitor_is_deactivated_and_its_bad_checks_are_resolved(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    changes = Changes()
    engine = await make(on_state_change=changes)
    break_page(internet)
    await ticks(engine, clock, count=2, every=MINUTE)
    assert changes.seen == [("endpoint:demo-page", "http", "ok", "critical")]

    edit_plan(internet, endpoints=[])
    report = await engine.tick()
    assert report.plan == "loaded" and report.claimed == 1  # the vendor only
    assert changes.seen[-1] == ("endpoint:demo-page", "http", "critical", "ok")
    assert monitors(engine.sessions)["endpoint:demo-page/http"] == (False, 60)
    with engine.sessions() as session:
        assert session.scalars(select(CheckState).where(CheckState.asset == "endpoint:demo-page")).all() == []
    requests = requests_to(internet, "/demo")
    await ticks(engine, clock, count=3, every=MINUTE)
    assert requests_to(internet, "/demo") == requests

    internet.web.route("/demo", Reply(200, "<h1>Request a demo</h1>"), host="go.acme.example")
    edit_plan(internet)  # back in the plan: active again, due at once, a fresh state
    await engine.tick()
    assert monitors(engine.sessions)["endpoint:demo-page/http"] == (True, 60)
    assert requests_to(internet, "/demo") == requests + 1


async def test_a_plan_file_that_vanishes_is_reported_once_and_the_last_good_plan_keeps_running(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    engine = await make()
    await engine.tick()
    path = internet.directory / "plan.yaml"
    text = path.read_text()
    path.unlink()  # an editor's save that replaces the file, caught halfway; a bad deploy
    clock.advance(MINUTE)
    report = await engine.tick()
    assert report.plan == "refused" and report.ran == 2
    clock.advance(MINUTE)
    assert (await engine.tick()).plan is None
    with engine.sessions() as session:
        refused = session.scalars(select(PlanLoad).where(PlanLoad.valid.is_(False))).one()
    assert refused.messages == [f"{path} cannot read it: No such file or directory"]
    path.write_text(text)
    assert (await engine.tick()).plan == "loaded"


async def test_a_check_a_monitor_no_longer_makes_is_resolved_and_forgotten(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    changes = Changes()
    vendor = internet.plan()["vendors"][0]
    probes = {**vendor, "endpoints": [{"url": f"http://api.marketo.example:{internet.web.port}/token"}]}
    edit_plan(internet, vendors=[probes])  # the vendor's own API probe answers 404: critical
    engine = await make(on_state_change=changes)
    await ticks(engine, clock, count=2, every=MINUTE)
    assert ("vendor:marketo", "http", "ok", "critical") in changes.seen

    edit_plan(internet, vendors=[vendor])  # same monitor, without the endpoint probes
    await engine.tick()
    assert changes.seen[-1] == ("vendor:marketo", "http", "critical", "ok")
    with engine.sessions() as session:
        checks = session.scalars(select(CheckState.check).where(CheckState.asset == "vendor:marketo")).all()
    assert checks == ["statuspage"]


async def test_an_alias_bomb_saved_into_the_plan_is_refused_and_the_checks_go_on(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    engine = await make()
    await engine.tick()
    path = internet.directory / "plan.yaml"
    path.write_text(path.read_text() + alias_bomb(9, 9) + "\n")
    clock.advance(MINUTE)
    report = await engine.tick()
    assert report.plan == "refused" and report.ran == 2  # the page and the vendor, on time
    with engine.sessions() as session:
        refused = session.scalars(select(PlanLoad).where(PlanLoad.valid.is_(False))).one()
    [message] = refused.messages
    assert message.startswith(f"{path}:") and message.endswith(limits.EXPANDED)


async def test_a_read_that_outlasts_the_time_limit_is_refused_and_not_repeated_while_it_runs(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = await make()
    await engine.tick()
    stuck, read = threading.Event(), planfile._read

    def slow_read(data: bytes, name: str, digest: str) -> planfile.Reload:
        stuck.wait(timeout=30)  # a reader that hangs, as one without limits did
        return read(data, name, digest)

    monkeypatch.setattr(planfile, "_read", slow_read)
    engine.plan_file.limit = 0.05
    edit_plan(internet, organization="Acme Inc")
    clock.advance(MINUTE)
    report = await engine.tick()
    assert report.plan == "refused" and report.ran == 2
    edit_plan(internet, organization="Acme Inc.")
    clock.advance(MINUTE)
    assert (await engine.tick()).plan is None  # the stuck read still runs: nothing new is started
    stuck.set()
    while engine.plan_file._reading is not None and not engine.plan_file._reading.done():
        await asyncio.sleep(0.01)
    assert (await engine.tick()).plan == "loaded"
    assert engine.plan.organization == "Acme Inc."
    with engine.sessions() as session:
        refused = session.scalars(select(PlanLoad).where(PlanLoad.valid.is_(False))).one()
    assert refused.messages == [
        f"{internet.directory / 'plan.yaml'} reading it took more than 0.05 s, so Standby stopped waiting; "
        "simplify the file (see docs/plan.md, Limits) or report it: a plan should read in well under a second"
    ]


async def test_a_bug_in_the_reader_refuses_the_edit_and_keeps_the_last_good_plan(
    make: MakeEngine,
    internet: FakeInternet,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = await make()

    def broken(text: str, file: str, env: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(planfile, "parse_plan", broken)
    edit_plan(internet, organization="Acme Inc")
    with caplog.at_level(logging.ERROR, logger="standby.engine"):
        assert (await engine.tick()).plan == "refused"
    assert engine.plan.organization == "Acme Corp"
    assert "reading the plan failed" in caplog.text and "RecursionError" in caplog.text
    with engine.sessions() as session:
        refused = session.scalars(select(PlanLoad).where(PlanLoad.valid.is_(False))).one()
    assert refused.messages[0].endswith(
        "Standby could not read it (RecursionError: maximum recursion depth exceeded); this is a bug, please report it"
    )
