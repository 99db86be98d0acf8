"""How soon the work of a killed process moves on: real processes, kill -9, a probe in flight.

A slow endpoint (it answers after 3 s, probed every second) means a monitor lease is almost always
held when the process is killed.

- SQLite (one process): `standby serve --no-web` is killed and started again. The figure is the time
  from the new process being ready (its "worker … running" line) to its first probe of the endpoint,
  against the lease the dead process left behind (what a restarted process used to wait out).
- PostgreSQL (several processes): two `standby worker`s; the one holding the endpoint's lease is
  killed. The figure is the time from the kill to the survivor's first probe of the endpoint, against
  the lease length (the longest it can take by design).

    uv run python -m bench.lease_takeover
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import select
from tests.peers.http import Reply
from tests.peers.internet import FakeInternet
from tests.peers.postgres import PostgresServer, _bindir

from standby.engine.models import Monitor
from standby.engine.scheduler import LEASE
from standby.store.db import make_engine, session_factory

SLOW = 3.0  # seconds the endpoint takes to answer


def wait(check: Callable[[], bool], within: float = 120) -> float:
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > within:
            raise TimeoutError("the bench waited too long")
        time.sleep(0.05)
    return time.monotonic()


def plan(net: FakeInternet) -> Path:
    data = net.plan()
    data.update(domains=[], vendors=[], settings={**data["settings"], "timeout": "10s"})
    data["endpoints"] = [{**e, "interval": "1s"} for e in net.endpoints]
    path = net.directory / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("a") as out:
        return subprocess.Popen([sys.executable, "-m", "standby", *command], stderr=out, stdout=out)


def leases(url: str) -> dict[str | None, datetime | None]:
    database = make_engine(url)
    try:
        with session_factory(database)() as session:
            rows = session.execute(select(Monitor.lease_owner, Monitor.lease_until))
            return {owner: until for owner, until in rows}
    finally:
        database.dispose()


def probes(net: FakeInternet) -> int:
    return sum(1 for r in net.web.requests if r.path == "/slow")


def sqlite(directory: Path) -> tuple[float, float]:
    with FakeInternet(datetime.now(UTC), directory) as net:
        net.add_endpoint("slow", "go.acme.example", "/slow")
        net.web.route("/slow", Reply(200, "ok", delay=SLOW), host="go.acme.example")
        url, path = f"sqlite:///{directory / 'standby.db'}", plan(net)
        first = start(["serve", str(path), "--db", url, "--no-web"], directory / "first.log")
        wait(lambda: probes(net) >= 2)
        wait(lambda: any(until is not None for until in leases(url).values()))  # a probe in flight
        first.send_signal(signal.SIGKILL)
        first.wait()
        left = next(iter(leases(url).values()))
        assert left is not None
        remaining = (left - datetime.now(UTC)).total_seconds()
        seen, log = probes(net), directory / "second.log"
        second = start(["serve", str(path), "--db", url, "--no-web"], log)
        ready = wait(lambda: "running" in log.read_text())
        probed = wait(lambda: probes(net) > seen)
        second.send_signal(signal.SIGTERM)
        second.wait()
        return probed - ready, remaining


def postgres(directory: Path) -> float:
    bindir = _bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries are needed: apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="standby-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(bindir, root)
    server.start()
    try:
        url = server.create_database()
        with FakeInternet(datetime.now(UTC), directory) as net:
            net.add_endpoint("slow", "go.acme.example", "/slow")
            net.web.route("/slow", Reply(200, "ok", delay=SLOW), host="go.acme.example")
            path = plan(net)
            workers = {
                name: start(
                    ["worker", str(path), "--db", url, "--worker-id", name], directory / f"{name}.log"
                )
                for name in ("w1", "w2")
            }
            wait(lambda: probes(net) >= 2 and any(owner in workers for owner in leases(url)))
            holder = next(owner for owner in leases(url) if owner in workers)
            seen = probes(net)
            workers[holder].send_signal(signal.SIGKILL)
            killed = time.monotonic()
            probed = wait(lambda: probes(net) > seen)
            for name, process in workers.items():
                if name != holder:
                    process.send_signal(signal.SIGTERM)
                process.wait()
            return probed - killed
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sqlite").mkdir()
        (Path(tmp) / "pg").mkdir()
        after_start, remaining = sqlite(Path(tmp) / "sqlite")
        moved = postgres(Path(tmp) / "pg")
    print(f"lease: {LEASE.total_seconds():.0f} s, renewed every 5 s while a run is in flight")
    print(f"SQLite, restart after kill -9: first probe {after_start:.2f} s after start-up, while the dead "
          f"process's lease had {remaining:.1f} s to run (ratio {after_start / remaining:.2f})")  # fmt: skip
    print(f"PostgreSQL, kill -9 of the lease holder: the other worker probed {moved:.1f} s later "
          f"(ratio to the lease: {moved / LEASE.total_seconds():.2f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
