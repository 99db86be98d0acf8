"""Faithful fakes of registrar APIs on a local HttpPeer, from their public documentation
(docs/registrars.md lists what each relies on): authentication, pagination, error bodies and rate
limits, with an injectable clock so a test moves time instead of waiting out a 429.

    fake = GoDaddyFake(clock, key="k", secret="s").start()
    fake.add("acme.example", expires=NOW + timedelta(days=200), auto_renew=False)
    account = {"id": "gd", "kind": "godaddy", "api_key": "k", "api_secret": "s", "base_url": fake.url}
"""

from __future__ import annotations

import base64
import json
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, Self
from urllib.parse import parse_qs, urlsplit

from tests.peers.http import HttpPeer, Reply, Request


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass
class FakeDomain:
    name: str
    expires: datetime
    auto_renew: bool = True
    locked: bool = True
    status: str = ""  # the registrar's own word; each fake has its default
    statuses: list[str] = field(default_factory=list)  # EPP codes, where the registrar shows them


def _z(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class RegistrarFake:
    """What every fake shares: domains, a sliding-window rate limit on the injected clock, the log."""

    limit = 60
    window = timedelta(minutes=1)
    default_status = ""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.domains: dict[str, FakeDomain] = {}
        self.http = HttpPeer()
        self.http.fallback = self._serve
        self.calls: deque[datetime] = deque()
        self.throttled = 0  # requests refused for the rate
        self.requests: list[Request] = []

    def start(self) -> Self:
        self.http.start()
        return self

    def stop(self) -> None:
        self.http.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self.http.url("").rstrip("/")

    def add(self, name: str, *, expires: datetime, **fields: Any) -> FakeDomain:
        domain = FakeDomain(name, expires, **{"status": self.default_status, **fields})
        self.domains[name] = domain
        return domain

    def sorted(self) -> list[FakeDomain]:
        return [self.domains[n] for n in sorted(self.domains)]

    def _over_limit(self) -> float | None:
        """Seconds until the window has room, if this request is over the limit."""
        now = self.clock.now()
        while self.calls and now - self.calls[0] >= self.window:
            self.calls.popleft()
        if len(self.calls) >= self.limit:
            self.throttled += 1
            return max(1.0, (self.calls[0] + self.window - now).total_seconds())
        self.calls.append(now)
        return None

    def _serve(self, request: Request) -> Reply:
        self.requests.append(request)
        refused = self.authenticate(request)
        if refused is not None:
            return refused
        wait = self._over_limit()
        if wait is not None:
            return self.rate_limited(wait)
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return self.route(request, parts.path, query)

    def authenticate(self, request: Request) -> Reply | None:
        raise NotImplementedError

    def rate_limited(self, wait: float) -> Reply:
        raise NotImplementedError

    def route(self, request: Request, path: str, query: dict[str, str]) -> Reply:
        raise NotImplementedError


class GoDaddyFake(RegistrarFake):
    """GoDaddy Domains API v1: `sso-key` auth, `limit`/`marker` paging, 60 requests a minute."""

    default_status = "ACTIVE"

    def __init__(self, clock: Clock, *, key: str = "gd-key", secret: str = "gd-secret") -> None:
        super().__init__(clock)
        self.auth = f"sso-key {key}:{secret}"

    def authenticate(self, request: Request) -> Reply | None:
        if request.headers.get("Authorization") == self.auth:
            return None
        body = {
            "code": "UNABLE_TO_AUTHENTICATE",
            "message": "Unauthorized : Could not authenticate API key/secret",
        }
        return Reply.json(body, 401)

    def rate_limited(self, wait: float) -> Reply:
        body = {"code": "TOO_MANY_REQUESTS", "message": "Too many requests received within interval",
                "retryAfterSec": round(wait)}  # fmt: skip
        return Reply.json(body, 429)

    def summary(self, d: FakeDomain) -> dict[str, Any]:
        return {"domain": d.name, "domainId": abs(hash(d.name)) % 10**9, "status": d.status,
                "expires": _z(d.expires), "renewAuto": d.auto_renew, "locked": d.locked, "holdRegistrar": False,
                "expirationProtected": False, "privacy": False, "renewable": True, "transferProtected": False,
                "createdAt": _z(d.expires - timedelta(days=365))}  # fmt: skip

    def route(self, request: Request, path: str, query: dict[str, str]) -> Reply:
        if path == "/v1/domains":
            limit = int(query.get("limit", "100"))
            marker = query.get("marker", "")
            rest = [d for d in self.sorted() if d.name > marker]
            return Reply.json([self.summary(d) for d in rest[:limit]])
        if path.startswith("/v1/domains/"):
            found = self.domains.get(path.removeprefix("/v1/domains/"))
            if found is None:
                return Reply.json({"code": "NOT_FOUND", "message": "The specified domain was not found"}, 404)
            return Reply.json(self.summary(found))
        return Reply.json({"code": "NOT_FOUND", "message": "Not Found"}, 404)


class CloudflareFake(RegistrarFake):
    """Cloudflare Registrar registrations: Bearer token, cursor paging (50 at most), 1,200 per 5 min."""

    limit = 1200
    window = timedelta(minutes=5)
    default_status = "active"

    def __init__(
        self, clock: Clock, *, token: str = "cf-token", account_id: str = "023e105f4ecef8ad"
    ) -> None:
        super().__init__(clock)
        self.token = token
        self.account_id = account_id

    @staticmethod
    def failure(status: int, code: int, message: str, **headers: str) -> Reply:
        body = {
            "success": False,
            "errors": [{"code": code, "message": message}],
            "messages": [],
            "result": None,
        }
        return Reply.json(body, status, **headers)

    def authenticate(self, request: Request) -> Reply | None:
        if request.headers.get("Authorization") == f"Bearer {self.token}":
            return None
        return self.failure(403, 10000, "Authentication error")

    def rate_limited(self, wait: float) -> Reply:
        return self.failure(429, 971, "Please wait and consider throttling your request speed",
                            **{"Retry-After": str(round(wait))})  # fmt: skip

    def registration(self, d: FakeDomain) -> dict[str, Any]:
        return {"domain_name": d.name, "auto_renew": d.auto_renew, "locked": d.locked, "status": d.status,
                "expires_at": d.expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "privacy_mode": "redaction",
                "created_at": (d.expires - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")}  # fmt: skip

    def route(self, request: Request, path: str, query: dict[str, str]) -> Reply:
        prefix = f"/accounts/{self.account_id}/registrar/registrations"
        if not path.startswith(prefix):
            return self.failure(
                404, 7003, f"Could not route to {path}, perhaps your object identifier is invalid?"
            )
        if path == prefix:
            per_page = int(query.get("per_page", "20"))
            if not 1 <= per_page <= 50:
                return self.failure(400, 1001, "per_page must be between 1 and 50")
            start = int(base64.b64decode(query["cursor"]).decode()) if query.get("cursor") else 0
            page = self.sorted()[start : start + per_page]
            end = start + per_page
            cursor = base64.b64encode(str(end).encode()).decode() if end < len(self.domains) else ""
            return Reply.json({"success": True, "errors": [], "messages": [],
                               "result": [self.registration(d) for d in page],
                               "result_info": {"count": len(page), "cursor": cursor, "per_page": per_page}})  # fmt: skip
        found = self.domains.get(path.removeprefix(prefix + "/"))
        if found is None:
            return self.failure(404, 100004, "Registration not found")
        return Reply.json({"success": True, "errors": [], "messages": [], "result": self.registration(found)})


class GandiFake(RegistrarFake):
    """Gandi v5 domains: Bearer PAT, page/per_page (100 at most) with Total-Count, 1,000 a minute."""

    limit = 1000

    def __init__(self, clock: Clock, *, token: str = "pat_gandi") -> None:
        super().__init__(clock)
        self.token = token

    @staticmethod
    def failure(status: int, obj: str, cause: str, message: str, **headers: str) -> Reply:
        return Reply.json(
            {"code": status, "message": message, "object": obj, "cause": cause}, status, **headers
        )

    def authenticate(self, request: Request) -> Reply | None:
        if request.headers.get("Authorization") == f"Bearer {self.token}":
            return None
        return self.failure(401, "HTTPUnauthorized", "Unauthorized", "The server could not verify that you "
                            "are authorized to access the URL requested.")  # fmt: skip

    def rate_limited(self, wait: float) -> Reply:
        return self.failure(429, "HTTPTooManyRequests", "Too Many Requests", "Rate limit exceeded",
                            **{"Retry-After": str(round(wait))})  # fmt: skip

    def item(self, d: FakeDomain, *, detail: bool) -> dict[str, Any]:
        statuses = list(d.statuses) or (["clientTransferProhibited"] if d.locked else [])
        renew: Any = {"enabled": d.auto_renew, "duration": 1, "dates": []} if detail else d.auto_renew
        return {"fqdn": d.name, "fqdn_unicode": d.name, "tld": d.name.rsplit(".", 1)[-1], "status": statuses,
                "autorenew": renew, "nameserver": {"current": "livedns"}, "tags": [],
                "href": f"{self.url}/v5/domain/domains/{d.name}",
                "dates": {"registry_ends_at": _z(d.expires), "created_at": _z(d.expires - timedelta(days=365))}}  # fmt: skip

    def route(self, request: Request, path: str, query: dict[str, str]) -> Reply:
        if path == "/v5/domain/domains":
            page, per_page = int(query.get("page", "1")), int(query.get("per_page", "25"))
            if per_page > 100:
                return self.failure(400, "HTTPBadRequest", "Bad Request", "per_page: must be at most 100")
            chunk = self.sorted()[(page - 1) * per_page : page * per_page]
            reply = Reply.json([self.item(d, detail=False) for d in chunk])
            reply.headers["Total-Count"] = str(len(self.domains))
            return reply
        found = self.domains.get(path.removeprefix("/v5/domain/domains/"))
        if found is None:
            return self.failure(404, "HTTPNotFound", "Not Found", "The requested resource was not found")
        return Reply.json(self.item(found, detail=True))


class PorkbunFake(RegistrarFake):
    """Porkbun v3: keys in the POSTed JSON, listAll in chunks of 1,000 from `start`, 503 when throttled."""

    limit = 60
    default_status = "ACTIVE"
    chunk = 1000

    def __init__(self, clock: Clock, *, key: str = "pk1_key", secret: str = "sk1_secret") -> None:
        super().__init__(clock)
        self.keys = (key, secret)

    def authenticate(self, request: Request) -> Reply | None:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return Reply.json({"status": "ERROR", "message": "Invalid JSON."}, 400)
        if (body.get("apikey"), body.get("secretapikey")) == self.keys:
            return None
        return Reply.json({"status": "ERROR", "message": "Invalid API key. (002)"}, 400)

    def rate_limited(self, wait: float) -> Reply:
        return Reply.json({"status": "ERROR", "message": "Rate limit exceeded. Slow down."}, 503)

    def route(self, request: Request, path: str, query: dict[str, str]) -> Reply:
        if request.method != "POST" or path != "/domain/listAll":
            return Reply.json({"status": "ERROR", "message": "Invalid command."}, 400)
        start = int(json.loads(request.body).get("start", 0))
        chunk = self.sorted()[start : start + self.chunk]
        items = [{"domain": d.name, "status": d.status, "tld": d.name.rsplit(".", 1)[-1],
                  "createDate": (d.expires - timedelta(days=365)).strftime("%Y-%m-%d %H:%M:%S"),
                  "expireDate": d.expires.strftime("%Y-%m-%d %H:%M:%S"),
                  "securityLock": "1" if d.locked else "0", "whoisPrivacy": "1",
                  "autoRenew": int(d.auto_renew) if i % 2 else ("1" if d.auto_renew else "0"),  # both spellings
                  "notLocal": 0} for i, d in enumerate(chunk)]  # fmt: skip
        return Reply.json({"status": "SUCCESS", "domains": items})
