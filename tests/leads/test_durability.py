"""A SIGKILL under load loses no acknowledged lead and doubles none. `standby serve --web-only` takes
posts from eight clients while it is killed with SIGKILL and started again; clients retry what got no
answer with the same idempotency key, as the switch script does. Every submission that got a 2xx is
in the store afterwards, once; then the replay delivers each stored lead to Marketo exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import func, select

from standby.cli import main
from standby.leads.models import Submission
from standby.store.db import make_engine, session_factory
from tests.peers.marketo import MarketoFake
from tests.peers.smtp import free_port

CLIENTS = 8
SECONDS = 4.0  # of posting, bounded; the kill comes at about a third of it


class Load:
    """Clients posting leads until `stop`; what was acknowledged, by idempotency key."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.acked: dict[str, str] = {}  # key → the id the server answered
        self.unanswered = 0  # posts that got no answer at all (the server was dead)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.counter = iter(range(1_000_000))

    def client(self) -> None:
        with httpx.Client(base_url=self.base, timeout=5) as http:
            while not self.stop.is_set():
                n = next(self.counter)
                key = str(uuid.uuid4())
                while not self.stop.is_set():  # retry this lead, with its key, until it is acknowledged
                    try:
                        reply = http.post(
                            "/f/demo-request",
                            json={"email": f"lead{n}@example.com"},
                            headers={"Idempotency-Key": key},
                        )
                    except httpx.HTTPError:
                        with self.lock:
                            self.unanswered += 1
                        time.sleep(0.05)
                        continue
                    if reply.status_code == 202:
                        with self.lock:
                            self.acked[key] = reply.json()["id"]
                        break
                    assert reply.status_code in (429, 503), reply.text


def start(plan: Path, url: str, port: int) -> subprocess.Popen[bytes]:
    command = [
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
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, env={**os.environ})
    # The bound only keeps a broken build from hanging CI: while the process lives it is starting. On a
    # 2-core machine shared with other test runs, importing and starting it took over 30 s once.
    deadline = time.monotonic() + 180
    while True:
        assert process.poll() is None, "standby serve exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            assert time.monotonic() < deadline, "standby serve did not start"
            time.sleep(0.05)


def test_a_sigkill_under_load_loses_no_acknowledged_lead_and_doubles_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url, port = f"sqlite:///{tmp_path / 'standby.db'}", free_port()
    with MarketoFake() as mkto:
        monkeypatch.setenv("MKTO_SECRET", mkto.client_secret)
        plan = tmp_path / "plan.yaml"
        plan.write_text(
            yaml.safe_dump(
                {
                    "version": 1,
                    "organization": "Acme Corp",
                    "fallback": {"rate_limit": {"posts": 1_000_000, "per": "1s"}},
                    "forms": [
                        {
                            "id": "demo-request",
                            "title": "Request a demo",
                            "fields": [{"name": "email", "label": "Email", "type": "email"}],
                            "destination": {
                                "marketo": {
                                    "munchkin_id": "123-ABC-456",
                                    "client_id": mkto.client_id,
                                    "client_secret": "${MKTO_SECRET}",
                                    "base_url": mkto.url,
                                }
                            },
                        }
                    ],
                }
            )
        )
        assert main(["db", "upgrade", "--db", url]) == 0
        process = start(plan, url, port)
        load = Load(port)
        clients = [threading.Thread(target=load.client) for _ in range(CLIENTS)]
        for thread in clients:
            thread.start()
        try:
            time.sleep(SECONDS / 3)  # load builds up
            acked_before = len(load.acked)
            process.send_signal(signal.SIGKILL)
            process.wait()
            process = start(plan, url, port)
            time.sleep(SECONDS * 2 / 3)
        finally:
            load.stop.set()
            for thread in clients:
                thread.join(10)
            process.send_signal(signal.SIGTERM)
            process.wait(20)
        assert acked_before > 0 and load.unanswered > 0  # the kill landed while posts were in flight

        database = make_engine(url)
        with session_factory(database)() as session:
            rows = session.execute(select(Submission.idempotency_key, Submission.public_id)).all()
            stored = {str(key): str(public_id) for key, public_id in rows}
            total = session.scalar(select(func.count()).select_from(Submission))
        database.dispose()
        missing = {k: v for k, v in load.acked.items() if stored.get(k) != v}
        assert missing == {}, f"{len(missing)} acknowledged submissions are not in the store"
        assert total == len(stored)  # one row per key: no retry stored twice

        assert main(["leads", "replay", str(plan), "--db", url]) == 0
        capsys.readouterr()
    assert len(mkto.writes) == total and set(mkto.writes.values()) == {1}
