"""Replay throughput: leads per second into the fake Marketo, against the ceiling its limits allow.

Marketo allows 100 calls per 20 s per instance and 300 leads per Sync Leads call: no client can
replay faster than 1,500 leads a second. The bench captures N leads into SQLite, starts the local fake
Marketo (tests/peers/marketo.py: the real limits on the real clock, 606 past them), and replays them
with Standby's replayer (createOrUpdate by email), as `standby serve` would once Marketo is back.
Throughput is measured in the steady state: the leads acknowledged after the first call, over the
time from the first acknowledgement to the last (a first burst would otherwise count for free).
It also checks that each lead arrived exactly once and that Marketo never had to refuse a call.

    uv run python -m bench.replay                  # 45,000 leads: 150 calls, about 30 s
    uv run python -m bench.replay --leads 90000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from tests.peers.marketo import MarketoFake

from standby.core.clock import SystemClock
from standby.leads.intake import NewSubmission, write
from standby.leads.models import Submission
from standby.leads.replay.service import Replayer
from standby.plan.model import Plan
from standby.store import migrate
from standby.store.db import make_engine, session_factory

CEILING = 100 / 20 * 300  # leads per second: calls per second × leads per call


def plan(mkto: MarketoFake) -> Plan:
    return Plan.model_validate(
        {
            "version": 1,
            "organization": "Bench Corp",
            "forms": [
                {
                    "id": "demo-request",
                    "title": "Request a demo",
                    "fields": [{"name": "email", "label": "Email", "type": "email"}],
                    "destination": {
                        "marketo": {
                            "munchkin_id": "123-ABC-456",
                            "client_id": mkto.client_id,
                            "client_secret": mkto.client_secret,
                            "base_url": mkto.url,
                            "lookup_field": "email",
                        }
                    },
                }
            ],
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=45_000)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, MarketoFake(clock=SystemClock()) as mkto:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'standby.db'}")
        migrate.upgrade(engine)
        sessions = session_factory(engine)
        now = datetime.now(UTC)
        for start in range(0, opts.leads, 5_000):
            batch = [
                NewSubmission(
                    "demo-request", None, {"email": f"lead{n}@example.com", "firstName": f"L{n}"}, now
                )
                for n in range(start, min(start + 5_000, opts.leads))
            ]
            with sessions.begin() as session:
                write(session, batch)
        began = time.perf_counter()
        [done] = asyncio.run(Replayer(sessions, clock=SystemClock(), worker="bench").run(plan(mkto)))
        wall = time.perf_counter() - began
        with sessions() as session:
            times = sorted(
                session.scalars(select(Submission.delivered_at).where(Submission.state == "delivered"))
            )
            first = session.scalar(
                select(func.count()).where(
                    Submission.delivered_at == times[0], Submission.state == "delivered"
                )
            )
        engine.dispose()
    steady = (len(times) - (first or 0)) / (times[-1] - times[0]).total_seconds()
    once = len(mkto.writes) == opts.leads and set(mkto.writes.values()) == {1}
    print(f"{opts.leads} leads replayed in {wall:.1f} s ({done.state}); {mkto.answered['ok']} calls")
    print(f"steady state: {steady:,.0f} leads/s = {steady / CEILING:.1%} of the ceiling ({CEILING:,.0f}/s)")
    refused = f"606 x{mkto.answered['606']}, 615 x{mkto.answered['615']}"
    print(f"each lead exactly once: {once}; calls Marketo refused: {refused}")
    print(f"target (>= 90 % of the ceiling): {'met' if steady >= 0.9 * CEILING else 'NOT met'}")
    return 0 if once and done.state == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
