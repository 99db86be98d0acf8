"""Reading and writing one snapshot's files at the target: up (encrypted first when the plan says,
then checked for size where it landed) and down (decrypted, unzipped, as rows), and finding the
snapshot a new one builds on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from standby.backups import crypto
from standby.backups.errors import BackupFailed
from standby.backups.files import Written, read_rows, sha256_of
from standby.backups.manifest import FileEntry, Manifest
from standby.backups.storage import Store


async def upload(store: Store, snapshot: str, name: str, written: Written, *, key: str | None) -> FileEntry:
    """Put a finished local file at the target (sealed with `key` if given); its manifest entry."""
    local, stored = written.path, name
    if key is not None:
        local, stored = written.path.with_name(written.path.name + crypto.SUFFIX), name + crypto.SUFFIX
        await asyncio.to_thread(crypto.seal, written.path, local, key)
    sha256, size = await asyncio.to_thread(_digest, local)
    await asyncio.to_thread(store.put, local, snapshot, stored)
    landed = await asyncio.to_thread(store.size, snapshot, stored)
    if landed != size:
        raise BackupFailed(
            f"{stored} is {landed} bytes at {store.where}/{snapshot}, not the {size} written; the "
            "snapshot is not complete",
            problem=True,
        )
    return FileEntry(path=stored, rows=written.rows, bytes=size, sha256=sha256)


def _digest(path: Path) -> tuple[str, int]:
    with path.open("rb") as f:
        return sha256_of(f)


@contextmanager
def rows_of(
    store: Store, snapshot: str, entry: FileEntry, *, key: str | None
) -> Iterator[Iterator[dict[str, str]]]:
    """The rows of a stored file, streamed (and decrypted: an encrypted file needs the key)."""
    with store.open(snapshot, entry.path) as raw:
        if entry.path.endswith(crypto.SUFFIX):
            if key is None:
                raise BackupFailed(
                    f"{snapshot}/{entry.path} is encrypted: the plan's key is needed to read it"
                )
            yield read_rows(crypto.opened(raw, key, f"{snapshot}/{entry.path}"))
        else:
            yield read_rows(raw)


def latest_complete(store: Store, snapshots: list[str]) -> Manifest | None:
    """The newest snapshot whose manifest says complete."""
    for name in reversed(snapshots):
        found = store.manifest(name)
        if found is not None and found.complete:
            return found
    return None
