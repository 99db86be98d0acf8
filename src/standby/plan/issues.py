"""Problems found in a plan, each pointing at file:line:col and the dotted path of the field."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
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


def suggest(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'dana'?)` for a near miss, else an empty string."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
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
