"""Durable lead capture: submissions per second and p50/p99 latency at fixed offered loads, against the
ceiling of the same server stack.

The capture runs as the real command (`standby serve PLAN --web-only`) in a child process, on SQLite
(WAL, `synchronous=FULL`: every 2xx is on disk) with posts sharing commits (group commit). The ceiling
is a bare ASGI endpoint that reads the body and answers 200, served by the same uvicorn in the same
way, measured in the same run. A load generator (bench/loadgen.py) offers each rate open-loop for a
few seconds; latency counts from each request's scheduled time. The target: at 500 posts/s, p99 under
50 ms and at least half the ceiling's throughput.

    uv run python -m bench.lead_capture                          # 250, 500, 1000 posts/s, 8 s each
    uv run python -m bench.lead_capture --rates 500 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from tests.peers.smtp import free_port

from bench import loadgen

PLAN = {
    "version": 1,
    "organization": "Bench Corp",
    "fallback": {"rate_limit": {"posts": 1_000_000, "per": "1s"}, "capture_url": "http://127.0.0.1"},
    "forms": [
        {
            "id": "bench",
            "title": "Request a demo",
            "fields": [
                {"name": "email", "label": "Email", "type": "email"},
                {"name": "firstName", "label": "First name", "required": True},
                {"name": "company", "label": "Company"},
            ],
            "destination": {"webhook": {"url": "http://127.0.0.1:9/unused"}},
        }
    ],
}
CEILING = """
import asyncio, sys, uvicorn

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"15")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b'{"status":"ok"}'})

port = int(sys.argv[1])
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on")
"""


def body(n: int) -> bytes:
    return json.dumps(
        {"email": f"lead{n}@example.com", "firstName": f"Lead {n}", "company": "Northwind"}
    ).encode()


def wait_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], port: int, rates: list[float], seconds: float) -> list[loadgen.Run]:
    """Each rate's run, with the server's CPU seconds per acknowledged post in `cpu_per_post`."""
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, env={**os.environ})
    try:
        wait_port(port, process)
        asyncio.run(loadgen.run(port, "/f/bench", body, rate=100, seconds=1))  # warm up
        runs = []
        for rate in rates:
            before = cpu_seconds(process.pid)
            run = asyncio.run(loadgen.run(port, "/f/bench", body, rate=rate, seconds=seconds))
            run.cpu_per_post = (cpu_seconds(process.pid) - before) / max(run.ok, 1)
            runs.append(run)
        return runs
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:5.1f}ms" if seconds < 10 else f"{seconds:5.1f}s "


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[250, 500, 1000])
    parser.add_argument("--seconds", type=float, default=8)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plan, db = Path(tmp) / "plan.yaml", Path(tmp) / "standby.db"
        plan.write_text(yaml.safe_dump(PLAN))
        url = f"sqlite:///{db}"
        subprocess.run(
            [sys.executable, "-m", "standby", "db", "upgrade", "--db", url], check=True, capture_output=True
        )
        port = free_port()
        ceiling = measure([sys.executable, "-c", CEILING, str(port)], port, opts.rates, opts.seconds)
        port = free_port()
        serve = [
            sys.executable,
            "-m",
            "standby",
            "serve",
            str(plan),
            "--db",
            url,
            "--web-only",
            "--port",
            str(port),
        ]
        capture = measure(serve, port, opts.rates, opts.seconds)
        stored = sqlite3.connect(db).execute("select count(*) from lead_submission").fetchone()[0]
    acknowledged = sum(r.ok for r in capture) + 100
    columns = f"{'p50':>7} {'p99':>7} {'CPU':>6}"
    head = f"{'ceiling/s':>9} {columns}   {'capture/s':>9} {columns}"
    print(f"{'offered/s':>9}  {head}  ratio  errors   (CPU: server CPU time per post)")
    for top, got in zip(ceiling, capture, strict=True):
        failed = got.errors + sum(n for s, n in got.statuses.items() if s >= 300)
        print(
            f"{got.offered:9.0f}  {top.rate:9.0f} {_ms(top.p50)} {_ms(top.pct(0.99))} {_ms(top.cpu_per_post)}"
            f"   {got.rate:9.0f} {_ms(got.p50)} {_ms(got.pct(0.99))} {_ms(got.cpu_per_post)}"
            f"  {got.rate / top.rate:5.0%}  {failed}"
        )
    cost = sum(r.cpu_per_post for r in capture) / sum(r.cpu_per_post for r in ceiling)
    print(f"CPU per post, capture / ceiling: {cost:.1f}x (idle, the throughput ratio would be 1/{cost:.1f})")
    print(f"stored {stored} submissions for {acknowledged} acknowledged (must be equal)")
    at500 = next((r for r in capture if r.offered == 500), None)
    if at500 is not None:
        top = next(r for r in ceiling if r.offered == 500)
        verdict = at500.pct(0.99) < 0.05 and at500.rate >= 0.5 * top.rate
        print(f"target at 500/s (p99 < 50 ms, >= 50 % of the ceiling): {'met' if verdict else 'NOT met'}")
    return 0 if stored == acknowledged else 1


if __name__ == "__main__":
    sys.exit(main())
