"""`standby backup diff A B`: what changed between two snapshots — who joined and who left each list,
and which leads were added, removed or changed (and in which fields).

Both sides are loaded into a scratch SQLite database (rows keyed by lead id) and compared there, so
two files of a million leads take disk, not memory. Leads are named by email where there is one.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from standby.backups.manifest import FileEntry, Manifest
from standby.backups.snapshot import rows_of
from standby.backups.storage import Store

SHOWN = 20  # examples kept per change


@dataclass
class Change:
    """One file's differences: counts, and the first few examples of each."""

    name: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    examples: dict[str, list[str]] = field(
        default_factory=lambda: {"added": [], "removed": [], "changed": []}
    )
    fields: Counter[str] = field(default_factory=Counter)  # field → leads whose value changed
    only_in: str | None = None  # "a" or "b" when the list is in one snapshot only

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changed) and self.only_in is None


@dataclass(frozen=True)
class Diff:
    a: str
    b: str
    lists: list[Change]
    leads: Change | None


def diff(
    store_a: Store, a: Manifest, store_b: Store, b: Manifest, *, key_a: str | None, key_b: str | None
) -> Diff:
    """Compare two snapshots (call from a thread)."""
    with tempfile.TemporaryDirectory(prefix="standby-diff-") as scratch:
        db = sqlite3.connect(Path(scratch) / "diff.sqlite")
        try:
            lists = []
            names = [e.name for e in a.lists] + [e.name for e in b.lists if a.find_list(e.id) is None]
            for name in dict.fromkeys(names):
                left, right = a.find_list(name), b.find_list(name)
                left = left or (a.find_list(right.id) if right else None)
                right = right or (b.find_list(left.id) if left else None)
                if left is None or right is None:
                    lists.append(Change(name, only_in="a" if right is None else "b"))
                    continue
                lists.append(
                    _compare(db, name, (store_a, a, left, key_a), (store_b, b, right, key_b), rows=False)
                )
            leads = None
            if a.leads is not None and b.leads is not None:
                leads = _compare(
                    db, "leads", (store_a, a, a.leads, key_a), (store_b, b, b.leads, key_b), rows=True
                )
        finally:
            db.close()
    return Diff(a.snapshot, b.snapshot, lists, leads)


Side = tuple[Store, Manifest, FileEntry, str | None]


def _compare(db: sqlite3.Connection, name: str, a: Side, b: Side, *, rows: bool) -> Change:
    for table, side in (("a", a), ("b", b)):
        db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, label TEXT, row TEXT)")
        store, manifest, entry, key = side
        with rows_of(store, manifest.snapshot, entry, key=key) as found, db:
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)", _keyed(found))  # noqa: S608
    change = Change(name)
    for kind, query in (
        ("added", "SELECT b.label FROM b LEFT JOIN a USING (id) WHERE a.id IS NULL ORDER BY b.id"),
        ("removed", "SELECT a.label FROM a LEFT JOIN b USING (id) WHERE b.id IS NULL ORDER BY a.id"),
    ):
        labels = [label for (label,) in db.execute(query)]
        setattr(change, kind, len(labels))
        change.examples[kind] = labels[:SHOWN]
    if rows:
        query = "SELECT b.label, a.row, b.row FROM a JOIN b USING (id) WHERE a.row != b.row ORDER BY a.id"
        for label, before, after in db.execute(query):
            change.changed += 1
            old, new = json.loads(before), json.loads(after)
            differ = sorted(k for k in set(old) | set(new) if old.get(k, "") != new.get(k, ""))
            change.fields.update(differ)
            if len(change.examples["changed"]) < SHOWN:
                change.examples["changed"].append(f"{label} ({', '.join(differ)})")
    return change


def _keyed(rows: Iterable[dict[str, str]]) -> Iterable[tuple[int, str, str]]:
    for row in rows:
        ident = str(row.get("id", "")).strip()
        if ident.isdigit():
            yield int(ident), row.get("email") or f"id {ident}", json.dumps(row, sort_keys=True)
