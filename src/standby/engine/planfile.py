"""The running plan: the last good version of the plan file, reloaded when the file changes.

Each tick compares the file's (mtime, size) with the last look, and only on a difference reads it and
compares its sha256, so a `touch` or an editor's rewrite of the same bytes changes nothing. An edit
that does not load is refused: the last good plan keeps running, and the errors are reported once.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from standby.plan.issues import PlanError, PlanIssue
from standby.plan.load import parse_plan
from standby.plan.model import Plan

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
    def __init__(self, path: Path) -> None:
        self.path = path
        self._stat: tuple[int, int] | None = None
        self._sha256: str | None = None  # of the last version read, good or bad
        self._plan: Plan | None = None

    @property
    def plan(self) -> Plan:
        assert self._plan is not None, "load() first"
        return self._plan

    def load(self) -> Reload:
        """The first load: with no good plan to fall back on, a bad file raises PlanError."""
        found = self.refresh()
        assert found is not None, "a file never looked at is always read"
        if found.plan is None:
            raise PlanError(found.issues)
        return found

    def refresh(self) -> Reload | None:
        """Look at the file; None when it has not changed since the last look."""
        try:
            stat = self.path.stat()
            seen = (stat.st_mtime_ns, stat.st_size)
            if seen == self._stat:
                return None
            data = self.path.read_bytes()
        except OSError as exc:
            if self._sha256 == _UNREADABLE:
                return None  # said so already
            self._stat, self._sha256 = None, _UNREADABLE
            return Reload("", None, [self._issue(f"cannot read it: {exc.strerror or exc}")])
        self._stat = seen
        digest = hashlib.sha256(data).hexdigest()
        if digest == self._sha256:
            return None
        self._sha256 = digest
        try:
            plan, warnings = parse_plan(data.decode("utf-8"), str(self.path), os.environ)
        except UnicodeDecodeError as exc:
            return Reload(digest, None, [self._issue(f"not UTF-8 text: {exc}")])
        except PlanError as exc:
            return Reload(digest, None, exc.issues)
        self._plan = plan
        return Reload(digest, plan, warnings)

    def _issue(self, message: str) -> PlanIssue:
        return PlanIssue(str(self.path), 0, 0, "", message)
