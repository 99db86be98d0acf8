"""Problems found in a plan, each pointing at file:line:col and the dotted path of the field."""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from standby.core.errors import StandbyError

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """`("domains", 0, "owner")` → `domains[0].owner`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# While a plan is read, how much looking for near misses is left: [hints, comparisons]. Each look
# compares the word with every choice (difflib), so thousands of unknown references among thousands of
# people would be quadratic; past the budget, messages simply go without the hint.
_budget: ContextVar[list[int] | None] = ContextVar("suggestion_budget", default=None)


@contextlib.contextmanager
def suggestion_budget(hints: int, comparisons: int) -> Iterator[None]:
    token = _budget.set([hints, comparisons])
    try:
        yield
    finally:
        _budget.reset(token)


def suggest(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'dana'?)` for a near miss, else an empty string."""
    left = _budget.get()
    if left is not None and (left[0] <= 0 or left[1] <= 0):
        return ""
    choices = list(choices)
    if left is not None:
        left[0], left[1] = left[0] - 1, left[1] - len(choices)
    # A near miss is about as long as the word (difflib's cutoff needs that too): compare only those.
    near = [c for c in choices if abs(len(c) - len(word)) <= max(2, len(word) // 3)]
    match = difflib.get_close_matches(word, near, n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


@dataclass(frozen=True)
class PlanIssue:
    file: str
    line: int  # 1-based; 0 when unknown
    column: int
    path: str  # dotted path, empty for the whole document
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where} {self.path + ': ' if self.path else ''}{prefix}{self.message}"


class PlanError(StandbyError):
    """The plan cannot be used. `issues` lists every problem found, errors first."""

    def __init__(self, issues: Sequence[PlanIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))
