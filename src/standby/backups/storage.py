"""A backup's target: a directory or any fsspec URL (s3://bucket/prefix, sftp://host/path ...).

Snapshots live at `TARGET/BACKUP-ID/SNAPSHOT/`: the data files, `progress.json` while a run writes,
`manifest.json` once it has finished. Files are streamed up and down (`put_file`, `open`), never held
in memory whole. On a local directory each file is written aside and renamed, so no reader ever sees
half a file; object stores write a key at once. Transient failures are retried a few times with
backoff; what still fails is a StoreError naming the target with its secrets masked. Synchronous, as
fsspec is: call it from a thread in async code.
"""

from __future__ import annotations

import json
import posixpath
import random
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, TypeVar

from pydantic import ValidationError

from standby.backups.manifest import MANIFEST, PROGRESS, Manifest, snapshot_time
from standby.core.errors import StandbyError
from standby.plan.status_page import OBJECT_STORES, PublishTarget, protocol_of, scrub, shown_url

T = TypeVar("T")
LOCAL = {"file", "local"}
_PERMANENT = (
    PermissionError,
    FileNotFoundError,
    IsADirectoryError,
    NotADirectoryError,
    ValueError,
    TypeError,
)


class StoreError(StandbyError):
    """The target could not be read or written."""


class Store:
    def __init__(
        self, target: PublishTarget, backup: str, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.target, self.backup, self._sleep = target, backup, sleep
        self.shown = shown_url(target.url)
        self.protocol = protocol_of(target.url)
        self._opened: tuple[Any, str] | None = None

    @property
    def where(self) -> str:
        return f"{self.shown.rstrip('/')}/{self.backup}"

    def _fs(self) -> tuple[Any, str]:
        if self._opened is None:
            import fsspec  # a fifth of a second to import; most commands never need it

            try:
                fs, root = fsspec.core.url_to_fs(self.target.url, **self.target.options)
            except Exception as exc:  # noqa: BLE001 - whatever the backend raises is the user's to read
                raise StoreError(f"cannot open {self.shown}: {self._said(exc)}") from None
            self._opened = (fs, root.rstrip("/"))
        return self._opened

    def path(self, *parts: str) -> str:
        root = self._fs()[1]
        return posixpath.join(root, self.backup, *parts) if root else posixpath.join(self.backup, *parts)

    # -- reading --------------------------------------------------------------------------------

    def snapshots(self) -> list[str]:
        """The snapshot folders there are, oldest first (finished or not)."""
        fs, _ = self._fs()

        def listing() -> list[str]:
            fs.invalidate_cache()
            try:
                found = fs.ls(self.path(), detail=False)
            except FileNotFoundError:
                return []
            return [posixpath.basename(str(p).rstrip("/")) for p in found]

        return sorted(n for n in self._retrying("list the snapshots at", listing) if snapshot_time(n))

    def manifest(self, snapshot: str) -> Manifest | None:
        """The snapshot's manifest; None if it has none (still running, or cut off)."""
        data = self.read_json(snapshot, MANIFEST)
        if data is None:
            return None
        try:
            return Manifest.model_validate(data)
        except ValidationError:
            raise StoreError(
                f"{self.where}/{snapshot}/{MANIFEST} is not a manifest Standby can read"
            ) from None

    def progress(self, snapshot: str) -> dict[str, Any] | None:
        return self.read_json(snapshot, PROGRESS)

    def read_json(self, snapshot: str, name: str) -> dict[str, Any] | None:
        fs, _ = self._fs()

        def read() -> bytes | None:
            try:
                data: bytes = fs.cat_file(self.path(snapshot, name))
            except FileNotFoundError:
                return None
            return data

        raw = self._retrying(f"read {snapshot}/{name} at", read)
        if raw is None:
            return None
        try:
            found = json.loads(raw)
        except ValueError:
            raise StoreError(f"{self.where}/{snapshot}/{name} is not JSON") from None
        return found if isinstance(found, dict) else None

    def size(self, snapshot: str, name: str) -> int | None:
        fs, _ = self._fs()

        def info() -> int | None:
            try:
                return int(fs.info(self.path(snapshot, name))["size"])
            except FileNotFoundError:
                return None

        return self._retrying(f"look at {snapshot}/{name} at", info)

    @contextmanager
    def open(self, snapshot: str, name: str) -> Iterator[IO[bytes]]:
        fs, _ = self._fs()
        try:
            handle = fs.open(self.path(snapshot, name), "rb")
        except FileNotFoundError:
            raise StoreError(f"{self.where}/{snapshot}/{name} is missing") from None
        except Exception as exc:  # noqa: BLE001 - any backend's failure, told with secrets masked
            raise StoreError(f"cannot read {snapshot}/{name} at {self.where}: {self._said(exc)}") from None
        with handle:
            yield handle

    # -- writing --------------------------------------------------------------------------------

    def put(self, local: Path, snapshot: str, name: str) -> None:
        fs, _ = self._fs()
        where = self.path(snapshot, name)

        def upload() -> None:
            self._parent(fs, where)
            if self.protocol in LOCAL:
                aside = _aside(where)
                fs.put_file(str(local), aside)
                fs.mv(aside, where)
            else:
                fs.put_file(str(local), where)

        self._retrying(f"write {snapshot}/{name} to", upload)

    def write_json(self, snapshot: str, name: str, data: dict[str, Any]) -> None:
        fs, _ = self._fs()
        where = self.path(snapshot, name)
        raw = json.dumps(data, indent=2, sort_keys=True, default=str).encode()

        def write() -> None:
            self._parent(fs, where)
            if self.protocol in LOCAL:
                aside = _aside(where)
                fs.pipe_file(aside, raw)
                fs.mv(aside, where)
            else:
                fs.pipe_file(where, raw)

        self._retrying(f"write {snapshot}/{name} to", write)

    def delete(self, snapshot: str, name: str | None = None) -> None:
        """One file of a snapshot, or (no name) the whole snapshot."""
        fs, _ = self._fs()
        where = self.path(snapshot, name) if name else self.path(snapshot)

        def remove() -> None:
            with suppress(FileNotFoundError):
                fs.rm(where, recursive=name is None)

        self._retrying(f"delete {snapshot}{'/' + name if name else ''} at", remove)

    def _parent(self, fs: Any, where: str) -> None:
        if self.protocol not in OBJECT_STORES:  # on an object store this would create a bucket
            fs.makedirs(posixpath.dirname(where), exist_ok=True)

    # -- failures -------------------------------------------------------------------------------

    def _retrying(self, doing: str, action: Callable[[], T], attempts: int = 3) -> T:
        for attempt in range(attempts):
            try:
                return action()
            except _PERMANENT as exc:
                raise StoreError(f"cannot {doing} {self.where}: {self._said(exc)}") from None
            except Exception as exc:  # noqa: BLE001 - network and server errors of any backend are transient
                if attempt + 1 >= attempts:
                    raise StoreError(f"cannot {doing} {self.where}: {self._said(exc)}") from None
                self._sleep(0.5 * 2**attempt * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not secrets
        raise AssertionError("unreachable")

    def _said(self, exc: BaseException) -> str:
        text = str(exc).strip() or type(exc).__name__
        return scrub(text if len(text) <= 300 else text[:297] + "...", self.target.secrets())


def _aside(where: str) -> str:
    """A name of its own for each write's temporary copy: the run and its heartbeat both rewrite
    progress.json, and a shared `.partial` let one move the other's away (FileNotFoundError)."""
    return f"{where}.{secrets.token_hex(4)}.partial"
