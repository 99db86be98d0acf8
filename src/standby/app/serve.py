"""The process: the engine — and for `standby serve` the web app beside it, under uvicorn — in one
event loop until SIGINT or SIGTERM, which stop both cleanly (probes in flight are cancelled and their
claims given back)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Iterator

import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from standby.app.web import create_app
from standby.core.errors import StandbyError
from standby.engine.planfile import PlanFile
from standby.engine.runner import TICK, Engine

log = logging.getLogger("standby.engine")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The command owns SIGINT/SIGTERM: they stop the engine and the server together (uvicorn's own
        # handlers would re-raise the signal after shutting down, and the process would die of it).
        yield


def bind(host: str, port: int) -> socket.socket:
    """Take the web app's port before anything starts, so a busy port is a clear error, not a crash."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise StandbyError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def configure_logging() -> None:
    """One line per plan reload, state change and message sent, on stderr; HTTP clients keep quiet."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("standby").setLevel(logging.INFO)


async def run(
    engine: Engine, sessions: sessionmaker[Session], *, listen: socket.socket | None, web_only: bool = False
) -> None:
    """Start the engine (a bad plan raises PlanError here, before anything runs), then serve until a
    signal; with `listen`, the web app answers on it meanwhile. `web_only` runs no checks: the web app
    follows the plan file, and another process (`--no-web`) does the work."""
    if web_only:
        await engine.plan_file.load()
    else:
        await engine.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    work = _follow(engine.plan_file, stop) if web_only else engine.run_forever(stop)
    tasks = [asyncio.create_task(work, name="plan" if web_only else "engine")]
    server: _Server | None = None
    if listen is not None:
        app = create_app(sessions=sessions, plan=lambda: engine.plan, clock=engine.clock)
        server = _Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
        tasks.append(asyncio.create_task(server.serve(sockets=[listen]), name="web"))
        host, port = listen.getsockname()[:2]
        log.info("web app on http://%s:%s", host, port)
    if not web_only:
        log.info("worker %s running %s", engine.worker, engine.plan_file.path)
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait([*tasks, stopping], return_when=asyncio.FIRST_COMPLETED)
    stop.set()  # whichever ended first (a signal, or a part that failed), the others stop too
    if server is not None:
        server.should_exit = True
    try:
        for task in tasks:
            await task
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    log.info("%s stopped", "web app" if web_only else f"worker {engine.worker}")


async def _follow(plan_file: PlanFile, stop: asyncio.Event) -> None:
    """Keep the web app's plan current. Plan loads are recorded by the process that runs the checks."""
    while not stop.is_set():
        found = await plan_file.refresh()
        if found is not None and found.plan is None:
            log.warning(
                "%s: edit refused, showing the last good plan: %s", plan_file.path, "; ".join(found.messages)
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=TICK)
