"""A faithful local HubSpot (CRM v3, Lists v3, Forms submissions) for tests and benchmarks.

    with HubSpotFake(clock=clock) as hs:
        HubSpotClient(token=hs.token, base_url=hs.url, forms_url=hs.url, ...)

- Private-app tokens: a missing or unknown one is 401 `INVALID_AUTHENTICATION`; a token without the
  scope an endpoint needs is 403 `MISSING_SCOPES`.
- Burst limit per token over a rolling `window` (10 s) of `burst` calls, and a daily limit; every
  non-search answer carries the `X-HubSpot-RateLimit-*` headers; over the limit is 429 with
  `policyName` TEN_SECONDLY_ROLLING or DAILY (and, with `retry_after`, a `Retry-After` of the seconds until a call frees up).
- Contacts: list with `limit` ≤ 100 and an opaque `after` (no `paging` on the last page); get by id
  or by email (`idProperty`); batch upsert by email (≤ 100 inputs, else 400): an unknown property
  fails the whole batch (400 VALIDATION_ERROR), an invalid email fails that input (207 with `errors`).
- Lists: search (offset/count/hasMore), memberships (`limit` ≤ 250, `after`), add (`recordsIdsAdded`).
- Forms: the authenticated submit endpoint; 400 with `errors` for a bad email or a missing required
  field, 404 for an unknown form. `writes[email]` counts acknowledged upserts and submissions.
- Faults: `down(mode)` (503, 502 HTML, dropped connections, slow).
"""

from __future__ import annotations

import json
import math
import re
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from standby.core.clock import Clock
from tests.peers.http import HttpPeer, Reply, Request
from tests.peers.platform import Window, default_clock, outage_reply, page_token, read_token

