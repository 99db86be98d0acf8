"""How `standby check` shows findings: a table by urgency for people, one JSON document for machines."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from standby import __version__
from standby.core.status import STYLES, Finding, Status, worst

if TYPE_CHECKING:
    from standby.probes.sight import Sight


def by_urgency(findings: list[Finding]) -> list[Finding]:
    """Most urgent first; then fewest days left; then by asset, so the order is stable."""

    def key(f: Finding) -> tuple[int, float, str, str]:
        days = f.details.get("days_left")
        return (-f.status.urgency, days if isinstance(days, int | float) else float("inf"), f.asset, f.check)

    return sorted(findings, key=key)


def as_document(findings: list[Finding], checked_at: datetime, sight: Sight | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "standby": __version__,
        "checked_at": checked_at.isoformat().replace("+00:00", "Z"),
        "status": worst(f.status for f in findings).value,
    }
    if sight is not None:
        document["sight"] = {"seeing": sight.seeing, "summary": sight.summary, "cause": sight.cause}
    document["findings"] = [f.to_json() for f in by_urgency(findings)]
    return document


def blind_line(sight: Sight) -> str:
    return (
        f"Standby is blind: {sight.summary}. The checks that failed for this reason say nothing about "
        "your assets; fix Standby's side first."
    )


def as_lines(findings: list[Finding]) -> str:
    """The table for a file or a pipe: aligned columns, one line per finding, the summary last and
    whole (a terminal's table would wrap it into a tower of short lines)."""
    rows = [("status", "asset", "check", "days", "owner", "summary")]
    for f in by_urgency(findings):
        days = f.details.get("days_left")
        said = " ".join(f.summary.split())
        if answer := f.details.get("registry_answer"):  # as the terminal's table shows it, on the line
            said += f" [{' '.join(str(answer).split())}]"
        rows.append(
            (f.status.value, f.asset, f.check, "" if days is None else str(days), f.owner or "-", said)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[5]]) for r in rows)


def as_table(findings: list[Finding]) -> Table:
    table = Table(show_lines=False, header_style="bold", expand=False)
    for column in ("status", "asset", "check", "days", "owner", "summary"):
        table.add_column(column, overflow="fold", no_wrap=column in {"status", "days"})
    for f in by_urgency(findings):
        days = f.details.get("days_left")
        summary = Text(f.summary)
        if answer := f.details.get("registry_answer"):  # free / registered / throttled / unknown, and why
            summary.append(f"\n{answer}", style="dim")
        table.add_row(
            Text(f.status.value, style=STYLES[f.status]),
            f.asset,
            f.check,
            "" if days is None else str(days),
            f.owner or "-",
            summary,
        )
    return table


def print_summary(console: Console, findings: list[Finding]) -> None:
    counts = {s: sum(1 for f in findings if f.status is s) for s in Status}
    overall = worst(f.status for f in findings)
    parts = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    console.print(Text(f"{overall.value.upper()}: {parts or 'nothing to check'}", style=STYLES[overall]))
