"""From failure onset to the owner's inbox: how long `standby serve` takes to page, against the floor
that flap damping sets.

N endpoint monitors (every 10 s) probe a local web server; `standby serve` runs as the real command in a
child process on SQLite and the real clock, mailing through a local SMTP server. After a warm-up, one
endpoint at a time starts failing, at a random moment of its interval, and the time until the page
arrives at the SMTP server is measured. No engine can page faster than `alert_after` failing
observations allow: the floor is `interval × alert_after`, with the interval the one the engine
actually kept in this run (the median gap between two probes of an endpoint, seen at the web server).
The engine process's CPU time over the measured window gives the cost per 1,000 monitors per minute.

    uv run python -m bench.detect_to_notify                   # 1,000 monitors: the documented figure
    uv run python -m bench.detect_to_notify --monitors 10000  # the large plan
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from tests.peers.dns import DnsPeer
from tests.peers.http import HttpPeer, Reply, Request
from tests.peers.smtp import SmtpPeer, free_port

ALERT_AFTER = 2


class TimedSmtp(SmtpPeer):
    """Keeps when each message arrived, with its subject."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[float, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        subject = str(self.received[-1].message["Subject"]).strip()  # a folded subject starts with a space
        self.arrivals.append((time.monotonic(), subject))
        return reply


class Site:
    """The web server's answers: 200, or 503 for the paths told to fail; every probe's time is kept."""

    def __init__(self) -> None:
        self.failing: set[str] = set()
        self.seen: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        with self._lock:
            self.seen[request.path].append(time.monotonic())
        return Reply(503, "down") if request.path in self.failing else Reply(200, "up")

    def probed_at_least(self, times: int) -> int:
        with self._lock:
            return sum(1 for stamps in self.seen.values() if len(stamps) >= times)

    def probes(self, start: float, end: float) -> int:
        with self._lock:
            return sum(1 for stamps in self.seen.values() for at in stamps if start <= at < end)

    def gaps(self, since: float) -> list[float]:
        with self._lock:
            return [b - a for s in self.seen.values() for a, b in itertools.pairwise(s) if a >= since]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process, all its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def plan_for(
    monitors: int, interval: int, web: HttpPeer, smtp: SmtpPeer, cache: str, resolver: str
) -> dict[str, Any]:
    """`resolver`: a local one, as a deployed Standby has (this machine has no internet: without it
    the self-check finds no resolver answering, and a blind Standby is measured)."""
    return {
        "version": 1,
        "organization": "Bench",
        "settings": {
            "timeout": "5s",
            "cache_dir": cache,
            "alert_after": ALERT_AFTER,
            "resolvers": [resolver],
            "email": {"smtp": smtp.url, "from": "standby@bench.example", "starttls": False},
        },
        "people": [{"id": "owner", "name": "Owner", "email": "owner@bench.example"}],
        "endpoints": [
            {
                "id": f"e{i}",
                "url": web.url(f"/e{i}"),
                "owner": "owner",
                "interval": f"{interval}s",
                "expect": {"status": [200]},
            }
            for i in range(monitors)
        ],
    }


