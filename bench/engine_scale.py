"""Checks at scale: N HTTP monitors every 20 s against a local target, `standby serve` (SQLite, probe
processes, the dashboard and the API polled once a second) and — given an install — Uptime Kuma, one
at a time in one run. For each: CPU per check (the service's processes over the window), peak RSS,
checks delivered against those expected (Standby's daily page discoveries, which reach the target
too, are told apart and not counted; their CPU is), the interval each monitor kept (p50 / p99, at the target),
the busiest second against the mean, and Standby's own estimate of the largest N it keeps on time.

    uv run python -m bench.engine_scale                                   # 25,000 monitors, Standby
    uv run python -m bench.engine_scale --monitors 1000 --kuma /opt/uptime-kuma   # side by side
    uv run python -m bench.engine_scale --monitors 10000,20000,25000,30000        # largest N on time
    uv run python -m bench.engine_scale --postgres --monitors 20000 --interval 5  # 1 vs 2 workers

docs/benchmarks.md says how to set up Uptime Kuma from its repository, offline.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml
from tests.peers.dns import DnsPeer
from tests.peers.smtp import free_port

from bench.scale_target import DISCOVERY, Target
from standby.engine.load import machine_cpu

EMAIL, PASSWORD = "viewer@bench.example", "a long passphrase for the bench"
ON_TIME = 0.2  # seconds: the interval p99 may exceed the set interval by this much
DELIVERED = 0.995  # share of the expected checks that must arrive
DISCOVERY_WAIT = 300.0  # seconds the warm-up waits for Standby's first page discoveries to end


@dataclass
class Figures:
    name: str
    monitors: int
    interval: float
    window: float
    arrivals: list[tuple[float, str]]
    cpu: float  # CPU seconds of the service's processes over the window
    rss: float  # MiB, the highest sum over its processes
    pages: list[float] = field(default_factory=list)  # seconds each dashboard / API poll took
    capacity: float | None = None  # checks a second, the service's own estimate (Standby's /metrics)
    start_delay: float | None = None  # seconds, how late its checks started (p99, its own /metrics)
    sees: float | None = None  # Standby's own sight at the end (/metrics): 1 sees, 0 blind
    discovery: int = 0  # Standby's page discoveries in the window: not checks, but their CPU counts
    parts: dict[str, float] = field(default_factory=dict)  # CPU seconds by part (main, probe processes)
    target_cpu: float = 0.0  # CPU seconds of the local target over the window (not the service's)
    machine_cpu: float = 0.0  # CPU seconds of every process of the machine over the window

    @property
    def checks(self) -> int:
        return len(self.arrivals)

    @property
    def delivered(self) -> float:
        return self.checks / (self.monitors * self.window / self.interval)

    @property
    def gaps(self) -> list[float]:
        seen: dict[str, list[float]] = defaultdict(list)
        for at, path in self.arrivals:
            seen[path].append(at)
        return sorted(b - a for times in seen.values() for a, b in itertools.pairwise(times))

    @property
    def per_second(self) -> list[int]:
        if not self.arrivals:
            return [0]
        start = min(at for at, _ in self.arrivals)
        counts = Counter(int(at - start) for at, _ in self.arrivals)
        return [counts.get(s, 0) for s in range(int(self.window))]

    def on_time(self) -> bool:
        return percentile(self.gaps, 0.99) <= self.interval + ON_TIME and self.delivered >= DELIVERED


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def tree(pid: int) -> list[int]:
    """`pid` and every process below it (Linux /proc)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(fields[1])].append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += parents.get(found[-1], [])
    return found


def cpu_by_part(pids: list[int]) -> dict[str, float]:
    """CPU seconds of the processes under `pids`, by part: the probe processes, and the rest."""
    found: dict[str, float] = defaultdict(float)
    tick = os.sysconf("SC_CLK_TCK")
    for p in (p for pid in pids for p in tree(pid)):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()
            command = Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            continue
        part = "probe processes" if b"probe_process" in command else "main process"
        found[part] += sum(int(f) for f in fields[11:15]) / tick  # user + system, with children's
        found[f"{part}, in the kernel"] += (int(fields[12]) + int(fields[14])) / tick
    return found


def busy(parts: dict[str, float]) -> float:
    """The CPU seconds of `parts` (cpu_by_part), without counting their kernel share twice."""
    return sum(seconds for part, seconds in parts.items() if "kernel" not in part)


