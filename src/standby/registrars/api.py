"""What the HTTP registrar clients share: pacing under the documented rate, 429s and Retry-After,
bounded retries, bounded bodies, and errors that say what to do. Requests go through the plan's
network (`ctx.net`: resolvers, trust, timeouts), like every other outbound call.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from standby.core.clock import Clock
from standby.core.net import describe
from standby.plan.registrars import RegistrarAccount
from standby.probes.context import ProbeContext
from standby.registrars.record import RegistrarError

ATTEMPTS = 3  # one request and two more after a 429 or a 5xx
MAX_WAIT = 120.0  # seconds: a Retry-After longer than this is not waited for inside one check
MAX_BODY = 16 << 20  # a listing of thousands of domains fits; a runaway answer does not
MAX_PAGES = 1000  # a registrar repeating its cursor must not keep a check going for ever


class Pacer:
    """Spaces one account's requests `interval` seconds apart, shared by every check that uses it,
    so a burst of domains stays under the registrar's documented rate instead of meeting 429s."""

    def __init__(self, interval: float, clock: Clock) -> None:
        self.interval = interval
        self.clock = clock
        self._next: datetime | None = None
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = self.clock.now()
            if self._next is not None and self._next > now:
                await self.clock.sleep((self._next - now).total_seconds())
                now = self.clock.now()
            self._next = max(now, self._next or now) + timedelta(seconds=self.interval)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def retry_after(reply: Reply, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    value = reply.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when.astimezone(UTC) - now).total_seconds())


class HttpRegistrar:
    """Base for one registrar's JSON API. Subclasses set the name, the default address and the pace,
    and say how they authenticate and how their error bodies read."""

    name = "registrar"
    default_base = ""
    interval = 1.0  # seconds between requests to one account

    def __init__(self, account: RegistrarAccount, ctx: ProbeContext, pacer: Pacer) -> None:
        self.account = account
        self.ctx = ctx
        self.pacer = pacer
        self.base = str(account.base_url or self.default_base).rstrip("/")

    def headers(self) -> dict[str, str]:
        return {}

    def explain(self, reply: Reply) -> str:
        """The registrar's own words from an error body."""
        return reply.body[:200].decode("utf-8", "replace").strip() or f"HTTP {reply.status}"

    def wait_for(self, reply: Reply) -> float | None:
        return retry_after(reply, self.ctx.clock.now())

    def is_rate_limited(self, reply: Reply) -> bool:
        return reply.status == 429

    @property
    def label(self) -> str:
        return f"the {self.name} account {self.account.id!r}"

    async def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None
    ) -> Reply:
        """One API call with pacing, retries of 429 and 5xx (never of other 4xx), and a bounded body."""
        url = self.base + path
        host = httpx.URL(url).host
        for attempt in range(1, ATTEMPTS + 1):
            await self.pacer.wait()
            try:
                reply = await self._send(method, url, host, params, body)
            except httpx.HTTPError as exc:
                if attempt == ATTEMPTS:
                    raise RegistrarError(
                        f"{self.name} ({host}) could not be reached: {describe(exc)}"
                    ) from exc
                await self.ctx.clock.sleep(2.0**attempt)
                continue
            if self.is_rate_limited(reply):
                wait = self.wait_for(reply) or 2.0**attempt
                if attempt == ATTEMPTS or wait > MAX_WAIT:
                    raise RegistrarError(
                        f"{self.name} is rate-limiting {self.label} ({self.explain(reply)}); "
                        "Standby will ask again at the next check"
                    )
                await self.ctx.clock.sleep(wait)
                continue
            if reply.status >= 500 and attempt < ATTEMPTS:
                await self.ctx.clock.sleep(2.0**attempt)
                continue
            if reply.status >= 500:
                raise RegistrarError(f"{self.name} answered {reply.status}: {self.explain(reply)}")
            if reply.status in (401, 403):
                raise RegistrarError(
                    f"{self.name} refused {self.label}'s credentials ({reply.status}: "
                    f"{self.explain(reply)}); check the key in the plan's environment and its permissions",
                    permanent=True,
                )
            return reply
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(
        self, method: str, url: str, host: str, params: dict[str, Any] | None, body: Any
    ) -> Reply:
        headers = {"Accept": "application/json", **self.headers()}
        content = None if body is None else json.dumps(body).encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
        target = str(httpx.URL(url, params=params))
        async with self.ctx.net.slot(host):
            answer = await self.ctx.net.fetch(
                target,
                method=method,
                headers=headers,
                body=content,
                follow_redirects=False,
                limit=MAX_BODY + 1,
            )
        if len(answer.body) > MAX_BODY:
            raise RegistrarError(f"{self.name} answered with more than {MAX_BODY >> 20} MiB")
        return Reply(answer.status_code, httpx.Headers(dict(answer.headers)), answer.body)

    async def details(self, path: str, name: str) -> dict[str, Any] | None:
        """The JSON object a registrar keeps about one domain at `path`; None when it answers 404."""
        reply = await self.request("GET", path)
        if reply.status == 404:
            return None
        item = reply.json()
        if reply.status != 200 or not isinstance(item, dict):
            raise self.unexpected(reply, f"the details of {name}")
        return item

    def unexpected(self, reply: Reply, what: str) -> RegistrarError:
        return RegistrarError(f"{self.name} answered {reply.status} to {what}: {self.explain(reply)}")
