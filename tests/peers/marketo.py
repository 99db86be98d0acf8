"""A faithful local Marketo (REST API) for tests and benchmarks, from the docs' behaviours and limits.

    with MarketoFake(clock=clock) as mkto:
        mkto.db.forms[2187] = {"email", "firstName"}
        MarketoClient(base_url=mkto.url, client_id=mkto.client_id, client_secret=mkto.client_secret, ...)

- Identity: GET/POST /identity/oauth/token; 401 OAuth body on bad credentials; the same token, with
  its remaining lifetime, until it expires (`token_lifetime`, on the fake's clock), then a new one.
- Every REST answer is HTTP 200 with the envelope; `success: false` with `errors` for 601 (invalid
  token), 602 (expired, first use only; 601 after), 606 (more than `calls` per `window` s, sliding),
  615 (more than `concurrent` at once), 607 (the daily quota, reset at midnight US Central), 609, 610,
  612; 413 (body > 1 MB) and 414 (URI > 8 KB) as HTTP statuses. 601/602/604/605/608/611 do not count.
- Sync Leads, Submit Form, leads by filter, static lists and members (paging tokens), add/remove
  members, describe, usage; `_method=GET` tunnelling. Record-level `skipped` with 1xxx reasons.
- Faults: `down(mode)` (503, 502 HTML, dropped connections, slow), `fail_next(code, n)` (a 606 storm,
  611, 604, 713 …), `refuse(email, code, message)` for one record. `writes[email]` counts acknowledgements.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import Counter, deque
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from standby.core.clock import Clock
from tests.peers.http import HttpPeer, Reply, Request
from tests.peers.marketo_data import DEFAULT_READ, Lead, LeadDatabase
from tests.peers.platform import Gauge, Window, default_clock, outage_reply, page_token, read_token

MESSAGES = {
    "601": "Access token invalid",
    "602": "Access token expired",
    "604": "Request timed out",
    "606": "Max rate limit '100' exceeded with in '20' secs",
    "607": "Daily quota reached",
    "608": "API Temporarily Unavailable",
    "609": "Invalid JSON",
    "610": "Requested resource not found",
    "611": "System error",
    "612": "Invalid Content Type",
    "615": "Concurrent access limit '10' reached",
    "713": "Transient Error",
    "1013": "Object not found",
}
NOT_COUNTED = {"601", "602", "604", "605", "608", "611"}
_LIST_LEADS = re.compile(r"^/rest/v1/lists?/(\d+)/leads\.json$")
_LIST = re.compile(r"^/rest/v1/lists/(\d+)\.json$")
_LEAD = re.compile(r"^/rest/v1/lead/(\d+)\.json$")
_ISMEMBER = re.compile(r"^/rest/v1/lists/(\d+)/leads/ismember\.json$")
CENTRAL = ZoneInfo("America/Chicago")


class MarketoFake:
    def __init__(
        self,
        *,
        clock: Clock | None = None,
        client_id: str = "standby-client",
        client_secret: str = "s3cret-value",
        token_lifetime: float = 3600,
        calls: int = 100,
        window: float = 20,
        concurrent: int = 10,
        daily_quota: int = 50_000,
        latency: float = 0.0,
    ) -> None:
        self.clock = default_clock(clock)
        self.client_id, self.client_secret = client_id, client_secret
        self.token_lifetime, self.calls, self.concurrent = token_lifetime, calls, concurrent
        self.daily_quota, self.latency = daily_quota, latency
        self.db = LeadDatabase(self.clock)
        self.window = Window(self.clock, window)
        self.in_flight = Gauge()
        self.outage: str | None = None
        self.answered: Counter[str] = Counter()  # error code (or "ok", "identity") → times answered
        self._failures: deque[str] = deque()
        self._expire_after: int | None = None  # successful REST calls left before every token expires
        self._tokens: dict[str, dict[str, Any]] = {}  # token → {"expires": datetime, "told": bool}
        self._day: tuple[Any, int] = (None, 0)
        self._lock = threading.Lock()
        self.http = HttpPeer()
        self.http.fallback = self._handle

    # -- the test's controls ------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.http.url("").rstrip("/")

    def down(self, mode: str = "503") -> None:
        outage_reply(mode)  # validates the mode
        self.outage = mode

    def up(self) -> None:
        self.outage = None

    def fail_next(self, code: str, count: int = 1) -> None:
        """The next `count` REST calls answer `code` (e.g. a 606 storm from another integration)."""
        with self._lock:
            self._failures.extend([code] * count)

    def expire_tokens(self) -> None:
        """Every token issued so far expires now (as if its hour were up)."""
        with self._lock:
            for state in self._tokens.values():
                state["expires"] = min(state["expires"], self.clock.now())

    def expire_tokens_after(self, calls: int) -> None:
        """Every token expires right after the next `calls` successful REST calls (mid-replay)."""
        self._expire_after = calls

    def refuse(self, email: str, code: str = "1003", message: str = "Invalid data") -> None:
        self.db.refuse[email.lower()] = (code, message)

    @property
    def writes(self) -> Counter[str]:
        return self.db.writes

    def add_lead(self, **fields: Any) -> Lead:
        with self.db.lock:
            return self.db.add_lead(**fields)

    def __enter__(self) -> MarketoFake:
        self.http.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.stop()

    # -- the protocol -------------------------------------------------------------------------

    def _handle(self, request: Request) -> Reply:
        if self.outage is not None:
            return outage_reply(self.outage)
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if len(request.path) > 8192:
            return Reply(414, "<html>414 Request-URI Too Large</html>")
        if len(request.body) > 1 << 20:
            return Reply(413, "<html>413 Request Entity Too Large</html>")
        if parts.path == "/identity/oauth/token":
            return self._identity(query)
        method = request.method
        if method == "POST" and query.get("_method") == "GET":  # tunnelling a long query string
            method = "GET"
            query |= {k: v[-1] for k, v in parse_qs(request.body.decode()).items()}
        code = self._admit(request, query)
        if code is not None:
            return self._error(code)
        if not self.in_flight.try_enter(self.concurrent):
            return self._error("615")
        with self.in_flight.held(self.latency), self.db.lock:
            return self._route(method, parts.path, query, request)

    def _identity(self, query: dict[str, str]) -> Reply:
        if query.get("grant_type") != "client_credentials":
            return Reply.json({"error": "invalid_request", "error_description": "Bad grant type"}, 400)
        if query.get("client_id") != self.client_id:
            return Reply.json(
                {"error": "unauthorized", "error_description": "No client with requested id"}, 401
            )
        if query.get("client_secret") != self.client_secret:
            return Reply.json({"error": "invalid_client", "error_description": "Bad client credentials"}, 401)
        now = self.clock.now()
        self.answered["identity"] += 1
        with self._lock:
            live = [(t, s) for t, s in self._tokens.items() if s["expires"] > now]
            if live:
                token, state = live[0]
            else:
                token = f"{uuid.uuid4()}:ab"
                state = self._tokens[token] = {"expires": now + timedelta(seconds=self.token_lifetime)}
                state["told"] = False
        remaining = int((state["expires"] - now).total_seconds())
        return Reply.json(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": remaining,
                "scope": "api@example.com",
            }
        )

    def _admit(self, request: Request, query: dict[str, str]) -> str | None:
        """Auth, injected failures, the daily quota and the rate window, in Marketo's order."""
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        now = self.clock.now()
        with self._lock:
            state = self._tokens.get(token)
            if state is None:
                return "601"
            if state["expires"] <= now:
                first, state["told"] = not state["told"], True
                return "602" if first else "601"
            if self._failures:
                code = self._failures.popleft()
                if code not in NOT_COUNTED:
                    self.window.add()
                return code
            day = now.astimezone(CENTRAL).date()
            used = self._day[1] if self._day[0] == day else 0
            if used >= self.daily_quota:
                return "607"
            if self.window.count() >= self.calls:
                self.window.add()  # a refused call still counts
                return "606"
            self.window.add()
            self._day = (day, used + 1)
            if self._expire_after is not None:
                self._expire_after -= 1
                if self._expire_after <= 0:
                    self._expire_after = None
                    for other in self._tokens.values():
                        other["expires"] = min(other["expires"], now)
        return None

    def quota_resets_at(self) -> datetime:
        local = self.clock.now().astimezone(CENTRAL)
        return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=CENTRAL)

    def _error(self, code: str) -> Reply:
        self.answered[code] += 1
        body = {
            "requestId": _request_id(),
            "success": False,
            "errors": [{"code": code, "message": MESSAGES.get(code, "Error")}],
        }
        return Reply.json(body)

    def _ok(self, result: list[Any] | None = None, **extra: Any) -> Reply:
        self.answered["ok"] += 1
        body: dict[str, Any] = {"requestId": _request_id(), "success": True}
        if result is not None:
            body["result"] = result
        return Reply.json(body | extra)

    def _route(self, method: str, path: str, query: dict[str, str], request: Request) -> Reply:
        body: Any = None
        if method in ("POST", "DELETE") and request.body and query.get("_method") != "GET":
            if not request.headers.get("Content-Type", "").startswith("application/json"):
                return self._error("612")
            try:
                body = json.loads(request.body)
            except ValueError:
                return self._error("609")
        if (method, path) == ("POST", "/rest/v1/leads.json"):
            return self._sync(body)
        if (method, path) == ("POST", "/rest/v1/leads/submitForm.json"):
            result = self.db.submit_form(body if isinstance(body, dict) else {})
            return self._error("1013") if result is None else self._ok([result])
        if (method, path) == ("GET", "/rest/v1/leads.json"):
            return self._by_filter(query)
        if (method, path) == ("GET", "/rest/v1/leads/describe.json"):
            return self._ok(self._describe())
        if (method, path) == ("GET", "/rest/v1/lists.json"):
            lists = [x.view() for x in sorted(self.db.lists.values(), key=lambda x: x.id)]
            return self._paged(lists, query, "lists", more_result=False)
        if (method, path) == ("GET", "/rest/v1/stats/usage.json"):
            return self._ok(
                [{"date": self.clock.now().date().isoformat(), "total": self._day[1], "users": []}]
            )
        if (match := _LEAD.match(path)) and method == "GET":
            lead = self.db.leads.get(int(match[1]))
            return self._ok([lead.view(_fields(query))] if lead else [])
        if (match := _LIST.match(path)) and method == "GET":
            found = self.db.lists.get(int(match[1]))
            return self._ok([found.view()]) if found else self._error("1013")
        if match := _LIST_LEADS.match(path):
            return self._list_leads(int(match[1]), method, query, body)
        if (match := _ISMEMBER.match(path)) and method == "GET":
            members = self.db.lists[int(match[1])].members if int(match[1]) in self.db.lists else None
            if members is None:
                return self._error("1013")
            ids = [int(i) for i in query.get("id", "").split(",") if i]
            return self._ok([{"id": i, "status": "memberof" if i in members else "notmemberof"} for i in ids])
        return self._error("610")

    def _sync(self, body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("input"), list):
            return self._error("609")
        records = body["input"]
        if len(records) > 300:
            return Reply.json(
                {
                    "requestId": _request_id(),
                    "success": False,
                    "errors": [{"code": "1003", "message": "Batch size exceeds 300"}],
                }
            )
        action = body.get("action", "createOrUpdate")
        return self._ok(self.db.sync(records, action, body.get("lookupField", "email")))

    def _by_filter(self, query: dict[str, str]) -> Reply:
        field, values = query.get("filterType"), [v for v in query.get("filterValues", "").split(",") if v]
        if not field or not values:
            return Reply.json(
                {
                    "requestId": _request_id(),
                    "success": False,
                    "errors": [{"code": "701", "message": "filterType cannot be blank"}],
                }
            )
        if field not in ("email", "id") and field not in self.db.fields:
            return Reply.json(
                {
                    "requestId": _request_id(),
                    "success": False,
                    "errors": [{"code": "1011", "message": f"Lookup field '{field}' not supported"}],
                }
            )
        wanted = {v.lower() for v in values}
        found = [
            x
            for x in self.db.leads.values()
            if str(x.fields.get(field, x.id if field == "id" else "")).lower() in wanted
        ]
        return self._paged([x.view(_fields(query)) for x in found], query, "filter")

    def _list_leads(self, list_id: int, method: str, query: dict[str, str], body: Any) -> Reply:
        found = self.db.lists.get(list_id)
        if found is None:
            return self._error("1013")
        if method == "GET":
            leads = [self.db.leads[i].view(_fields(query)) for i in found.members if i in self.db.leads]
            return self._paged(leads, query, f"list{list_id}", more_result=False)
        ids = [int(i["id"]) for i in (body or {}).get("input", []) if isinstance(i, dict) and "id" in i]
        ids += [int(i) for i in query.get("id", "").split(",") if i]
        if len(ids) > 300:
            return self._error("1003")
        return self._ok(self.db.add_to_list(list_id, ids, remove=method == "DELETE"))

    def _paged(
        self, items: list[Any], query: dict[str, str], kind: str, *, more_result: bool = True
    ) -> Reply:
        size = min(int(query.get("batchSize") or 300), 300)
        start = read_token(query["nextPageToken"], kind) if query.get("nextPageToken") else 0
        if start is None:
            return Reply.json(
                {
                    "requestId": _request_id(),
                    "success": False,
                    "errors": [{"code": "1003", "message": "Invalid nextPageToken"}],
                }
            )
        page, more = items[start : start + size], start + size < len(items)
        extra: dict[str, Any] = {"nextPageToken": page_token(kind, start + size)} if more else {}
        if more_result:
            extra["moreResult"] = more
        return self._ok(page, **extra)

    def _describe(self) -> list[dict[str, Any]]:
        return [
            {
                "id": i,
                "displayName": soap,
                "dataType": kind,
                "rest": {"name": rest, "readOnly": rest in ("id", "createdAt", "updatedAt")},
                "soap": {"name": soap, "readOnly": False},
            }
            for i, (rest, (soap, kind)) in enumerate(self.db.fields.items(), start=1)
        ]


def _fields(query: dict[str, str]) -> tuple[str, ...]:
    wanted = tuple(f for f in query.get("fields", "").split(",") if f)
    return wanted or DEFAULT_READ


def _request_id() -> str:
    return f"{uuid.uuid4().hex[:4]}#{uuid.uuid4().hex[:11]}"