def rss_mib(pids: list[int]) -> float:
    total = 0
    for p in (p for pid in pids for p in tree(pid)):
        try:
            lines = Path(f"/proc/{p}/status").read_text().splitlines()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)
    return total / 1024


def measure(
    name: str, pids: list[int], target: Target, monitors: int, interval: float, window: float,
    poll: Callable[[], float] | None = None, alive: Callable[[], bool] = lambda: True,
) -> Figures:  # fmt: skip
    """Wait until every monitor has been checked and one more interval has passed, then watch
    `window` seconds (polling once a second), and take the figures."""
    seen: set[str] = set()
    deadline = time.monotonic() + 120 + 5 * interval + monitors / 20
    while len(seen) < monitors:
        if not alive() or time.monotonic() > deadline:
            raise SystemExit(f"{name}: only {len(seen)} of {monitors} monitors checked; giving up")
        seen.update(path for _, path in target.take())
        time.sleep(1)
    time.sleep(interval)
    # Standby's first look at each page's dependencies (discovery, daily) comes at most 10 a second
    # after a start: wait until those are over, to measure the steady state — when that takes at most
    # DISCOVERY_WAIT (N / 10 s); past it they go on in the window, counted apart, their CPU included.
    deadline = time.monotonic() + DISCOVERY_WAIT if monitors / 10 <= DISCOVERY_WAIT else 0.0
    while time.monotonic() < deadline and any(path.startswith(DISCOVERY) for _, path in target.take()):
        time.sleep(interval)
    target.take()
    start, cpu0, rss, pages = time.time(), cpu_by_part(pids), 0.0, []
    target_cpu, machine0 = cpu_by_part([target.pid]), machine_cpu() or 0.0
    while time.time() < start + window:
        tick = time.time()
        if poll is not None:
            pages.append(poll())
        rss = max(rss, rss_mib(pids))
        time.sleep(max(0.0, 1 - (time.time() - tick)))
    parts = {part: cpu - cpu0.get(part, 0.0) for part, cpu in cpu_by_part(pids).items()}
    taken = [(at, path) for at, path in target.take() if start <= at < start + window]
    arrivals = [(at, path) for at, path in taken if not path.startswith(DISCOVERY)]
    found = Figures(name, monitors, interval, window, arrivals, busy(parts), rss, pages)
    found.parts = dict(parts)
    found.target_cpu = busy(cpu_by_part([target.pid])) - busy(target_cpu)
    found.machine_cpu = (machine_cpu() or 0.0) - machine0
    found.discovery = len(taken) - len(arrivals)
    return found


def standby(command: str) -> list[str]:
    return [sys.executable, "-m", "standby", *command.split()]


def write_plan(
    directory: Path, monitors: int, interval: float, target: Target, resolver: str, port: int = 8400
) -> Path:
    """`resolver`: a local one, as a deployed Standby has; without it, its self-check finds no
    resolver answering (this machine has no internet) and it measures a blind Standby."""
    plan = {
        "version": 1,
        "organization": "Bench",
        "settings": {
            "timeout": "5s",
            "cache_dir": str(directory),
            "concurrency": 2000,
            "per_server_concurrency": 1000,
            "retention": "1d",
            "resolvers": [resolver],
            "base_url": f"http://127.0.0.1:{port}",  # plain http: the session cookie is not Secure
        },
        "people": [{"id": "owner", "name": "Owner", "email": "owner@bench.example"}],
        "endpoints": [
            {"id": f"e{i}", "url": target.url(f"/e{i}"), "owner": "owner", "interval": f"{interval:g}s"}
            for i in range(monitors)
        ],
    }
    path = directory / "plan.yaml"
    path.write_text(yaml.safe_dump(plan))
    return path


@contextmanager
def running(command: list[str], log: Path, **options: object) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **options)  # type: ignore[call-overload]
        try:
            yield process
        except BaseException:
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(url: str, process: subprocess.Popen[bytes], within: float = 180) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{url} never answered (exit status {process.poll()})")
        time.sleep(0.5)


