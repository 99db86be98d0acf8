"""What a backup's target holds, read from the target itself (so it works without Standby's database,
from any machine with the plan): the snapshots, their state and counts, and finding one by name.

A snapshot is `complete` or `failed` (its manifest says), `running` (its progress beat is recent) or
`interrupted` (a progress file nobody writes any more, and no manifest).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from standby.backups.errors import BackupFailed
from standby.backups.manifest import Manifest, snapshot_time
from standby.backups.storage import Store

ALIVE = timedelta(minutes=5)
CACHED = 4096
_MANIFESTS: OrderedDict[tuple[str, str, str], Manifest] = OrderedDict()
_GUARD = threading.Lock()


@dataclass(frozen=True)
class Snapshot:
    name: str
    taken: datetime  # when the run started
    state: str  # complete | failed | running | interrupted
    manifest: Manifest | None

    @property
    def rows(self) -> dict[str, int]:
        return self.manifest.counts() if self.manifest is not None else {}


def snapshots(store: Store, now: datetime) -> list[Snapshot]:
    """Every snapshot at the target, oldest first: call it from a thread. A manifest never changes once
    written, so each is read once per process (a bounded cache): after that, a look costs one listing."""
    out = []
    for name in store.snapshots():
        taken = snapshot_time(name)
        assert taken is not None
        manifest = _manifest(store, name)
        if manifest is not None:
            out.append(Snapshot(name, taken, manifest.status, manifest))
            continue
        progress = store.progress(name) or {}
        try:
            beat = datetime.fromisoformat(str(progress.get("beat")))
        except ValueError:
            beat = taken
        out.append(Snapshot(name, taken, "running" if now - beat < ALIVE else "interrupted", None))
    return out


def _manifest(store: Store, name: str) -> Manifest | None:
    key = (store.target.url, store.backup, name)
    with _GUARD:
        found = _MANIFESTS.get(key)
    if found is None:
        found = store.manifest(name)
        if found is None:
            return None
    with _GUARD:  # the web app's threads and the monitor's share it
        _MANIFESTS[key] = found
        _MANIFESTS.move_to_end(key)
        while len(_MANIFESTS) > CACHED:
            _MANIFESTS.popitem(last=False)
    return found


def last_good(found: list[Snapshot]) -> Snapshot | None:
    return next((s for s in reversed(found) if s.state == "complete"), None)


def resolve(store: Store, spec: str, backup: str) -> Manifest:
    """`latest` (or nothing) is the newest complete snapshot; otherwise a snapshot's name, or the
    start of one (`2026-03-02`: the newest that starts so). Only snapshots with a manifest count."""
    names = store.snapshots()
    wanted = spec.strip()
    if wanted in ("", "latest"):
        candidates = names
    else:
        candidates = [n for n in names if n == wanted] or [n for n in names if n.startswith(wanted)]
    for name in reversed(candidates):
        manifest = store.manifest(name)
        if manifest is not None and (manifest.complete or wanted not in ("", "latest")):
            return manifest
    if not names:
        raise BackupFailed(
            f"{backup} has no snapshot at {store.where} yet; run `standby backup run {backup}`"
        )
    what = "no complete snapshot" if wanted in ("", "latest") else f"no snapshot {wanted!r}"
    raise BackupFailed(f"{backup} has {what} at {store.where}; `standby backup list` shows what there is")
