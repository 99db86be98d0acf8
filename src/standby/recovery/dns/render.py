"""The tracker's view for the terminal (a table under the headline) and for machines (JSON)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.table import Table
from rich.text import Text

from standby.core.timetext import at, words
from standby.recovery.dns.view import Recovery, Row

STYLE = {"right": "green", "wrong": "yellow", "unknown": "dim"}


def _left(row: Row) -> str:
    return "" if row.remaining is None else words_ttl(row.remaining)


def words_ttl(seconds: int) -> str:
    """A TTL for people: `2 days` rather than 172800."""
    return words(timedelta(seconds=seconds), seconds=True)


def as_table(recovery: Recovery, tz: str) -> Table:
    table = Table(header_style="bold")
    for column in ("resolver", "region", "answers now", "", "TTL left", "has it by", "flush"):
        table.add_column(column, overflow="fold")
    for row in recovery.rows:
        table.add_row(
            f"{row.resolver.name} ({row.resolver.address})",
            row.resolver.region,
            row.shown(),
            Text(row.verdict, style=STYLE[row.verdict]),
            _left(row),
            at(row.at_latest, tz) if row.at_latest else "",
            str(row.resolver.flush) if row.resolver.flush and row.verdict == "wrong" else "",
        )
    return table


def as_document(recovery: Recovery, tz: str) -> dict[str, Any]:
    latest = recovery.at_latest
    parent = recovery.parent
    return {
        "domain": recovery.domain,
        "checked_at": recovery.checked_at.isoformat(),
        "expected": recovery.expected.as_dict(),
        "headline": recovery.headline(tz),
        "right": recovery.right,
        "asked": len(recovery.rows) - recovery.unknown,
        "could_not_ask": recovery.unknown,
        "all_by": latest.isoformat() if latest else None,
        "parent": None
        if parent is None
        else {
            "zone": parent.zone,
            "nameservers": list(parent.nameservers),
            "ttl": parent.ttl,
            "error": parent.error,
        },
        "resolvers": [
            {
                "name": r.resolver.name,
                "region": r.resolver.region,
                "address": r.resolver.address,
                "verdict": r.verdict,
                "answers": {
                    t: {"kind": a.kind, "values": list(a.values), "ttl": a.ttl, "error": a.error}
                    for t, a in r.answers.items()
                },
                "ttl_left": r.remaining,
                "at_latest": r.at_latest.isoformat() if r.at_latest else None,
                "flush": str(r.resolver.flush) if r.resolver.flush else None,
            }
            for r in recovery.rows
        ],
    }


def parent_line(recovery: Recovery) -> str | None:
    parent = recovery.parent
    if parent is None:
        return None
    if parent.error:
        return f"The {parent.zone} zone: {parent.error}."
    ttl = f" with a TTL of {words_ttl(parent.ttl)}" if parent.ttl is not None else ""
    line = f"The {parent.zone} zone delegates {recovery.domain} to {', '.join(parent.nameservers)}{ttl}"
    wanted = dict(recovery.expected.records).get("NS")
    if wanted is not None and tuple(parent.nameservers) != wanted:
        return f"{line} — not the expected {', '.join(wanted)}: the fix has not reached the registry yet."
    return line + "."