def run_standby(target: Target, monitors: int, opts: argparse.Namespace) -> Figures:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        url, port = f"sqlite:///{tmp}/bench.db", free_port()
        plan = write_plan(directory, monitors, opts.interval, target, opts.resolver, port)
        (directory / "password").write_text(PASSWORD)
        subprocess.run(standby(f"db upgrade --db {url}"), check=True, capture_output=True)
        subprocess.run(standby(f"user add {EMAIL} --role viewer --password-file {tmp}/password --db {url}"),
                       check=True, capture_output=True)  # fmt: skip
        probes = [] if opts.probes is None else ["--probes", str(opts.probes)]
        command = [*standby(f"serve {plan} --db {url} --port {port}"), *probes]
        with (
            running(command, directory / "serve.log") as serve,
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as web,
        ):
            wait_for(f"http://127.0.0.1:{port}/healthz", serve)
            sign_in(web)

            def poll() -> float:  # the dashboard and the API, as a browser tab and a script would
                began = time.perf_counter()
                for path in ("/", "/api/v1/assets?limit=100"):  # the first page of each
                    web.get(path).raise_for_status()
                return time.perf_counter() - began

            found = measure("Standby", [serve.pid], target, monitors, opts.interval, opts.window,
                            None if opts.no_dashboard else poll, lambda: serve.poll() is None)  # fmt: skip
            metrics = web.get("/metrics").text
            found.capacity = gauge(metrics, "standby_engine_capacity_checks_per_second ")
            found.start_delay = gauge(metrics, "standby_engine_start_delay_seconds{")
            found.sees = gauge(metrics, "standby_sight{")
        return found


def sign_in(web: httpx.Client) -> None:
    # Retried: on main a sign-in that meets the engine's write can fail with "database is locked" (a
    # deferred SQLite transaction cannot take the write lock; the BEGIN IMMEDIATE work of issue 10).
    for _ in range(20):
        if web.post("/login", data={"email": EMAIL, "password": PASSWORD, "next": "/"}).status_code == 303:
            return
        time.sleep(0.5)
    raise SystemExit("cannot sign in to the dashboard")


def gauge(metrics: str, prefix: str) -> float | None:
    """The first value of /metrics whose line starts with `prefix`."""
    for line in metrics.splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return None


def run_kuma(target: Target, monitors: int, opts: argparse.Namespace) -> Figures:
    kuma = Path(opts.kuma).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "db-config.json").write_text('{"type": "sqlite"}')
        port = free_port()
        command = ["node", "server/server.js", f"--data-dir={tmp}/", f"--port={port}"]
        with running(command, Path(tmp) / "kuma.log", cwd=kuma) as node:
            wait_for(f"http://127.0.0.1:{port}/", node)
            adder = Path(__file__).with_name("kuma_monitors.mjs")
            subprocess.run(["node", str(adder), str(kuma), f"http://127.0.0.1:{port}", str(monitors),
                            target.url(""), f"{opts.interval:g}"], check=True)  # fmt: skip
            return measure("Uptime Kuma", [node.pid], target, monitors, opts.interval, opts.window,
                           alive=lambda: node.poll() is None)  # fmt: skip


