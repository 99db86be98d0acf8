"""`standby backup verify`: is a snapshot what its manifest says? Each file is read back from the
target in full: its size and SHA-256 as stored, then (decrypted, with the key) its header compared
with the manifest's fields and its rows counted. Every disagreement is a problem, named."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from typing import IO

from standby.backups import crypto
from standby.backups.files import CHUNK, HashingReader
from standby.backups.manifest import FileEntry, Manifest
from standby.backups.storage import Store


@dataclass
class Checked:
    path: str
    rows: int | None = None  # None: not counted (encrypted, and no key given)
    problems: list[str] = field(default_factory=list)


def verify(store: Store, manifest: Manifest, *, key: str | None) -> list[Checked]:
    """Every file of the snapshot checked (call from a thread)."""
    return [_check(store, manifest, entry, key) for entry in manifest.files()]


def _check(store: Store, manifest: Manifest, entry: FileEntry, key: str | None) -> Checked:
    found = Checked(entry.path)
    sealed = entry.path.endswith(crypto.SUFFIX)
    expected = ["id"] if entry is manifest.deleted else manifest.fields
    try:
        with store.open(manifest.snapshot, entry.path) as raw:
            tee = HashingReader(raw)
            if not sealed or key is not None:
                try:
                    stream: IO[bytes] = io.BufferedReader(tee, CHUNK)
                    if sealed and key is not None:
                        stream = crypto.opened(stream, key, f"{manifest.snapshot}/{entry.path}")
                    header, found.rows = _count(stream)
                    if header != expected:
                        found.problems.append(f"its columns are {header}, the manifest's fields {expected}")
                except Exception as exc:  # noqa: BLE001 - whatever makes it unreadable is the problem
                    found.problems.append(f"its content cannot be read: {exc}")
            tee.drain()  # the rest, for the checksum (all of it when nothing was read)
    except Exception as exc:  # noqa: BLE001 - the file itself could not be opened or read
        found.problems.append(f"cannot read it: {exc}")
        return found
    digest = tee.digest.hexdigest()
    if tee.size != entry.bytes:
        found.problems.append(f"{tee.size} bytes at the target; the manifest says {entry.bytes}")
    if digest != entry.sha256:
        found.problems.append(f"SHA-256 {digest[:16]}… does not match the manifest's {entry.sha256[:16]}…")
    if found.rows is not None and found.rows != entry.rows:
        found.problems.append(f"{found.rows} rows; the manifest says {entry.rows}")
    return found


def _count(stream: IO[bytes]) -> tuple[list[str], int]:
    with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
        reader = csv.reader(io.TextIOWrapper(unzipped, encoding="utf-8", newline=""))
        header = next(reader, [])
        return header, sum(1 for _ in reader)
