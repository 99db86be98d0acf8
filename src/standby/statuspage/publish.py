"""Publish the rendered files to a target through fsspec: a directory, S3-compatible storage, SFTP, ...

Only files whose content changed since the last publish are written (the caller keeps the digests we
return); the data files go first and index.html last, so the page never links to files that are not
there yet. Transient failures are retried a few times with backoff and jitter; nothing raises past the
caller: a failure comes back in `PublishResult.failed`, with every secret of the target masked.
Synchronous on purpose (fsspec's API is); run it in a thread from async code.
"""

from __future__ import annotations

import hashlib
import posixpath
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import fsspec
from fsspec import AbstractFileSystem

from standby.plan.status_page import OBJECT_STORES, PublishTarget, protocol_of, scrub, shown_url
from standby.statuspage.render import INDEX

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",  # fallback forms' switch scripts (leads/build.py)
}
CACHE_CONTROL = "max-age=60"  # a CDN in front must not serve an old status for long
LOCAL = {"file", "local"}
_PERMANENT = (
    PermissionError, FileNotFoundError, IsADirectoryError, NotADirectoryError,
    ValueError, TypeError, NotImplementedError, ImportError,
)  # fmt: skip


@dataclass(frozen=True)
class PublishResult:
    target: str  # the target's URL, any password masked
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (path, why), in the order they were due
    digests: Mapping[str, str] = field(default_factory=dict)  # pass back as previous_digests next time

    @property
    def ok(self) -> bool:
        return not self.failed


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def publish(
    files: Mapping[str, bytes],
    target: PublishTarget,
    *,
    previous_digests: Mapping[str, str] | None = None,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> PublishResult:
    """Write the changed `files` (path under the site root → bytes) to `target`."""
    secrets = target.secrets()
    shown = shown_url(target.url)
    known = dict(previous_digests or {})
    due = sorted(files, key=lambda path: (path == INDEX, path))
    todo = [path for path in due if known.get(path) != digest(files[path])]
    unchanged = tuple(path for path in due if path not in todo)
    if not todo:
        return PublishResult(shown, unchanged=unchanged, digests=known)
    protocol = protocol_of(target.url)
    try:
        fs, root = fsspec.core.url_to_fs(target.url, **target.options)
    except Exception as exc:  # noqa: BLE001 - whatever the backend raises, the caller gets a reason
        reason = f"cannot open {shown}: {scrub(_describe(exc), secrets)}"
        return PublishResult(
            shown, unchanged=unchanged, failed=tuple((p, reason) for p in todo), digests=known
        )
    made: set[str] = set()
    written: list[str] = []
    for index, path in enumerate(todo):
        where = f"{root.rstrip('/')}/{path}" if root else path
        error = _retrying(partial(_write, fs, protocol, where, files[path], made), attempts, sleep)
        if error is not None:
            known.pop(path, None)  # what is there now is anybody's guess: write it next time
            failed = [(path, f"{path} to {shown}: {scrub(_describe(error), secrets)}")]
            failed += [(p, f"{p}: not tried after the failure above") for p in todo[index + 1 :]]
            return PublishResult(shown, tuple(written), unchanged, tuple(failed), known)
        written.append(path)
        known[path] = digest(files[path])
    return PublishResult(shown, tuple(written), unchanged, (), known)


def publish_all(
    files: Mapping[str, bytes],
    targets: Sequence[PublishTarget],
    *,
    previous: Mapping[str, PublishResult] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, PublishResult]:
    """Publish to each target on its own (one failing does not stop the others), keyed by target URL.

    `previous` is the last call's answer: files unchanged since then are skipped.
    """
    out: dict[str, PublishResult] = {}
    for target in targets:
        last = (previous or {}).get(target.url)
        digests = last.digests if last is not None else None
        out[target.url] = publish(files, target, previous_digests=digests, sleep=sleep)
    return out


def _write(fs: AbstractFileSystem, protocol: str, path: str, data: bytes, made: set[str]) -> None:
    parent = posixpath.dirname(path)
    if protocol not in OBJECT_STORES and parent and parent not in made:
        fs.makedirs(parent, exist_ok=True)  # on an object store this would create a bucket
        made.add(parent)
    if protocol in {"s3", "s3a"}:
        content_type = CONTENT_TYPES.get(posixpath.splitext(path)[1], "application/octet-stream")
        fs.pipe_file(path, data, ContentType=content_type, CacheControl=CACHE_CONTROL)
    elif protocol in LOCAL:
        # A web server reading the directory must never see half a file: write aside, then rename.
        aside = f"{path}.partial"
        fs.pipe_file(aside, data)
        fs.mv(aside, path)
    else:
        fs.pipe_file(path, data)


def _retrying(action: Callable[[], None], attempts: int, sleep: Callable[[float], None]) -> Exception | None:
    """None when `action` succeeded, else the last error; permanent errors are not retried."""
    for attempt in range(max(attempts, 1)):
        try:
            action()
        except _PERMANENT as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - network and server errors of any backend are transient
            if attempt + 1 >= attempts:
                return exc
            sleep(0.5 * 2**attempt * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not secrets
        else:
            return None
    return None


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
