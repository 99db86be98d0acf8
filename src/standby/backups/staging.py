"""Leads by id in a SQLite file in the run's work folder: where a base snapshot and the changes since
are merged, and where overlapping exports are deduplicated, without holding leads in memory.

Rows are kept in the snapshot's column order, as JSON arrays; `rows()` gives them back sorted by id,
which is the order of every leads file (and what lets `diff` walk two files side by side).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from standby.backups.files import Row, cell

BATCH = 500


class LeadTable:
    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        self.columns = list(columns)
        self.skipped = 0  # rows without a numeric id
        self._db = sqlite3.connect(path, check_same_thread=False)  # one thread at a time, never two
        self._db.execute("PRAGMA journal_mode=OFF")  # a scratch file: rebuilt if the run starts again
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE leads (id INTEGER PRIMARY KEY, row TEXT NOT NULL)")

    def _encode(self, rows: Iterable[Row]) -> Iterator[tuple[int, str]]:
        for row in rows:
            ident = str(row.get("id") or "").strip()
            if not ident.isdigit():
                self.skipped += 1
                continue
            yield int(ident), json.dumps([cell(row.get(c)) for c in self.columns], ensure_ascii=False)

    def load(self, rows: Iterable[Row]) -> None:
        """Insert or replace, without counting what changed (a base snapshot, a full read)."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO leads (id, row) VALUES (?, ?)", self._encode(rows))

    def upsert(self, rows: Iterable[Row]) -> tuple[int, int]:
        """Insert or replace; how many were new and how many differed from what was there."""
        added = changed = 0
        encoded = self._encode(rows)
        while batch := dict(islice(encoded, BATCH)):
            marks = ",".join("?" * len(batch))
            query = f"SELECT id, row FROM leads WHERE id IN ({marks})"  # noqa: S608 - only placeholders
            held = dict(self._db.execute(query, list(batch)).fetchall())
            added += sum(1 for i in batch if i not in held)
            changed += sum(1 for i, row in batch.items() if i in held and held[i] != row)
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO leads (id, row) VALUES (?, ?)", batch.items())
        return added, changed

    def delete(self, ids: Iterable[int]) -> int:
        removed = 0
        found = iter(ids)
        while batch := list(islice(found, BATCH)):
            with self._db:
                marks = ",".join("?" * len(batch))
                removed += self._db.execute(f"DELETE FROM leads WHERE id IN ({marks})", batch).rowcount  # noqa: S608
        return removed

    def reset(self) -> None:
        with self._db:
            self._db.execute("DELETE FROM leads")

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM leads").fetchone()[0])

    def rows(self) -> Iterator[dict[str, str]]:
        for (row,) in self._db.execute("SELECT row FROM leads ORDER BY id"):
            yield dict(zip(self.columns, json.loads(row), strict=True))

    def close(self) -> None:
        self._db.close()
