"""What a run tells the person watching it: a Rich progress bar per list on a terminal, one line per
list otherwise (logs, cron mail), nothing in the service (its outcome is the manifest and the check)."""

from __future__ import annotations

from typing import IO, Protocol

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn


class Reporter(Protocol):
    def started(self, what: str) -> None: ...

    def advanced(self, what: str, rows: int) -> None: ...

    def finished(self, what: str, rows: int, note: str = "") -> None: ...


class Quiet:
    def started(self, what: str) -> None:
        pass

    def advanced(self, what: str, rows: int) -> None:
        pass

    def finished(self, what: str, rows: int, note: str = "") -> None:
        pass


class Lines:
    """One line per list (and one for the leads) as each finishes."""

    def __init__(self, out: IO[str], backup: str) -> None:
        self.out, self.backup = out, backup

    def started(self, what: str) -> None:
        pass

    def advanced(self, what: str, rows: int) -> None:
        pass

    def finished(self, what: str, rows: int, note: str = "") -> None:
        print(
            f"{self.backup}: {what}: {rows:,} rows" + (f" ({note})" if note else ""),
            file=self.out,
            flush=True,
        )


class Bars:
    """A live bar (rows so far, time) per list; use as a context manager around the run."""

    def __init__(self, console: Console, backup: str) -> None:
        self.backup = backup
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed:,} rows"),
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> Bars:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def started(self, what: str) -> None:
        self._tasks[what] = self.progress.add_task(f"{self.backup}: {what}", total=None)

    def advanced(self, what: str, rows: int) -> None:
        if what in self._tasks:
            self.progress.update(self._tasks[what], advance=rows)

    def finished(self, what: str, rows: int, note: str = "") -> None:
        if what not in self._tasks:
            self.started(what)
        label = f"{self.backup}: {what}" + (f" ({note})" if note else "")
        self.progress.update(self._tasks[what], completed=rows, total=rows, description=label)
