"""/metrics after the real engine checked a fake internet once: check statuses, days left, probe
durations (recorded by the engine), outbox depth and failures, scheduler lag; bearer token required."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from standby.app.engine import Engine
from standby.channels.models import DeliveryAttempt, Message
from standby.engine import load
from standby.engine.models import Sight
from tests.peers.internet import FakeInternet
from tests.web.signin import T0, Site


@pytest.fixture
def internet(tmp_path: Path) -> Iterator[FakeInternet]:
    with FakeInternet(T0, tmp_path) as net:
        net.add_domain("acme.example", days_left=20)
        net.add_endpoint("demo-page", "go.acme.example", "/demo", contains=["Request a demo"])
        yield net


@pytest.fixture
async def checked(site: Site, internet: FakeInternet) -> Site:
    engine = Engine(internet.write_plan(), site.sessions, clock=site.clock)
    await engine.tick()
    await engine.close()
    return site


def scrape(site: Site) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    reply = site.client(site.viewer_token).get("/metrics")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(reply.text)
        for sample in family.samples
    }


def labels(**values: str) -> frozenset[tuple[str, str]]:
    return frozenset(values.items())


def test_each_check_has_one_series_per_status_with_its_damped_status_at_1(checked: Site) -> None:
    metrics = scrape(checked)
    page = {"asset": "endpoint:demo-page", "kind": "endpoint", "check": "http"}
    assert metrics[("standby_check_status", labels(**page, status="ok"))] == 1.0
    assert metrics[("standby_check_status", labels(**page, status="critical"))] == 0.0
    # One bad observation is not yet a confirmed status (alert_after: 2): the damped status is still ok.
    domain = {"asset": "domain:acme.example", "kind": "domain", "check": "registration"}
    assert metrics[("standby_check_status", labels(**domain, status="ok"))] == 1.0
    assert metrics[("standby_days_left", labels(**domain))] == 20.0
    expiry = metrics[("standby_expiry_timestamp_seconds", labels(**domain))]
    assert expiry == (T0 + timedelta(days=20)).timestamp()


def test_probe_durations_recorded_by_the_engine_form_a_histogram_per_check(checked: Site) -> None:
    metrics = scrape(checked)
    runs = metrics[("standby_probe_duration_seconds_bucket", labels(check="http", le="+Inf"))]
    assert runs == 1.0
    assert metrics[("standby_probe_duration_seconds_gcount", labels(check="http"))] == 1.0
    assert 0 < metrics[("standby_probe_duration_seconds_gsum", labels(check="http"))] < 10
    assert metrics[("standby_probe_duration_seconds_bucket", labels(check="http", le="60.0"))] == 1.0
    checked.clock.advance(timedelta(minutes=16))  # out of the window
    assert ("standby_probe_duration_seconds_bucket", labels(check="http", le="+Inf")) not in scrape(checked)


def test_scheduler_lag_is_how_overdue_the_oldest_unclaimed_monitor_is(checked: Site) -> None:
    assert scrape(checked)[("standby_scheduler_lag_seconds", frozenset())] == 0.0
    checked.clock.advance(timedelta(minutes=10))  # the endpoint (every 60 s) was due at T0 + 60 s
    assert scrape(checked)[("standby_scheduler_lag_seconds", frozenset())] == 540.0


def test_the_engines_demand_capacity_headroom_and_each_workers_figures(checked: Site) -> None:
    metrics = scrape(checked)
    demand = 2 / 60 + 1 / 3600  # the page and the vendor every minute, the domain hourly
    assert metrics[("standby_engine_demand_checks_per_second", frozenset())] == pytest.approx(demand)
    assert ("standby_engine_capacity_checks_per_second", frozenset()) not in metrics  # no worker running
    with checked.sessions.begin() as session:
        load.report(session, {"worker": "w1", "seen_at": checked.clock.now(), "probe_processes": 2,
                              "checks_per_second": 0.02, "start_delay_p99": 0.004, "cpu_per_check_ms": 0.5,
                              "capacity": 2.0})  # fmt: skip
    metrics = scrape(checked)
    assert metrics[("standby_engine_capacity_checks_per_second", frozenset())] == 2.0
    assert metrics[("standby_engine_headroom_ratio", frozenset())] == pytest.approx(1 - demand / 2)
    assert metrics[("standby_engine_start_delay_seconds", labels(worker="w1"))] == 0.004
    assert metrics[("standby_engine_cpu_per_check_seconds", labels(worker="w1"))] == 0.0005
    assert metrics[("standby_engine_probe_processes", labels(worker="w1"))] == 2.0


def test_standbys_own_sight_per_host_1_while_it_sees_0_while_blind(checked: Site) -> None:
    seen = {k: v for k, v in scrape(checked).items() if k[0] == "standby_sight"}
    assert list(seen.values()) == [1.0]  # the engine's self-check saw (the fake internet's resolver)
    now = checked.clock.now()
    with checked.sessions.begin() as session:
        session.add(Sight(host="probe-2", status="critical", since=now, observed="critical", observed_at=now,
                          streak=0, summary="Standby cannot resolve names", cause="resolvers"))  # fmt: skip
    assert scrape(checked)[("standby_sight", labels(host="probe-2"))] == 0.0


def test_outbox_depth_by_state_and_failed_deliveries_by_channel(site: Site) -> None:
    now = site.clock.now()
    with site.sessions.begin() as session:
        for n, state in enumerate(("pending", "pending", "failed")):
            message = Message(
                idempotency_key=f"k{n}", topic="alert:1", recipient="dana", channel="email",
                address="dana@acme.example", subject="s", body="b", state=state, created_at=now,
            )  # fmt: skip
            session.add(message)
            session.flush()
            session.add(DeliveryAttempt(message_id=message.id, at=now, ok=state != "failed", error="550"))
    metrics = scrape(site)
    assert metrics[("standby_outbox_messages", labels(state="pending"))] == 2.0
    assert metrics[("standby_outbox_messages", labels(state="sent"))] == 0.0
    assert metrics[("standby_delivery_failures_total", labels(channel="email"))] == 1.0


def test_metrics_need_a_token_and_speak_openmetrics_when_asked(checked: Site) -> None:
    assert checked.client().get("/metrics").status_code == 401
    reply = checked.client(checked.token()).get(
        "/metrics", headers={"Accept": "application/openmetrics-text"}
    )
    assert reply.headers["content-type"].startswith("application/openmetrics-text")
    assert "# TYPE standby_probe_duration_seconds gaugehistogram" in reply.text
    assert reply.text.endswith("# EOF\n")