def run_postgres(target: Target, opts: argparse.Namespace) -> list[Figures]:
    """The same monitors with one `standby worker` process, then two, on PostgreSQL (each probing in
    its own process: --probes 0), at an interval short enough to keep them busy: checks a second."""
    from tests.peers.postgres import PostgresServer, _bindir

    bindir = _bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="standby-bench-pg-"))
    if os.geteuid() == 0:
        import shutil

        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(bindir, root)
    server.start()
    found = []
    try:
        monitors = opts.monitors[0]
        for workers in (1, 2):
            url = server.create_database()
            with tempfile.TemporaryDirectory() as tmp:
                plan = write_plan(Path(tmp), monitors, opts.interval, target, opts.resolver)
                subprocess.run(standby(f"db upgrade --db {url}"), check=True, capture_output=True)
                command = standby(f"worker {plan} --db {url} --probes 0")
                with (
                    running(command, Path(tmp) / "w1.log") as first,
                    running(command, Path(tmp) / "w2.log") if (workers == 2) else _nothing() as second,
                ):
                    target.take()
                    time.sleep(opts.interval + 30)  # warm up: plan loaded, every monitor claimed once
                    pids = [first.pid] + ([second.pid] if second is not None else [])
                    figures = measure(f"{workers} worker(s)", pids, target, monitors, opts.interval,
                                      opts.window)  # fmt: skip
                found.append(figures)
    finally:
        server.stop()
    return found


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def report(rows: list[Figures], opts: argparse.Namespace) -> None:
    print(f"load average before/after: {opts.load_before} / {Path('/proc/loadavg').read_text().split()[:3]}")
    print("| | monitors | CPU per check | RSS | delivered | interval p50 / p99 | busiest second / mean "
          "| dashboard + API poll p50 / p99 |")  # fmt: skip
    print("|---" * 8 + "|")
    for f in rows:
        gaps, seconds = f.gaps, f.per_second
        mean = statistics.mean(seconds)
        polls = f"{percentile(f.pages, 0.5):.2f} / {percentile(f.pages, 0.99):.2f} s" if f.pages else "—"
        print(
            f"| {f.name} | {f.monitors:,} | {f.cpu / max(f.checks, 1) * 1000:.2f} ms | {f.rss:.0f} MiB "
            f"| {f.delivered:.1%} ({f.checks:,}) "
            f"| {percentile(gaps, 0.5):.2f} / {percentile(gaps, 0.99):.2f} s "
            f"| {max(seconds)} / {mean:.0f} = {max(seconds) / mean:.2f} | {polls} |"
        )
    for f in rows:
        checks = max(f.checks, 1)
        per_check = ", ".join(f"{part} {cpu / checks * 1000:.2f} ms" for part, cpu in f.parts.items())
        machine = f.machine_cpu / f.window / (os.cpu_count() or 1)
        print(f"{f.name}, {f.monitors:,}: CPU per check by part: {per_check}; the target used "
              f"{f.target_cpu / f.window:.0%} of a core; the machine was {machine:.0%} busy")  # fmt: skip
    ours = [f for f in rows if f.name == "Standby"]
    kuma = [f for f in rows if f.name == "Uptime Kuma"]
    if ours and kuma:
        ratio = (ours[0].cpu / ours[0].checks) / (kuma[0].cpu / kuma[0].checks)
        print(f"CPU per check, Standby / Uptime Kuma: {ratio:.2f}")
    for f in ours:
        held = f"{f.capacity * opts.interval:,.0f}" if f.capacity else "unknown"
        late = f"{f.start_delay:.2f} s" if f.start_delay is not None else "unknown"
        if f.sees != 1:  # a blind Standby looks at itself every second, and holds findings: not a deployment
            print(f"{f.monitors:,} monitors: Standby's self-check was NOT seeing at the end (standby_sight)")
        print(f"{f.monitors:,} monitors: {'on time' if f.on_time() else 'NOT on time'}; its checks started "
              f"{late} after their slots (p99 of the last minute, Standby's own measure); Standby's own "
              f"estimate of the monitors it keeps on time at {opts.interval:g} s: {held}; "
              f"{f.discovery:,} page discoveries in the window (not checks; their CPU counts)")  # fmt: skip
    kept = [f.monitors for f in ours if f.on_time()]
    if len(ours) > 1:
        print(f"largest N on time (measured): {max(kept):,}" if kept else "no N tried was on time")
    workers = [f for f in rows if "worker" in f.name]
    if len(workers) == 2:
        one, two = (f.checks / f.window for f in workers)
        print(f"PostgreSQL: 1 worker {one:.0f} checks/s, 2 workers {two:.0f} checks/s: {two / one:.2f} x one")


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--monitors", default="25000", help="N, or several: 10000,20000,30000")
    args.add_argument("--interval", type=float, default=20.0, help="seconds")
    args.add_argument("--window", type=float, default=120.0, help="seconds measured, after a warm-up")
    args.add_argument("--probes", type=int, default=None, help="standby serve --probes (default: its own)")
    args.add_argument("--no-dashboard", action="store_true", help="do not poll the dashboard and API")
    args.add_argument("--kuma", help="path to an Uptime Kuma install (docs/benchmarks.md), run side by side")
    args.add_argument("--postgres", action="store_true", help="1 vs 2 `standby worker` on PostgreSQL")
    opts = args.parse_args()
    opts.monitors = [int(n) for n in opts.monitors.split(",")]
    opts.load_before = Path("/proc/loadavg").read_text().split()[:3]
    rows: list[Figures] = []
    with Target() as target, DnsPeer(recursive=True) as resolver:
        opts.resolver = resolver.address
        if opts.postgres:
            rows += run_postgres(target, opts)
        else:
            rows += [run_standby(target, n, opts) for n in opts.monitors]
            if opts.kuma:
                rows.append(run_kuma(target, opts.monitors[0], opts))
    report(rows, opts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
