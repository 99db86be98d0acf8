"""The fake Marketo's Bulk Lead Extract (docs: bulk-extract, bulk-lead-extract), on the fake's clock.

- create (fields, CSV, one filter: createdAt / updatedAt ranges of at most 31 days, staticListId,
  staticListName) → enqueue → Queued → Processing (2 at a time for the instance) → Completed after
  `processing_time` seconds; status, cancel, and the list of jobs.
- Limits: 10 jobs queued or processing (else 1029 "Too many jobs in queue"), enqueueing twice (1029
  "Job already queued"), 500 MB of files a day by US Central date (else 1029 "Export daily quota
  500MB exceeded.").
- The file: a CSV with a header of REST names (or `columnHeaderNames`) and `null` for empty values,
  written to disk and served from it in chunks; `Range: bytes=N-` answers 206 with `Content-Range`;
  before completion, 404 in plain text. `fileChecksum` is `sha256:<hex>`.
- Faults: `hold` (jobs stay Queued: other integrations hold both processing slots), `corrupt_next`
  (the next file's checksum is wrong), `cut_next` (the next download stops after that many bytes).
- `rows`: where a job's rows come from; default the fake's lead database. A benchmark hands it a
  generator, so a million leads never sit in memory.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from standby.core.clock import Clock
from tests.peers.http import Reply
from tests.peers.marketo_data import LeadDatabase
from tests.peers.platform import iso

CENTRAL = "America/Chicago"
MAX_SPAN = timedelta(days=31)
_PREFIX = "/bulk/v1/leads/export"


@dataclass
class ExportJob:
    id: str
    fields: list[str]
    headers: dict[str, str]
    filter: dict[str, Any]
    created_at: datetime
    status: str = "Created"
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    records: int = 0
    size: int = 0
    checksum: str = ""
    path: Path | None = None
    served: Counter[str] = field(default_factory=Counter)  # "200" / "206" / "404" → times

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "exportId": self.id,
            "format": "CSV",
            "status": self.status,
            "createdAt": iso(self.created_at),
        }
        for key, when in (("queuedAt", self.queued_at), ("startedAt", self.started_at)):
            if when is not None:
                out[key] = iso(when)
        if self.status == "Completed" and self.finished_at is not None:
            out |= {
                "finishedAt": iso(self.finished_at),
                "numberOfRecords": self.records,
                "fileSize": self.size,
                "fileChecksum": self.checksum,
            }
        return out


Rows = Callable[[ExportJob], Iterator[dict[str, Any]]]


class BulkExports:
    def __init__(
        self,
        db: LeadDatabase,
        clock: Clock,
        *,
        processing: int = 2,
        queue: int = 10,
        daily_bytes: int = 500 * 1000 * 1000,
        processing_time: float = 90.0,
        directory: Path | None = None,
    ) -> None:
        self.db, self.clock = db, clock
        self.processing, self.queue, self.daily_bytes = processing, queue, daily_bytes
        self.processing_time = processing_time
        self._tmp = tempfile.TemporaryDirectory(prefix="marketo-bulk-") if directory is None else None
        self.directory = directory or Path(self._tmp.name if self._tmp else ".")
        self.jobs: dict[str, ExportJob] = {}
        self.hold = False
        self.corrupt_next = False
        self.cut_next: int | None = None
        self.rows: Rows = self._from_database
        self.used: Counter[Any] = Counter()  # US Central date → bytes of completed files
        self.peak_processing = 0

    def spend_today(self, size: int) -> None:
        """Other integrations' exports used `size` bytes of today's quota."""
        self.used[self.clock.now().astimezone(_central()).date()] += size

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    # -- routing (called by the fake with the call counted and its lock held) -------------------

    def route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any
    ) -> Reply | None:
        if not path.startswith(_PREFIX):
            return None
        self._advance()
        if (method, path) == ("POST", f"{_PREFIX}/create.json"):
            return self._create(body)
        if (method, path) == ("GET", f"{_PREFIX}.json"):
            wanted = {s.strip().lower() for s in query.get("status", "").split(",") if s.strip()}
            found = [j.view() for j in self.jobs.values() if not wanted or j.status.lower() in wanted]
            return _ok(found)
        parts = path.removeprefix(_PREFIX + "/").split("/")
        if len(parts) != 2 or parts[0] not in self.jobs:
            if path.endswith("/file.json"):
                return Reply(404, "Export job not found", {"Content-Type": "text/plain"})
            return _error("610", "Requested resource not found")
        job, action = self.jobs[parts[0]], parts[1]
        if (method, action) == ("POST", "enqueue.json"):
            return self._enqueue(job)
        if (method, action) == ("GET", "status.json"):
            return _ok([job.view()])
        if (method, action) == ("POST", "cancel.json"):
            if job.status in ("Created", "Queued", "Processing"):
                job.status = "Cancelled"
            return _ok([job.view()])
        if (method, action) == ("GET", "file.json"):
            return self._file(job, headers.get("Range"))
        return _error("610", "Requested resource not found")

    def _create(self, body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("fields"), list) or not body["fields"]:
            return _error("701", "fields cannot be blank")
        unknown = [f for f in body["fields"] if f not in self.db.fields]
        if unknown:
            return _error("1003", f"Invalid field '{unknown[0]}'")
        found = body.get("filter")
        if not isinstance(found, dict) or len(found) != 1:
            return _error("1003", "Exactly one filter type is required")
        kind, value = next(iter(found.items()))
        if kind in ("createdAt", "updatedAt"):
            start, end = _instant(value.get("startAt")), _instant(value.get("endAt"))
            if start is None or end is None or end < start:
                return _error("1003", f"Invalid {kind} filter: startAt and endAt are required")
            if end - start > MAX_SPAN:
                return _error("1003", f"{kind} date range exceeds 31 days")
        elif kind not in ("staticListId", "staticListName"):
            return _error("1035", "Unsupported filter type for target subscription")
        if self._used_today() >= self.daily_bytes:
            return _error("1029", "Export daily quota 500MB exceeded.")
        job = ExportJob(
            str(uuid.uuid4()),
            list(body["fields"]),
            dict(body.get("columnHeaderNames") or {}),
            dict(found),
            self.clock.now(),
        )
        self.jobs[job.id] = job
        return _ok([job.view()])

    def _enqueue(self, job: ExportJob) -> Reply:
        if job.status in ("Queued", "Processing"):
            return _error("1029", "Job already queued")
        if job.status != "Created":
            return _error("1029", f"Job is {job.status}")
        if self._used_today() >= self.daily_bytes:
            return _error("1029", "Export daily quota 500MB exceeded.")
        if sum(j.status in ("Queued", "Processing") for j in self.jobs.values()) >= self.queue:
            return _error("1029", "Too many jobs in queue")
        job.status, job.queued_at = "Queued", self.clock.now()
        self._advance()
        return _ok([job.view()])

    def _file(self, job: ExportJob, wanted: str | None) -> Reply:
        if job.status != "Completed" or job.path is None:
            job.served["404"] += 1
            return Reply(404, f"Export {job.id} is not available", {"Content-Type": "text/plain"})
        start = 0
        if wanted and wanted.startswith("bytes="):
            first = wanted.removeprefix("bytes=").split("-")[0]
            start = int(first) if first.isdigit() else 0
        path, size = job.path, job.size
        if start >= size > 0:
            return Reply(416, "", {"Content-Range": f"bytes */{size}"})

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as f:
                f.seek(start)
                while block := f.read(1 << 16):
                    yield block

        cut, self.cut_next = self.cut_next, None
        headers = {"Content-Type": "text/csv", "Accept-Ranges": "bytes"}
        status = 206 if start else 200
        if start:
            headers["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
        job.served[str(status)] += 1
        return Reply(status, b"", headers, stream=chunks, length=size - start, cut_after=cut)

    # -- the queue on the fake's clock ------------------------------------------------------------

    def _advance(self) -> None:
        now = self.clock.now()
        took = timedelta(seconds=self.processing_time)
        for job in self.jobs.values():
            if job.status == "Processing" and job.started_at is not None and now - job.started_at >= took:
                self._complete(job, job.started_at + took)
        if self.hold:
            return
        waiting = sorted(
            (j for j in self.jobs.values() if j.status == "Queued"), key=lambda j: j.queued_at or now
        )
        for job in waiting:
            running = sum(j.status == "Processing" for j in self.jobs.values())
            if running >= self.processing:
                break
            job.status, job.started_at = "Processing", now
            self.peak_processing = max(self.peak_processing, running + 1)

    def _complete(self, job: ExportJob, when: datetime) -> None:
        job.path = self.directory / f"{job.id}.csv"
        digest, records, size = hashlib.sha256(), 0, 0
        with job.path.open("wb") as out:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow([job.headers.get(f, f) for f in job.fields])
            for row in self.rows(job):
                writer.writerow([_cell(row.get(f)) for f in job.fields])
                records += 1
                if buffer.tell() > 1 << 16:
                    size += _flush(buffer, out, digest)
            size += _flush(buffer, out, digest)
        job.records, job.size, job.finished_at = records, size, when
        job.checksum = "sha256:" + digest.hexdigest()
        if self.corrupt_next:
            self.corrupt_next = False
            job.checksum = "sha256:" + hashlib.sha256(b"not the file").hexdigest()
        job.status = "Completed"
        self.used[when.astimezone(_central()).date()] += size

    def _used_today(self) -> int:
        return self.used[self.clock.now().astimezone(_central()).date()]

    def _from_database(self, job: ExportJob) -> Iterator[dict[str, Any]]:
        kind, value = next(iter(job.filter.items()))
        if kind in ("staticListId", "staticListName"):
            lists = [
                x for x in self.db.lists.values() if (x.id if kind == "staticListId" else x.name) == value
            ]
            ids = lists[0].members if lists else []
            leads = [self.db.leads[i] for i in ids if i in self.db.leads]
        else:
            start, end = _instant(value["startAt"]), _instant(value["endAt"])
            assert start is not None and end is not None
            stamp = "created_at" if kind == "createdAt" else "updated_at"
            leads = [
                x for x in self.db.leads.values() if start <= getattr(x, stamp).replace(microsecond=0) <= end
            ]
        for lead in sorted(leads, key=lambda x: x.id):
            yield lead.view(tuple(job.fields))


def _flush(buffer: io.StringIO, out: Any, digest: Any) -> int:
    data = buffer.getvalue().encode()
    out.write(data)
    digest.update(data)
    buffer.seek(0)
    buffer.truncate()
    return len(data)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # as in the REST API's JSON
    return "null" if value is None or value == "" else str(value)


def _central() -> ZoneInfo:
    return ZoneInfo(CENTRAL)


def _instant(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def _ok(result: list[Any]) -> Reply:
    return Reply.json(
        {"requestId": f"{uuid.uuid4().hex[:4]}#{uuid.uuid4().hex[:11]}", "success": True, "result": result}
    )


def _error(code: str, message: str) -> Reply:
    return Reply.json(
        {
            "requestId": f"{uuid.uuid4().hex[:4]}#{uuid.uuid4().hex[:11]}",
            "success": False,
            "errors": [{"code": code, "message": message}],
        }
    )
