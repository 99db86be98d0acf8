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
from tests.peers.marketo import MarketoFake, _fields
from tests.peers.marketo_bulk import BulkExports
from tests.peers.marketo_changes import ChangeLog
from tests.peers.marketo_data import LeadDatabase


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

    def _list_leads(self, list_id: int, method: str, query: dict[str, str], body: Any) -> Reply:
        found = self.db.lists.get(list_id)
        if method != "GET" or found is None:
            return super()._list_leads(list_id, method, query, body)
        # One page's leads are built, not the whole list's: a 45,000-lead list pages in linear time.
        members = [i for i in found.members if i in self.db.leads]
        views = _Views(self.db, members, _fields(query))
        return self._paged(views, query, f"list{list_id}", more_result=False)  # type: ignore[arg-type]

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


class _Views:
    """A list's members as the page slices ask for them: views made only for the slice."""

    def __init__(self, db: LeadDatabase, members: list[int], wanted: tuple[str, ...]) -> None:
        self.db, self.members, self.wanted = db, members, wanted

    def __len__(self) -> int:
        return len(self.members)

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        return [self.db.leads[i].view(self.wanted) for i in self.members[part]]
