"""The status page, kept current: each tick the page is built from the plan's `status_page` section,
the checks' current states and what statuspage/incidents.py shows of incidents; when the rendered files
differ from the stored ones they are stored (that is what /status/ serves, and the "previous page"
for the next build) and published to every target in a background thread, so a slow or unreachable
target never holds up the engine. Nothing changes: nothing is written or uploaded.

A target that failed is tried again at once when the page changes, else after a backoff (30 s,
doubling up to 10 min). The digests of what each target holds are stored, so a restart uploads
nothing that is already there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.core.status import Status, worst
from standby.engine.models import CheckState
from standby.plan.model import Plan
from standby.plan.status_page import PublishTarget, shown_url
from standby.statuspage import incidents
from standby.statuspage.models import StatusPageFile, StatusPageTarget
from standby.statuspage.page import Component, Page
from standby.statuspage.publish import PublishResult, digest, publish_all
from standby.statuspage.render import render
from standby.statuspage.snapshot import page_from_plan
from standby.store.db import lock_for_write

log = logging.getLogger("standby.statuspage")
COMPONENTS = "api/v2/components.json"
_running: dict[int, threading.Thread] = {}  # per session factory: one publish at a time
_guard = threading.Lock()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # a previous page's "now" is never read


def publish_due(
    sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str | None = None
) -> int:
    """Each tick: rebuild the page; store and publish it if it changed. Returns 1 when it changed, else
    0. (`worker` is the engine's; publishing needs no lease: one thread per process, digests decide.)"""
    if plan.status_page is None:
        return 0
    targets = plan.status_page.publish
    with sessions() as session:  # most ticks change nothing: look before taking the write lock
        stored = {f.path: f for f in session.scalars(select(StatusPageFile))}
        files, shown = build(session, plan=plan, now=now, previous=_previous(stored))
        fresh = all(p in stored and stored[p].digest == digest(c) for p, c in files.items())
        if fresh and not _due(session, targets, files, now=now, claim=False):
            return 0
    with sessions.begin() as session:
        lock_for_write(session)
        stored = {f.path: f for f in session.scalars(select(StatusPageFile))}
        changed = _store(session, stored, files, now=now)
        incidents.mark_shown(session, shown, now=now)
        due = _due(session, targets, files, now=now, claim=True)
    if due:
        _start(sessions, files, due, now=now)
    return int(changed)


def build(
    session: Session, *, plan: Plan, now: datetime, previous: Page | None = None
) -> tuple[dict[str, bytes], list[int]]:
    """The rendered files, and the ids of the incidents they show."""
    shown = incidents.page_incidents(session, plan=plan, now=now)
    page = page_from_plan(
        plan, now=now, checks=_checks(session, plan), incidents=[i for _, i in shown], previous=previous
    )
    return render(page), [ident for ident, _ in shown]


def served(session: Session, *, plan: Plan, path: str, now: datetime) -> bytes | None:
    """A file of the page as last stored; rendered on the spot when nothing is stored yet."""
    row = session.scalars(select(StatusPageFile).where(StatusPageFile.path == path)).one_or_none()
    if row is not None:
        return row.content
    return build(session, plan=plan, now=now)[0].get(path)


def settle(sessions: sessionmaker[Session], timeout: float = 30.0) -> None:
    """Wait for a publish in progress to finish (tests; a clean stop)."""
    with _guard:
        thread = _running.get(id(sessions))
    if thread is not None:
        thread.join(timeout)


def _checks(session: Session, plan: Plan) -> dict[str, Status]:
    assert plan.status_page is not None
    assets = [c.asset for c in plan.status_page.components]
    found: dict[str, list[Status]] = {}
    for asset, status in session.execute(
        select(CheckState.asset, CheckState.status).where(CheckState.asset.in_(assets))
    ):
        found.setdefault(asset, []).append(Status(status))
    # A check that could not tell (unknown) must not hide one that could.
    return {a: worst([s for s in ss if s is not Status.UNKNOWN] or ss) for a, ss in found.items()}


def _previous(stored: Mapping[str, StatusPageFile]) -> Page | None:
    """The components as last published: their statuses (an unknown check keeps one) and since when."""
    row = stored.get(COMPONENTS)
    if row is None:
        return None
    rows = json.loads(row.content)["components"]
    components = [
        Component(
            c["id"], c["name"], c["status"], datetime.fromisoformat(c["updated_at"].replace("Z", "+00:00"))
        )
        for c in rows
        if not c.get("group")
    ]
    return Page(id="", title="", url="", time_zone="UTC", generated_at=_EPOCH, components=components)


def _store(
    session: Session, stored: Mapping[str, StatusPageFile], files: Mapping[str, bytes], *, now: datetime
) -> bool:
    changed = False
    for path, content in files.items():
        sha = digest(content)
        row = stored.get(path)
        if row is None:
            session.add(StatusPageFile(path=path, content=content, digest=sha, updated_at=now))
        elif row.digest != sha:
            row.content, row.digest, row.updated_at = content, sha, now
        else:
            continue
        changed = True
    return changed


def _site(files: Mapping[str, bytes]) -> str:
    return hashlib.sha256("".join(f"{p}\0{digest(files[p])}\n" for p in sorted(files)).encode()).hexdigest()


def _key(target: PublishTarget) -> str:
    return hashlib.sha256(target.url.encode()).hexdigest()


def _backoff(failures: int) -> timedelta:
    return min(timedelta(seconds=30 << min(max(failures - 1, 0), 10)), timedelta(minutes=10))


def _due(
    session: Session, targets: list[PublishTarget], files: Mapping[str, bytes], *, now: datetime, claim: bool
) -> list[tuple[PublishTarget, dict[str, str]]]:
    """The targets that lack the current files and may be tried now, with the digests they hold;
    with `claim`, they are marked as being tried."""
    rows = {r.key: r for r in session.scalars(select(StatusPageTarget))}
    site, due = _site(files), []
    for target in targets:
        row = rows.get(_key(target))
        if row is None:
            row = StatusPageTarget(key=_key(target), shown=shown_url(target.url), digests={}, failures=0)
            if claim:
                session.add(row)
        if all(row.digests.get(p) == digest(c) for p, c in files.items()):
            continue
        waited = row.attempted_at is None or now >= row.attempted_at + _backoff(row.failures)
        if row.attempted != site or waited:
            if claim:
                row.attempted, row.attempted_at = site, now
            due.append((target, dict(row.digests)))
    return due


def _start(
    sessions: sessionmaker[Session],
    files: dict[str, bytes],
    due: list[tuple[PublishTarget, dict[str, str]]],
    *,
    now: datetime,
) -> None:
    with _guard:
        running = _running.get(id(sessions))
        if running is not None and running.is_alive():
            return  # the next tick tries again: the targets are still behind
        thread = threading.Thread(
            target=_publish, args=(sessions, files, due, now), name="standby-status-page", daemon=True
        )
        _running[id(sessions)] = thread
        thread.start()


def _publish(
    sessions: sessionmaker[Session],
    files: dict[str, bytes],
    due: list[tuple[PublishTarget, dict[str, str]]],
    now: datetime,
) -> None:
    try:
        previous = {t.url: PublishResult(t.url, digests=d) for t, d in due}
        results = publish_all(files, [t for t, _ in due], previous=previous)
        with sessions.begin() as session:
            lock_for_write(session)
            rows = {r.key: r for r in session.scalars(select(StatusPageTarget))}
            for target, _ in due:
                result, row = results[target.url], rows.get(_key(target))
                if row is None:
                    continue
                row.digests = dict(result.digests)
                if result.ok:
                    row.error, row.failures, row.published_at = None, 0, now
                    if result.written:
                        log.info("status page published to %s (%d files)", result.target, len(result.written))
                else:
                    row.error, row.failures = (
                        "; ".join(why for _, why in result.failed)[:2000],
                        row.failures + 1,
                    )
                    log.warning("status page not published to %s: %s", result.target, row.error)
    except Exception:  # a bug here must not kill the engine; the next change tries again
        log.exception("publishing the status page failed")
