"""What a snapshot holds, in its `manifest.json`: written last, so a snapshot without one never counts.

`status` is "complete" only when every file was written and checked at the target; a run that failed
writes "failed" and says why (`error`); a run that was cut off writes nothing, and `progress.json` is
all there is. Each file has its SHA-256 and size as stored (after encryption, if any) and its rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT = 1
_CALLS = {
    "rest": ("REST call", "REST calls"),
    "api": ("API call", "API calls"),
    "identity": ("token request", "token requests"),
    "bulk_jobs": ("export job", "export jobs"),
}
MANIFEST = "manifest.json"
PROGRESS = "progress.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class FileEntry(_Model):
    path: str  # under the snapshot folder: "lists/1204.csv.gz", "leads.csv.gz.enc"
    rows: int
    bytes: int
    sha256: str


class ListEntry(FileEntry):
    id: str
    name: str
    via: Literal["rest", "bulk"] = "rest"


class LeadsEntry(FileEntry):
    selection: str  # "all" or "updated since 2024-01-31T00:00:00+00:00"
    mode: Literal["full", "incremental"]
    base: str | None = None  # the snapshot an incremental one was merged onto
    full_at: datetime  # when the leads were last read in full (the chain's start)
    added: int = 0
    changed: int = 0
    removed: int = 0
    via: Literal["rest", "bulk"] = "rest"


class Manifest(_Model):
    format: int = FORMAT
    backup: str
    snapshot: str
    status: Literal["complete", "failed"]
    platform: str
    account: str
    started_at: datetime
    finished_at: datetime
    as_of: datetime | None = None  # the data reflects the platform as of this time (or later)
    duration_seconds: float
    fields: list[str] = Field(default_factory=list)
    lists: list[ListEntry] = Field(default_factory=list)
    leads: LeadsEntry | None = None
    deleted: FileEntry | None = None  # leads the platform says were deleted since the base snapshot
    api_calls: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    error: str | None = None
    problem: bool = False  # the failure is a fact found (a checksum mismatch), not an outage
    encrypted: bool = False

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    def files(self) -> list[FileEntry]:
        found: list[FileEntry] = list(self.lists)
        if self.leads is not None:
            found.append(self.leads)
        if self.deleted is not None:
            found.append(self.deleted)
        return found

    def counts(self) -> dict[str, int]:
        """Rows per list name, and `leads`."""
        out = {entry.name: entry.rows for entry in self.lists}
        if self.leads is not None:
            out["leads"] = self.leads.rows
        return out

    def calls_text(self) -> str:
        """`25 REST calls, 1 token request, 1 export job`: what the run cost the platform's limits."""
        parts = []
        for key, count in self.api_calls.items():
            one, many = _CALLS.get(key, (key.replace("_", " "), key.replace("_", " ")))
            parts.append(f"{count:,} {one if count == 1 else many}")
        return ", ".join(parts)

    def find_list(self, wanted: str) -> ListEntry | None:
        """A list by id, by exact name, or by name ignoring case."""
        for matches in (
            [e for e in self.lists if e.id == wanted],
            [e for e in self.lists if e.name == wanted],
            [e for e in self.lists if e.name.casefold() == wanted.casefold()],
        ):
            if matches:
                return matches[0]
        return None


def snapshot_name(when: datetime) -> str:
    """`2026-03-02T020000Z`: sorts by time, safe as a folder name on every store."""
    return when.strftime("%Y-%m-%dT%H%M%SZ")


def snapshot_time(name: str) -> datetime | None:
    try:
        return datetime.strptime(name[:18], "%Y-%m-%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