def wait_for(condition: Any, deadline: float, engine: subprocess.Popen[bytes], what: str) -> None:
    while not condition():
        if engine.poll() is not None:
            raise SystemExit(f"standby serve exited ({engine.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.05)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def trial(
    site: Site, smtp: TimedSmtp, engine: subprocess.Popen[bytes], target: int, interval: float
) -> float:
    """Make `/e{target}` fail at a random moment of its `interval` (the one the engine keeps); seconds
    until its page reaches the SMTP server."""
    time.sleep(random.uniform(0, interval))  # a phase, not a secret
    page = re.compile(rf"^\[(critical|warning|unknown)\] e{target}:")
    onset = time.monotonic()
    site.failing.add(f"/e{target}")
    found: list[float] = []

    def paged() -> bool:
        found.extend(at for at, subject in smtp.arrivals if at >= onset and page.match(subject))
        return bool(found)

    wait_for(paged, onset + 5 * interval + 30, engine, f"the page about e{target}")
    site.failing.discard(f"/e{target}")
    return found[0] - onset


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--monitors", type=int, default=1000)
    args.add_argument("--interval", type=int, default=10, help="seconds")
    args.add_argument("--trials", type=int, default=10)
    opts = args.parse_args()
    site = Site()
    with (
        HttpPeer() as web,
        TimedSmtp() as smtp,
        DnsPeer(recursive=True) as resolver,
        tempfile.TemporaryDirectory() as tmp,
    ):
        web.fallback = site
        plan = Path(tmp) / "plan.yaml"
        plan.write_text(
            yaml.safe_dump(plan_for(opts.monitors, opts.interval, web, smtp, tmp, resolver.address))
        )
        command = [sys.executable, "-m", "standby", "serve", str(plan), "--db", f"sqlite:///{tmp}/bench.db"]
        log = (Path(tmp) / "serve.log").open("wb")  # closed below, after the child
        engine = subprocess.Popen([*command, "--port", str(free_port())], stderr=log)
        try:
            started = time.monotonic()
            warm = lambda: site.probed_at_least(2) == opts.monitors  # noqa: E731
            wait_for(warm, started + 60 + opts.monitors / 50, engine, "every monitor to run twice")
            warmed, cpu0 = time.monotonic(), cpu_seconds(engine.pid)
            # The interval the engine manages so far: an overloaded engine stretches it.
            kept = max(opts.interval, statistics.median(site.gaps(since=started)))
            targets = random.sample(range(opts.monitors), opts.trials)
            latencies = [trial(site, smtp, engine, t, kept) for t in targets]
            ended, cpu1 = time.monotonic(), cpu_seconds(engine.pid)
        except SystemExit:
            print((Path(tmp) / "serve.log").read_text()[-5000:], file=sys.stderr)
            raise
        finally:
            engine.send_signal(signal.SIGTERM)
            engine.wait(timeout=60)
            log.close()
        gaps, probes = site.gaps(since=warmed), site.probes(warmed, ended)
        window = ended - warmed
        report(opts, latencies, gaps, cpu=cpu1 - cpu0, window=window, probes=probes, warmup=warmed - started)
        if engine.returncode != 0:
            print((Path(tmp) / "serve.log").read_text()[-3000:])
            return 1
    return 0


def report(
    opts: argparse.Namespace, latencies: list[float], gaps: list[float], *, cpu: float, window: float,
    probes: int, warmup: float,
) -> None:  # fmt: skip
    kept = statistics.median(gaps)
    floor = kept * ALERT_AFTER
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    per_k_minute = cpu / (window / 60) / (opts.monitors / 1000)
    print(f"monitors: {opts.monitors} endpoints every {opts.interval} s; alert_after {ALERT_AFTER}")
    print(f"warm-up (start, migrate, every monitor probed twice): {warmup:.1f} s")
    print(f"interval kept: p50 {kept:.2f} s, p99 {percentile(gaps, 0.99):.2f} s ({len(gaps)} gaps)")
    print(f"floor (interval kept x alert_after): {floor:.2f} s")
    print(f"onset -> page received, {len(latencies)} trials: " + ", ".join(f"{x:.1f}" for x in latencies))
    print(f"  p50 {p50:.2f} s = {p50 / floor:.2f} x floor; p99 {p99:.2f} s = {p99 / floor:.2f} x floor")
    print(f"probes served: {probes / window:.0f}/s (wanted {opts.monitors / opts.interval:.0f}/s)")
    print(f"engine CPU: {cpu:.1f} s over {window:.0f} s ({cpu / window:.0%} of one core)")
    print(f"  = {per_k_minute:.2f} CPU s per 1,000 monitors per minute ({cpu / probes * 1000:.2f} ms/probe)")


if __name__ == "__main__":
    sys.exit(main())
