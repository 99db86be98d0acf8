"""`standby serve` as a real process for whole-system tests: a plan that pages through a local SMTP
relay within seconds, the process started, stopped (SIGTERM) or killed (SIGKILL) like in production,
its log kept in a file (a pipe nobody reads would fill up and stall it), and its database readable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from standby.store.db import make_engine, session_factory
from tests.peers.internet import FakeInternet
from tests.peers.smtp import SmtpPeer, free_port

OWNER_THEN_MANAGER = [("0s", "owner"), ("20s", "owner.reports_to")]


def eventually(check: Callable[[], bool], *, within: float = 60.0, what: str = "it") -> None:
    """Wait for `check`; the bound only keeps a broken build from hanging CI."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def paging_plan(
    net: FakeInternet,
    smtp: SmtpPeer,
    *,
    steps: list[tuple[str, str]] = OWNER_THEN_MANAGER,
    timeout: str = "1s",
    **email: Any,
) -> Path:
    """The fake internet's endpoints, probed every second, paging through `smtp` along `steps`."""
    data = net.plan()
    settings = {**data["settings"], "timeout": timeout}
    settings["email"] = {"smtp": smtp.url, "from": "standby@alerts.example", "starttls": False, **email}
    data.update(settings=settings, domains=[], vendors=[])
    data["playbooks"] = [{"id": "fast", "escalation": [{"after": a, "notify": [n]} for a, n in steps]}]
    data["endpoints"] = [{**e, "interval": "1s", "playbook": "fast"} for e in net.endpoints]
    path = net.directory / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


class Serve:
    """One `standby serve` process on `url`; `serve.log` is what it wrote to stderr."""

    def __init__(self, plan: Path, url: str, log: Path, *, web: bool = True) -> None:
        self.plan, self.url, self.log_path = plan, url, log
        self.port = free_port() if web else None
        args = ["--port", str(self.port)] if web else ["--no-web"]
        command = [sys.executable, "-m", "standby", "serve", str(plan), "--db", url, *args]
        with log.open("a") as out:
            self.process = subprocess.Popen(
                command, stderr=out, stdout=out, env={**os.environ, "COLUMNS": "200"}
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        assert self.process.poll() is None, (
            f"standby serve exited with {self.process.returncode}:\n{self.log}"
        )
        return True

    def healthy(self) -> bool:
        self.alive()
        try:
            return httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def kill(self) -> None:
        """SIGKILL: no cleanup at all, like a crash or an OOM kill."""
        self.process.kill()
        self.process.wait(timeout=30)


@contextmanager
def serving(plan: Path, url: str, log: Path, *, web: bool = True) -> Iterator[Serve]:
    serve = Serve(plan, url, log, web=web)
    try:
        yield serve
    finally:
        if serve.process.poll() is None:
            serve.kill()


@contextmanager
def database(url: str) -> Iterator[Callable[[], Session]]:
    engine: Engine = make_engine(url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()
