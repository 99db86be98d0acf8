"""/metrics for Prometheus: a collector that reads the store at each scrape, so every process (or a
`--web-only` one) tells the same story. Needs a signed-in caller: an API token as a bearer token.

Probe durations are those recorded in the last `DURATION_WINDOW` (each finding's `duration_ms`, the
run that produced it), exposed as a gauge histogram: `histogram_quantile` works on it directly,
without `rate()`. Counters kept nowhere but in the store could not stay monotonic across pruning.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeHistogramMetricFamily,
    GaugeMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts.models import Alert
from standby.channels.models import STATES, DeliveryAttempt, Message
from standby.core.expiry import days_left
from standby.core.status import Status
from standby.engine import sight
from standby.engine.load import health
from standby.engine.models import CheckState, FindingRecord, Monitor
from standby.web.app import context

router = APIRouter()
DURATION_WINDOW = timedelta(minutes=15)
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_STATUSES = [s.value for s in Status]
_MINUTE = timedelta(minutes=1)


class StoreCollector(Collector):
    def __init__(self, sessions: sessionmaker[Session], now: datetime) -> None:
        self.sessions, self.now = sessions, now

    def collect(self) -> Iterator[Metric]:
        with self.sessions() as session:
            found = [*self._checks(session), self._durations(session), *self._delivery(session)]
            found += [self._lag(session), *self._engine(session), self._alerts(session), self._sight(session)]
        yield from found

    def _checks(self, session: Session) -> list[Metric]:
        status = GaugeMetricFamily(
            "standby_check_status",
            "1 for the damped status of each check, 0 for the others",
            labels=["asset", "kind", "check", "status"],
        )
        left = GaugeMetricFamily(
            "standby_days_left",
            "whole days until the expiry (domains, certificates)",
            labels=["asset", "kind", "check"],
        )
        expiry = GaugeMetricFamily(
            "standby_expiry_timestamp_seconds",
            "when it expires, in Unix time",
            labels=["asset", "kind", "check"],
        )
        active = select(Monitor.key).where(Monitor.active.is_(True))
        query = select(
            CheckState.asset, CheckState.kind, CheckState.check, CheckState.status,
            CheckState.details["expires_at"].as_string(),
        ).where(CheckState.monitor.in_(active))  # fmt: skip
        # Plain columns, not ORM rows: at 25,000 checks a scrape must not hold the engine's interpreter.
        for asset, kind, check, current, raw in session.connection().execute(query):
            where = [asset, kind, check]
            for name in _STATUSES:
                status.add_metric([*where, name], 1.0 if current == name else 0.0)
            if raw:
                expires = datetime.fromisoformat(str(raw))
                left.add_metric(where, days_left(expires, self.now))
                expiry.add_metric(where, expires.timestamp())
        return [status, left, expiry]

    def _durations(self, session: Session) -> Metric:
        duration = FindingRecord.details["duration_ms"].as_float()
        query = select(FindingRecord.check, duration).where(
            FindingRecord.observed_at >= self.now - DURATION_WINDOW, duration.is_not(None)
        )
        seconds: dict[str, list[float]] = defaultdict(list)
        for check, ms in session.execute(query):
            seconds[check].append(ms / 1000)
        family = GaugeHistogramMetricFamily(
            "standby_probe_duration_seconds",
            f"how long probe runs took (those recorded in the last {DURATION_WINDOW // _MINUTE} minutes)",
            labels=["check"],
        )
        for check, values in sorted(seconds.items()):
            values.sort()
            buckets = [(str(b), float(bisect.bisect_right(values, b))) for b in BUCKETS]
            family.add_metric([check], [*buckets, ("+Inf", float(len(values)))], sum(values))
        return family

    def _delivery(self, session: Session) -> list[Metric]:
        depth = GaugeMetricFamily("standby_outbox_messages", "outbox messages by state", labels=["state"])
        real = Message.drill_run_id.is_(None)  # drills never count here (channels/drill.py)
        counts = dict(
            session.execute(select(Message.state, func.count()).where(real).group_by(Message.state)).all()
        )
        for state in STATES:
            depth.add_metric([state], counts.get(state, 0))
        failures = CounterMetricFamily(
            "standby_delivery_failures", "delivery attempts that failed", labels=["channel"]
        )
        query = (
            select(Message.channel, func.count())
            .join(DeliveryAttempt, DeliveryAttempt.message_id == Message.id)
            .where(DeliveryAttempt.ok.is_(False), real)
            .group_by(Message.channel)
        )
        for channel, n in session.execute(query):
            failures.add_metric([channel], n)
        return [depth, failures]

    def _lag(self, session: Session) -> Metric:
        free = or_(Monitor.lease_until.is_(None), Monitor.lease_until <= self.now)
        oldest = session.scalar(
            select(func.min(Monitor.next_run_at)).where(
                Monitor.active.is_(True), Monitor.next_run_at <= self.now, free
            )
        )
        lag = (self.now - oldest).total_seconds() if oldest is not None else 0.0
        return GaugeMetricFamily(
            "standby_scheduler_lag_seconds", "how overdue the oldest unclaimed due monitor is", value=lag
        )

    def _engine(self, session: Session) -> list[Metric]:
        """The plan's demand against the capacity of the workers seen lately (engine/load.py); a figure
        not measured yet (too few runs) is left out rather than shown as 0."""
        found = health(session, self.now)
        out: list[Metric] = [
            GaugeMetricFamily(
                "standby_engine_demand_checks_per_second",
                "checks a second the plan asks for (each active monitor once per interval)",
                value=found.demand,
            )
        ]
        if found.capacity is not None and found.headroom is not None:
            out.append(GaugeMetricFamily(
                "standby_engine_capacity_checks_per_second",
                "checks a second the running workers could start on time (estimated from CPU per check)",
                value=found.capacity,
            ))  # fmt: skip
            out.append(GaugeMetricFamily(
                "standby_engine_headroom_ratio",
                "share of that capacity still free: 1 - demand / capacity (below 0: falling behind)",
                value=found.headroom,
            ))  # fmt: skip
        per = {
            "checks_per_second": ("checks started a second, over the last minute", "checks_per_second"),
            "start_delay_seconds": ("how late checks started after their time (99th percentile, last minute)",
                                    "start_delay_p99"),
            "cpu_per_check_seconds": ("CPU per check of the worker and its probe processes",
                                      "cpu_per_check_ms"),
            "probe_processes": ("processes that run its checks (0: the worker's own)", "probe_processes"),
        }  # fmt: skip
        for name, (help_text, column) in per.items():
            family = GaugeMetricFamily(f"standby_engine_{name}", help_text, labels=["worker"])
            for worker in found.workers:
                value = getattr(worker, column)
                if value is not None:
                    family.add_metric([worker.worker], value / 1000 if column.endswith("_ms") else value)
            out.append(family)
        return out

    def _sight(self, session: Session) -> Metric:
        family = GaugeMetricFamily(
            "standby_sight",
            "1 while Standby's self-check on the host sees (its damped sight), 0 while it is blind",
            labels=["host"],
        )
        for row in sight.current(session):
            family.add_metric([row.host], 1 if row.status == sight.OK else 0)
        return family

    def _alerts(self, session: Session) -> Metric:
        family = GaugeMetricFamily("standby_alerts", "unresolved alerts", labels=["state", "severity"])
        query = select(Alert.state, Alert.severity).where(
            Alert.state != "resolved", Alert.drill_run_id.is_(None)
        )
        for (state, severity), n in sorted(Counter(session.execute(query).all()).items()):
            family.add_metric([state, severity], n)
        return family


@router.get("/metrics")
def metrics(request: Request) -> Response:
    ctx = context(request)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(ctx.sessions, ctx.clock.now()))
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(registry), media_type=content_type)