PROPERTIES = {
    "email",
    "firstname",
    "lastname",
    "company",
    "phone",
    "jobtitle",
    "zip",
    "country",
    "message",
    "website",
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SCOPES = (
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.lists.read",
    "crm.lists.write",
    "forms",
)
_MEMBERS = re.compile(r"^/crm/v3/lists/(\w+)/memberships(/add|/remove)?$")
_CONTACT = re.compile(r"^/crm/v3/objects/contacts/([^/]+)$")
_SUBMIT = re.compile(r"^/submissions/v3/integration/secure/submit/(\w+)/([\w-]+)$")


@dataclass
class Contact:
    id: str
    properties: dict[str, str]
    created: datetime
    updated: datetime

    def view(self, wanted: set[str] | None = None) -> dict[str, Any]:
        props = {k: v for k, v in self.properties.items() if wanted is None or k in wanted}
        stamp = {"createdAt": _iso(self.created), "updatedAt": _iso(self.updated)}
        return {"id": self.id, "properties": props | {"hs_object_id": self.id}, **stamp, "archived": False}


@dataclass
class ContactList:
    id: str
    name: str
    processing: str = "MANUAL"
    members: list[str] = field(default_factory=list)


class HubSpotFake:
    def __init__(
        self,
        *,
        clock: Clock | None = None,
        burst: int = 100,
        window: float = 10,
        daily: int = 250_000,
        retry_after: float | None = None,
    ) -> None:
        self.clock = default_clock(clock)
        self.token = "pat-na1-" + uuid.uuid4().hex
        self.tokens: dict[str, set[str]] = {self.token: set(SCOPES)}
        self.burst, self.daily, self.retry_after = burst, daily, retry_after
        self.window = Window(self.clock, window)
        self.contacts: dict[str, Contact] = {}
        self.lists: dict[str, ContactList] = {}
        self.forms: dict[tuple[str, str], set[str]] = {}  # (portal, guid) → required field names
        self.submissions: list[dict[str, Any]] = []
        self.writes: Counter[str] = Counter()
        self.answered: Counter[int] = Counter()
        self.outage: str | None = None
        self._used_today: tuple[Any, int] = (None, 0)
        self._next_id = 1051
        self._lock = threading.Lock()
        self.http = HttpPeer()
        self.http.fallback = self._handle

    @property
    def url(self) -> str:
        return self.http.url("").rstrip("/")

    def down(self, mode: str = "503") -> None:
        outage_reply(mode)
        self.outage = mode

    def up(self) -> None:
        self.outage = None

    def add_contact(self, **properties: str) -> Contact:
        now = self.clock.now()
        contact = Contact(str(self._next_id), dict(properties), now, now)
        self._next_id += 1
        self.contacts[contact.id] = contact
        return contact

    def add_list(self, name: str, members: list[str], processing: str = "MANUAL") -> ContactList:
        found = ContactList(str(100 + len(self.lists)), name, processing, list(members))
        self.lists[found.id] = found
        return found

    def by_email(self, email: str) -> Contact | None:
        return next(
            (c for c in self.contacts.values() if c.properties.get("email", "").lower() == email.lower()),
            None,
        )

    def __enter__(self) -> HubSpotFake:
        self.http.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.stop()

    # -- the protocol -------------------------------------------------------------------------

    def _handle(self, request: Request) -> Reply:
        reply = self._answer(request)
        self.answered[reply.status] += 1
        return reply

    def _answer(self, request: Request) -> Reply:
        if self.outage is not None:
            return outage_reply(self.outage)
        parts = urlsplit(request.path)
        query = parse_qs(parts.query)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        with self._lock:
            if token not in self.tokens:
                return self._error(
                    401,
                    "INVALID_AUTHENTICATION",
                    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                )
            limited = self._limit()
            if limited is not None:
                return limited
            headers = self._headers()
            try:
                body = json.loads(request.body) if request.body else None
            except ValueError:
                return self._error(400, "VALIDATION_ERROR", "Invalid input JSON on line 1")
            reply = self._route(request.method, parts.path, query, body, self.tokens[token])
        reply.headers.update(headers)
        return reply

    def _limit(self) -> Reply | None:
        day = self.clock.now().date()
        used = self._used_today[1] if self._used_today[0] == day else 0
        if used >= self.daily:
            return self._throttled("DAILY", "You have reached your daily limit.")
        if self.window.count() >= self.burst:
            return self._throttled(
                "TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit."
            )
        self.window.add()
        self._used_today = (day, used + 1)
        return None

    def _headers(self) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(self.window.seconds * 1000)),
            "X-HubSpot-RateLimit-Max": str(self.burst),
            "X-HubSpot-RateLimit-Remaining": str(max(self.burst - self.window.count(), 0)),
            "X-HubSpot-RateLimit-Daily": str(self.daily),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(self.daily - self._used_today[1], 0)),
        }

    def _throttled(self, policy: str, message: str) -> Reply:
        body = {
            "status": "error",
            "message": message,
            "errorType": "RATE_LIMIT",
            "correlationId": str(uuid.uuid4()),
            "policyName": policy,
            "requestId": str(uuid.uuid4()),
        }
        reply = Reply.json(body, 429, **self._headers())
        if self.retry_after and policy != "DAILY":
            reply.headers["Retry-After"] = str(math.ceil(self.window.frees_in()))
        return reply

    def _error(self, status: int, category: str, message: str, **extra: Any) -> Reply:
        return Reply.json(
            {
                "status": "error",
                "message": message,
                "correlationId": str(uuid.uuid4()),
                "category": category,
                **extra,
            },
            status,
        )

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, scopes: set[str]
    ) -> Reply:
        if path.startswith("/submissions/"):
            if "forms" not in scopes:
                return self._error(
                    403,
                    "MISSING_SCOPES",
                    "This app hasn't been granted all required scopes to make this call.",
                )
            match = _SUBMIT.match(path)
            return (
                self._submit(match[1], match[2], body)
                if match and method == "POST"
                else self._error(404, "OBJECT_NOT_FOUND", "Not found")
            )
        need = "crm.lists" if path.startswith("/crm/v3/lists") else "crm.objects.contacts"
        if f"{need}.{'read' if method == 'GET' else 'write'}" not in scopes and not path.endswith("/search"):
            return self._error(
                403, "MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call."
            )
        if (method, path) == ("POST", "/crm/v3/objects/contacts/batch/upsert"):
            return self._upsert(body)
        if (method, path) == ("GET", "/crm/v3/objects/contacts"):
            wanted = set(",".join(query.get("properties", [])).split(",")) - {""} or {
                "email",
                "firstname",
                "lastname",
            }
            items = [c.view(wanted) for c in sorted(self.contacts.values(), key=lambda c: int(c.id))]
            return self._page(items, query, "contacts", 100, "/crm/v3/objects/contacts")
        if (match := _CONTACT.match(path)) and method == "GET":
            ident = match[1]
            found = self.by_email(ident) if query.get("idProperty") == ["email"] else self.contacts.get(ident)
            return (
                Reply.json(found.view())
                if found
                else self._error(404, "OBJECT_NOT_FOUND", "Object not found.")
            )
        if (method, path) == ("POST", "/crm/v3/lists/search"):
            return self._search_lists(body or {})
        if match := _MEMBERS.match(path):
            return self._members(match[1], match[2], method, query, body)
        return self._error(404, "OBJECT_NOT_FOUND", f"Unable to route {method} {path}")

    def _upsert(self, body: Any) -> Reply:
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(inputs, list):
            return self._error(400, "VALIDATION_ERROR", "Invalid input: inputs is required")
        if len(inputs) > 100:
            return self._error(400, "VALIDATION_ERROR", "Batch input is limited to 100 inputs.")
        unknown = sorted({k for i in inputs for k in (i.get("properties") or {}) if k not in PROPERTIES})
        if unknown:
            errors = [
                {"message": f'Property "{k}" does not exist', "code": "PROPERTY_DOESNT_EXIST"}
                for k in unknown
            ]
            return self._error(400, "VALIDATION_ERROR", "Property values were not valid", errors=errors)
        results, errors = [], []
        for item in inputs:
            email = str(item.get("id", ""))
            if item.get("idProperty") != "email" or not EMAIL.match(email):
                errors.append(
                    {
                        "status": "error",
                        "category": "VALIDATION_ERROR",
                        "message": f"Email address {email} is invalid",
                        "context": {"ids": [email]},
                    }
                )
                continue
            contact, new = self.by_email(email), False
            props = {k: str(v) for k, v in (item.get("properties") or {}).items()} | {"email": email.lower()}
            if contact is None:
                contact, new = self.add_contact(**props), True
            else:
                contact.properties.update(props)
                contact.updated = self.clock.now()
            self.writes[email.lower()] += 1
            results.append(contact.view() | {"new": new})
        now = _iso(self.clock.now())
        out: dict[str, Any] = {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
        if errors:
            out |= {"errors": errors, "numErrors": len(errors)}
        return Reply.json(out, 207 if errors else 200)

    def _submit(self, portal: str, guid: str, body: Any) -> Reply:
        required = self.forms.get((portal, guid))
        if required is None:
            return Reply.json(
                {
                    "status": "error",
                    "message": "Form not found",
                    "errors": [{"errorType": "FORM_NOT_FOUND", "message": f"Form {guid} not found"}],
                },
                404,
            )
        fields = {
            f.get("name"): f.get("value") for f in (body or {}).get("fields", []) if isinstance(f, dict)
        }
        problems = [
            {"errorType": "REQUIRED_FIELD", "message": f"Required field '{n}' is missing"}
            for n in sorted(required)
            if not fields.get(n)
        ]
        email = str(fields.get("email") or "")
        if email and not EMAIL.match(email):
            problems.append(
                {"errorType": "INVALID_EMAIL", "message": "Error in 'fields.email'. Invalid email address"}
            )
        if problems:
            return Reply.json(
                {
                    "status": "error",
                    "message": "The request is not valid",
                    "correlationId": str(uuid.uuid4()),
                    "errors": problems,
                },
                400,
            )
        self.submissions.append(
            {
                "portal": portal,
                "form": guid,
                "fields": fields,
                "submittedAt": body.get("submittedAt"),
                "context": body.get("context") or {},
            }
        )
        self.writes[email.lower()] += 1
        return Reply.json({"inlineMessage": "Thanks for submitting the form."})

    def _search_lists(self, body: dict[str, Any]) -> Reply:
        offset, count = int(body.get("offset") or 0), min(int(body.get("count") or 20), 500)
        found = [x for x in self.lists.values() if str(body.get("query") or "").lower() in x.name.lower()]
        page = found[offset : offset + count]
        lists = [
            {
                "listId": x.id,
                "name": x.name,
                "objectTypeId": "0-1",
                "processingType": x.processing,
                "additionalProperties": {"hs_list_size": str(len(x.members))},
            }
            for x in page
        ]
        return Reply.json(
            {
                "lists": lists,
                "offset": offset + len(page),
                "hasMore": offset + count < len(found),
                "total": len(found),
            }
        )

    def _members(
        self, list_id: str, action: str | None, method: str, query: dict[str, list[str]], body: Any
    ) -> Reply:
        found = self.lists.get(list_id)
        if found is None:
            return self._error(404, "OBJECT_NOT_FOUND", f"List {list_id} does not exist")
        if action is None and method == "GET":
            items = [
                {"recordId": m, "membershipTimestamp": _iso(self.clock.now())}
                for m in sorted(found.members, key=int)
            ]
            return self._page(items, query, f"members{list_id}", 250, f"/crm/v3/lists/{list_id}/memberships")
        if method != "PUT" or found.processing not in ("MANUAL", "SNAPSHOT"):
            return self._error(
                400, "VALIDATION_ERROR", "Memberships can only be changed on MANUAL or SNAPSHOT lists"
            )
        ids = [str(i) for i in body or []]
        missing = [i for i in ids if i not in self.contacts]
        done = [i for i in ids if i in self.contacts]
        if action == "/add":
            found.members += [i for i in done if i not in found.members]
            return Reply.json({"recordsIdsAdded": done, "recordIdsMissing": missing})
        found.members = [m for m in found.members if m not in done]
        return Reply.json({"recordIdsRemoved": done, "recordIdsMissing": missing})

    def _page(self, items: list[Any], query: dict[str, list[str]], kind: str, cap: int, path: str) -> Reply:
        limit = int((query.get("limit") or ["10"])[0])
        if limit > cap:
            return self._error(400, "VALIDATION_ERROR", f"limit must be at most {cap}")
        start = read_token(query["after"][0], kind) if query.get("after") else 0
        page = items[start or 0 : (start or 0) + limit]
        out: dict[str, Any] = {"results": page}
        end = (start or 0) + limit
        if end < len(items):
            after = page_token(kind, end)
            out["paging"] = {
                "next": {"after": after, "link": f"{self.url}{path}?after={after}&limit={limit}"}
            }
        return Reply.json(out)


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
