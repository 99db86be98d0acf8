"""The running plan: the last good version of the plan file, reloaded when the file changes.

Each look compares the file's (mtime, size) with the last look, and only on a difference reads it and
compares its sha256, so a `touch` or an editor's rewrite of the same bytes changes nothing. An edit
that does not load is refused: the last good plan keeps running, and the errors are reported once.

The engine looks from its event loop, which also runs the probes and the web app, so `refresh()` reads
and checks the file in a thread, and gives up after `limits.MAX_SECONDS`: however the file was edited,
the loop keeps turning (the reader's own limits make a read of any file take well under a second; the
time limit is the backstop). A refused edit, whatever the reason, is a `Reload` without a plan.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from standby.plan import limits
from standby.plan.issues import PlanError, PlanIssue
from standby.plan.load import parse_plan, read_bounded
from standby.plan.model import Plan

log = logging.getLogger("standby.engine")
_UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Reload:
    """What one look at a changed file found: a new plan (with warnings), or why the edit was refused."""

    sha256: str  # empty when the file could not be read
    plan: Plan | None
    issues: list[PlanIssue] = field(default_factory=list)  # errors, or the new plan's warnings

    @property
    def messages(self) -> list[str]:
        return [str(i) for i in self.issues]


class PlanFile:
    def __init__(self, path: Path, *, limit: float = limits.MAX_SECONDS) -> None:
        self.path = path
        self.limit = limit  # seconds a read may take before the edit is refused
        self._stat: tuple[int, int] | None = None
        self._sha256: str | None = None  # of the last version read, good or bad
        self._plan: Plan | None = None
        self._reading: asyncio.Future[Reload] | None = None  # a read that ran out of time

    @property
    def plan(self) -> Plan:
        assert self._plan is not None, "load() first"
        return self._plan

    async def load(self) -> Reload:
        """The first load: with no good plan to fall back on, a bad file raises PlanError."""
        found = await self.refresh()
        assert found is not None, "a file never looked at is always read"
        if found.plan is None:
            raise PlanError(found.issues)
        return found

    async def refresh(self) -> Reload | None:
        """Look at the file; None when it has not changed since the last look (or a read that ran out
        of time is still going: nothing new is started until it ends)."""
        if self._reading is not None:
            if not self._reading.done():
                return None
            self._reading = None
        look = await asyncio.to_thread(self._look)
        if look is None:
            return None
        seen, data = look
        if isinstance(data, OSError):
            if self._sha256 == _UNREADABLE:
                return None  # said so already
            self._stat, self._sha256 = None, _UNREADABLE
            return Reload("", None, [self._issue(f"cannot read it: {data.strerror or data}")])
        self._stat = seen
        digest = hashlib.sha256(data).hexdigest()
        if digest == self._sha256:
            return None
        self._sha256 = digest
        reading = asyncio.ensure_future(asyncio.to_thread(_read, data, str(self.path), digest))
        try:
            found = await asyncio.wait_for(asyncio.shield(reading), timeout=self.limit)
        except TimeoutError:
            self._reading = reading  # a thread cannot be stopped; its answer is dropped
            message = (
                f"reading it took more than {self.limit:g} s, so Standby stopped waiting; simplify the "
                "file (see docs/plan.md, Limits) or report it: a plan should read in well under a second"
            )
            return Reload(digest, None, [self._issue(message)])
        if found.plan is not None:
            self._plan = found.plan
        return found

    def _look(self) -> tuple[tuple[int, int] | None, bytes | OSError] | None:
        try:
            stat = self.path.stat()
            seen = (stat.st_mtime_ns, stat.st_size)
            if seen == self._stat:
                return None
            return seen, read_bounded(self.path)
        except OSError as exc:
            return None, exc

    def _issue(self, message: str) -> PlanIssue:
        return PlanIssue(str(self.path), 0, 0, "", message)


def _read(data: bytes, name: str, digest: str) -> Reload:
    """Check the file's bytes (in a thread). Never raises: a bug is a refused edit, logged once."""
    try:
        if len(data) > limits.MAX_BYTES:
            raise PlanError([PlanIssue(name, 0, 0, "", limits.TOO_BIG)])
        plan, warnings = parse_plan(data.decode("utf-8"), name, os.environ)
    except UnicodeDecodeError as exc:
        return Reload(digest, None, [PlanIssue(name, 0, 0, "", f"not UTF-8 text: {exc}")])
    except PlanError as exc:
        return Reload(digest, None, exc.issues)
    except Exception as exc:  # a bug in the reader must not stop the service running the last good plan
        log.exception("%s: reading the plan failed", name)
        message = f"Standby could not read it ({type(exc).__name__}: {exc}); this is a bug, please report it"
        return Reload(digest, None, [PlanIssue(name, 0, 0, "", message)])
    return Reload(digest, plan, warnings)
