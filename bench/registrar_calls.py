"""What the registrar check costs the registrar: API requests for a day of hourly checks of every
domain in one account, against the naive baseline of one request per domain per check.

A fake GoDaddy account (tests/peers/registrars.py, its rate limit on) holds N domains, one of them
expiring today (so it is read directly, hourly, around its expiry); a local RDAP registry answers the
registry side. The registrar check of every domain runs every hour for 24 hours on a moved clock, as
`standby serve` runs it. Printed: requests made, the baseline (N × 24), their ratio, 429s met.

    uv run python -m bench.registrar_calls              # 500 domains: the documented figure
    uv run python -m bench.registrar_calls --domains 2000
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.peers.context import probe_context
from tests.peers.rdap import RdapPeer, domain_object
from tests.peers.registrars import GoDaddyFake

from standby.core.clock import ManualClock
from standby.core.status import Status
from standby.plan.model import Domain
from standby.plan.registrars import RegistrarAccount
from standby.registrars.check import check_registrar

NOW = datetime(2026, 7, 1, 0, 30, tzinfo=UTC)


async def run(count: int, directory: Path) -> None:
    clock = ManualClock(NOW)
    with GoDaddyFake(clock) as godaddy, RdapPeer(tlds=["example"]) as registry:
        names = [f"brand{i:05}.example" for i in range(count)]
        for i, name in enumerate(names):
            expires = NOW + timedelta(hours=12) if i == 0 else NOW + timedelta(days=30 + i % 300)
            godaddy.add(name, expires=expires)
            registry.domains[name] = domain_object(name, expires=expires)
        account = RegistrarAccount(id="gd", kind="godaddy", api_key="gd-key", api_secret="gd-secret",
                                   base_url=godaddy.url)  # type: ignore[arg-type]  # fmt: skip
        domains = [Domain(name=n, owner="dana", registrar="gd") for n in names]
        checks, bad = 0, 0
        started = time.perf_counter()
        async with probe_context(NOW, directory, clock=clock, rdap_bootstrap=registry.bootstrap_url) as ctx:
            for _ in range(24):
                found = await asyncio.gather(*(check_registrar(d, [account], ctx) for d in domains))
                checks += len(found)
                bad += sum(1 for (f,) in found if f.status is not Status.OK)
                clock.advance(timedelta(hours=1))
        took = time.perf_counter() - started
    baseline = count * 24
    made = len(godaddy.requests)
    print(
        f"{count} domains, hourly for 24 h: {checks} checks ({bad} not ok: the one expiring today, after it)"
    )
    print(f"registrar requests: {made}; naive baseline (one per domain per check): {baseline}")
    print(f"ratio: {made / baseline:.5f} ({baseline / made:.0f}x fewer); 429s met: {godaddy.throttled}")
    print(f"wall time {took:.1f} s ({took / checks * 1000:.2f} ms a check, registry lookups included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(run(args.domains, Path(directory)))


if __name__ == "__main__":
    main()
