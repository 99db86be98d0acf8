"""Exporting submissions: JSON Lines (lossless) or CSV for spreadsheets, safe from formula injection.

A cell a spreadsheet would run as a formula — starting with = + - @, a tab or a carriage return (and
their full-width forms) — is written with a leading apostrophe, which spreadsheets show as text
(OWASP, "CSV Injection"). The visitor typed these values: nothing they typed may run in a colleague's
spreadsheet.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from standby.leads.models import Submission

BASE = ("id", "form", "received_at", "state", "outcome", "remote_id", "reason", "page_url", "referrer")
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def record(row: Submission) -> dict[str, Any]:
    return {
        "id": row.public_id,
        "form": row.form_id,
        "received_at": row.received_at.isoformat(),
        "state": row.state,
        "outcome": row.outcome,
        "remote_id": row.remote_id,
        "reason": row.reason,
        "page_url": row.page_url,
        "referrer": row.referrer,
        "fields": row.fields,
    }


def write_csv(rows: Sequence[Submission], out: TextIO) -> int:
    """One column per field name seen (in first-seen order) after the fixed ones; returns the rows."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row.fields))
    writer = csv.writer(out)
    writer.writerow([*BASE, *names])
    for row in rows:
        data = record(row)
        writer.writerow([safe_cell(data[k]) for k in BASE] + [safe_cell(row.fields.get(n)) for n in names])
    return len(rows)


def write_jsonl(rows: Iterable[Submission], out: TextIO) -> int:
    count = 0
    for line in _lines(rows):
        out.write(line)
        count += 1
    return count


def _lines(rows: Iterable[Submission]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(record(row), ensure_ascii=False) + "\n"
