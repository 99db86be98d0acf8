"""The fake Marketo (marketo.py) with what a backup reads besides lists and leads: the change log
(marketo_changes.py: paging tokens, lead changes, deleted leads) and Bulk Extract (marketo_bulk.py).

    with MarketoBackupFake(clock=clock) as mkto:
        lead = mkto.add_lead(email="ana@example.org")
        mkto.db.add_list("Webinar", [lead.id])
        mkto.change_lead(lead.id, company="Northwind"); mkto.delete_lead(lead.id)
        mkto.bulk.hold = True  # jobs stay queued
"""

from __future__ import annotations

import json
from typing import Any

from tests.peers.http import Reply, Request
from tests.peers.marketo import MarketoFake
from tests.peers.marketo_bulk import BulkExports
from tests.peers.marketo_changes import ChangeLog


class MarketoBackupFake(MarketoFake):
    def __init__(self, **options: Any) -> None:
        bulk = {k: options.pop(k) for k in ("processing_time", "daily_bytes", "directory") if k in options}
        super().__init__(**options)
        self.changes = ChangeLog(self.db)
        self.bulk = BulkExports(self.db, self.clock, **bulk)
        self.served = 0  # REST calls that got past authentication and the limits
        self._expire_at: int | None = None

    def expire_after(self, calls: int) -> None:
        """Every token expires once `calls` more calls have been served (an hour up mid-run)."""
        self._expire_at = self.served + calls

    def change_lead(self, lead_id: int, **fields: Any) -> None:
        with self.db.lock:
            lead = self.db.leads[lead_id]
            lead.fields.update(fields)
            lead.updated_at = self.clock.now()

    def delete_lead(self, lead_id: int) -> None:
        with self.db.lock:
            del self.db.leads[lead_id]
            for found in self.db.lists.values():
                if lead_id in found.members:
                    found.members.remove(lead_id)
            self.changes.deleted.append((lead_id, self.clock.now()))

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        self.bulk.close()

    def _route(self, method: str, path: str, query: dict[str, str], request: Request) -> Reply:
        self.served += 1
        if self._expire_at is not None and self.served >= self._expire_at:
            self._expire_at = None
            self.expire_tokens()
        changed = self.changes.route(method, path, query)
        if isinstance(changed, Reply):
            return changed
        if changed is not None:
            result, extra = changed
            return self._ok(result, **extra)
        body = None
        if request.body and request.headers.get("Content-Type", "").startswith("application/json"):
            try:
                body = json.loads(request.body)
            except ValueError:
                return self._error("609")
        found = self.bulk.route(method, path, query, request.headers, body)
        return found if found is not None else super()._route(method, path, query, request)
