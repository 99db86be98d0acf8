"""The fake HubSpot (hubspot.py) with what a backup reads besides lists and contacts: CRM search on
`lastmodifieddate` (≤ 200 a page, 10,000 results a query, its own per-second limit and no rate
headers), archived contacts (`archived=true`, with `archivedAt`), batch read by id (≤ 100 inputs) and
the contact property catalogue.

    with HubSpotCrmFake(clock=clock) as hs:
        c = hs.add_contact(email="ana@example.org"); hs.change_contact(c.id, company="Northwind")
        hs.archive(c.id)
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tests.peers.http import Reply, Request
from tests.peers.hubspot import PROPERTIES, Contact, HubSpotFake
from tests.peers.platform import Window

SEARCH_CAP = 10_000
CUSTOM = {"favorite_color"}  # a property the account made: not HubSpot-defined


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class HubSpotCrmFake(HubSpotFake):
    def __init__(self, *, search_per_second: int = 5, **options: Any) -> None:
        super().__init__(**options)
        self.archived: dict[str, tuple[Contact, datetime]] = {}
        self.search_window = Window(self.clock, 1.0)
        self.search_per_second = search_per_second
        self.searches = 0

    def change_contact(self, ident: str, **properties: str) -> None:
        with self._lock:
            contact = self.contacts[ident]
            contact.properties.update(properties)
            contact.updated = self.clock.now()

    def archive(self, ident: str) -> None:
        with self._lock:
            contact = self.contacts.pop(ident)
            self.archived[ident] = (contact, self.clock.now())
            for found in self.lists.values():
                if ident in found.members:
                    found.members.remove(ident)

    def _answer(self, request: Request) -> Reply:
        reply = super()._answer(request)
        if request.path.split("?")[0].endswith("/search"):
            for name in [h for h in reply.headers if h.startswith("X-HubSpot-RateLimit")]:
                del reply.headers[name]  # search answers carry no rate headers
        return reply

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, scopes: set[str]
    ) -> Reply:
        if (method, path) == ("POST", "/crm/v3/objects/contacts/search"):
            return self._search(body or {})
        if (method, path) == ("GET", "/crm/v3/objects/contacts") and query.get("archived") == ["true"]:
            items = [
                c.view({"email"}) | {"archived": True, "archivedAt": _iso(when)}
                for c, when in sorted(self.archived.values(), key=lambda x: int(x[0].id))
            ]
            return self._page(items, query, "archived", 100, path)
        if (method, path) == ("POST", "/crm/v3/objects/contacts/batch/read"):
            return self._batch_read(body or {})
        if (method, path) == ("GET", "/crm/v3/properties/contacts"):
            names = PROPERTIES | CUSTOM | {"createdate", "lastmodifieddate", "hs_object_id"}
            results = [
                {"name": p, "label": p.title(), "type": "string", "hubspotDefined": p not in CUSTOM}
                for p in sorted(names)
            ]
            return Reply.json({"results": results})
        return super()._route(method, path, query, body, scopes)

    def _view(self, contact: Contact, wanted: set[str]) -> dict[str, Any]:
        view = contact.view(wanted)
        stamps = {"createdate": _iso(contact.created), "lastmodifieddate": _iso(contact.updated)}
        view["properties"] |= {k: v for k, v in stamps.items() if k in wanted}
        return view

    def _search(self, body: dict[str, Any]) -> Reply:
        if self.search_window.count() >= self.search_per_second:
            return Reply.json(
                {
                    "status": "error",
                    "message": "You have reached your secondly limit.",
                    "errorType": "RATE_LIMIT",
                    "correlationId": str(uuid.uuid4()),
                    "policyName": "SECONDLY",
                },
                429,
            )
        self.search_window.add()
        self.searches += 1
        limit, after = int(body.get("limit") or 10), int(body.get("after") or 0)
        if limit > 200:
            return self._error(400, "VALIDATION_ERROR", "limit must be at most 200")
        if after + limit > SEARCH_CAP:
            return self._error(
                400, "VALIDATION_ERROR", "Search results are limited to 10,000; narrow the query"
            )
        since = 0
        for group in body.get("filterGroups") or []:
            for f in group.get("filters") or []:
                if f.get("propertyName") == "lastmodifieddate" and f.get("operator") == "GTE":
                    since = int(f.get("value") or 0)
        wanted = set(body.get("properties") or ["email", "firstname", "lastname"])
        found = sorted(
            (c for c in self.contacts.values() if c.updated.timestamp() * 1000 >= since),
            key=lambda c: (c.updated, int(c.id)),
        )
        page = found[after : after + limit]
        out: dict[str, Any] = {"total": len(found), "results": [self._view(c, wanted) for c in page]}
        if after + limit < len(found):
            out["paging"] = {"next": {"after": str(after + limit)}}
        return Reply.json(out)

    def _batch_read(self, body: dict[str, Any]) -> Reply:
        inputs = body.get("inputs") or []
        if len(inputs) > 100:
            return self._error(400, "VALIDATION_ERROR", "Batch input is limited to 100 inputs.")
        wanted = set(body.get("properties") or ["email", "firstname", "lastname"])
        ids = [str(i.get("id")) for i in inputs if isinstance(i, dict)]
        results = [self._view(self.contacts[i], wanted) for i in ids if i in self.contacts]
        missing = [i for i in ids if i not in self.contacts]
        now = _iso(self.clock.now())
        out: dict[str, Any] = {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
        if missing:
            out |= {
                "numErrors": 1,
                "errors": [
                    {
                        "status": "error",
                        "category": "OBJECT_NOT_FOUND",
                        "message": "Could not get some CONTACT objects, they may be deleted or not exist.",
                        "context": {"ids": missing},
                    }
                ],
            }
        return Reply.json(out, 207 if missing else 200)
