"""Backups of Marketo: how close REST paging comes to the rate the platform allows, and whether the
bulk path keeps memory flat however many leads there are.

1. REST paging. A static list of 45,000 leads is backed up from the fake Marketo through REST paging
   (300 leads a call). The fake counts calls in a sliding 20 s window and answers 606 past 100, so no
   client can read more than 100 × 300 / 20 = 1,500 leads/s. Both sides run on a "warp" clock: real
   time, plus every wait skipped — a wait for the window costs nothing of the machine's time but
   counts in the elapsed time, so the figure is the real work (HTTP, JSON, gzip CSV, hashing) against
   the simulated ceiling. Reported: leads per (simulated) second and its ratio to 1,500.
2. Bulk Extract, memory. The fake Marketo runs in a child process and serves an export of N synthetic
   leads (written to disk, streamed); each backup runs in a fresh child process, the whole path —
   export job, download to disk with the SHA-256 checked, parsing, the merge table, the gzip CSV, the
   upload to a directory — and reports its peak resident memory. Baseline: the same with 10,000 leads.
   Flat memory is a ratio near 1 while the file grows a hundredfold; loading the file instead would
   need at least its size.

    uv run python -m bench.backup                          # 45,000 REST, 1,000,000 bulk
    uv run python -m bench.backup --bulk-leads 200000      # quicker
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.backups.conftest import marketo_backup
from tests.peers.marketo_backup import MarketoBackupFake
from tests.peers.platform import iso

from standby.backups.run import run_backup
from standby.backups.sources.marketo import MarketoSource
from standby.backups.storage import Store
from standby.core.net import NetConfig, Network
from standby.plan.backups import Backup

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
CEILING = 100 * 300 / 20  # leads per second: 100 calls per 20 s, 300 leads a call


class WarpClock:
    """Real elapsed time plus every wait skipped: `sleep` jumps to the wake-up time at once."""

    def __init__(self, start: datetime) -> None:
        self._start, self._t0, self._skipped = start, time.perf_counter(), 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._start + timedelta(seconds=time.perf_counter() - self._t0 + self._skipped)

    async def sleep(self, seconds: float) -> None:
        wake = self.now() + timedelta(seconds=seconds)
        await asyncio.sleep(0)
        with self._lock:
            ahead = (wake - self._start).total_seconds() - (time.perf_counter() - self._t0 + self._skipped)
            self._skipped += max(ahead, 0.0)


async def _take(backup: Backup, clock: Any, work: Path) -> Any:
    network = Network(NetConfig(timeout=120))
    source = MarketoSource(backup.source.marketo, network=network, clock=clock, daily_bytes=500_000_000)  # type: ignore[arg-type]
    return await run_backup(
        backup, store=Store(backup.target, backup.id), source=source, clock=clock, work_root=work, tz="UTC"
    )


def rest_paging(leads: int) -> None:
    clock = WarpClock(datetime.now(UTC))
    with tempfile.TemporaryDirectory() as scratch, MarketoBackupFake(clock=clock) as fake:
        ids = [
            fake.add_lead(email=f"lead{n}@example.com", firstName=f"Ana{n}", lastName="Ortiz").id
            for n in range(leads)
        ]
        fake.db.add_list("Everyone", ids)
        backup = marketo_backup(fake, str(Path(scratch) / "target"), all_lists=False, lists=["Everyone"])
        began, wall = clock.now(), time.perf_counter()
        manifest = asyncio.run(_take(backup, clock, Path(scratch) / "work"))
        elapsed = (clock.now() - began).total_seconds()
        wall = time.perf_counter() - wall
        rate = manifest.lists[0].rows / elapsed
        print(f"REST paging: {manifest.lists[0].rows:,} leads in {elapsed:.1f} s on the platform's clock "
              f"({wall:.1f} s of it real work, the rest waits for the window)")  # fmt: skip
        print(f"  {rate:,.0f} leads/s = {rate / CEILING:.2f} × the ceiling of {CEILING:,.0f} leads/s "
              f"(100 calls / 20 s × 300); {fake.answered['ok']} calls, peak {fake.window.peak} in a window, "
              f"{fake.answered['606']} refused (606)")  # fmt: skip


def _synthetic(count: int) -> Any:
    def rows(job: Any) -> Iterator[dict[str, Any]]:
        stamp = iso(START)
        for n in range(1, count + 1):
            yield {
                "id": n, "email": f"lead{n}@example.com", "firstName": f"Ana{n}", "lastName": "Ortiz",
                "company": "Northwind Traders", "title": "VP Marketing" if n % 7 == 0 else None,
                "country": "Germany", "unsubscribed": n % 11 == 0, "createdAt": stamp, "updatedAt": stamp,
            }  # fmt: skip

    return rows


def _serve(count: int, ready: Any, stop: Any) -> None:
    with MarketoBackupFake(processing_time=0) as fake:
        oldest = fake.add_lead(email="first@example.com")
        oldest.created_at = fake.clock.now() - timedelta(days=10)  # one 31-day window covers them all
        fake.bulk.rows = _synthetic(count)
        ready.put((fake.url, fake.client_id, fake.client_secret))
        stop.wait()
        ready.put(sum(j.size for j in fake.bulk.jobs.values()))


def _client(url: str, client_id: str, secret: str, scratch: str, out: Any) -> None:
    fake = type("F", (), {"url": url, "client_id": client_id, "client_secret": secret})()
    backup = marketo_backup(fake, str(Path(scratch) / "target"), all_lists=False, leads="all")  # type: ignore[arg-type]
    began = time.perf_counter()
    manifest = asyncio.run(_take(backup, WarpClock(datetime.now(UTC)), Path(scratch) / "work"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    out.put((manifest.leads.rows, peak, time.perf_counter() - began, manifest.leads.bytes))


def bulk_memory(count: int) -> tuple[int, int, float, int, int]:
    """(leads, peak RSS of the backup process, seconds, bytes stored, bytes of the export file)."""
    context = multiprocessing.get_context("spawn")
    ready, stop, out = context.Queue(), context.Event(), context.Queue()
    server = context.Process(target=_serve, args=(count, ready, stop), daemon=True)
    server.start()
    url, client_id, secret = ready.get(timeout=120)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            client = context.Process(target=_client, args=(url, client_id, secret, scratch, out))
            client.start()
            rows, peak, seconds, stored = out.get(timeout=3600)
            client.join()
    finally:
        stop.set()
    exported = int(ready.get(timeout=60))
    server.join(10)
    return rows, peak, seconds, stored, exported


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rest-leads", type=int, default=45_000)
    parser.add_argument("--bulk-leads", type=int, default=1_000_000)
    parser.add_argument("--baseline-leads", type=int, default=10_000)
    options = parser.parse_args()
    rest_paging(options.rest_leads)
    small = bulk_memory(options.baseline_leads)
    large = bulk_memory(options.bulk_leads)
    mib = 1 << 20
    for rows, peak, seconds, stored, exported in (small, large):
        print(f"Bulk Extract: {rows:,} leads in {seconds:.1f} s, peak memory {peak / mib:.0f} MiB; "
              f"export file {exported / mib:.1f} MiB, stored {stored / mib:.1f} MiB (gzip)")  # fmt: skip
    print(f"  memory {large[1] / small[1]:.2f} × the baseline's for {large[0] / small[0]:.0f} × the leads "
          f"({large[4] / mib:.0f} MiB of export; loading it would take at least that)")  # fmt: skip


if __name__ == "__main__":
    main()
