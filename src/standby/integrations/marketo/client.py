"""The Marketo client: every call goes through `call`, which keeps inside Marketo's limits and turns
each answer into data or one of the platform errors.

Limits (REST API docs): 100 calls per 20 s and 10 concurrent calls per instance, shared with every
other integration; a daily quota that resets at midnight US Central time. The pacer spends the whole
allowance by default (`Limits`); lower it when other integrations share the instance. A 606 or 615
(someone else used the budget) backs off with jitter and retries a bounded number of times; 607
pauses every call until the quota resets; 601/602 renew the token and retry the same call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from standby.core.clock import Clock
from standby.core.net import Network, describe
from standby.integrations.errors import PlatformDown, PlatformRefused, QuotaReached
from standby.integrations.marketo.auth import TokenSource
from standby.integrations.marketo.codes import HINTS, Kind, kind_of
from standby.integrations.pacing import Pacer, backoff

QUOTA_ZONE = ZoneInfo("America/Chicago")  # "12:00 AM CST"; zoneinfo follows daylight saving time
READ_TIMEOUT = 120.0  # above Marketo's own server-side limits (30 s; 60-90 s for some lead calls)


@dataclass(frozen=True)
class Limits:
    calls: int = 100  # per window, for the whole instance
    window: float = 20.0  # seconds
    concurrent: int = 10
    throttled_retries: int = 6  # 606/615 in a row before the call counts as "still down"
    transient_retries: int = 2  # 5xx, 604, 608, 611, 713 ... before "still down"
    auth_retries: int = 2  # token renewals for one call


def next_quota_reset(now: datetime) -> datetime:
    local = now.astimezone(QUOTA_ZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=QUOTA_ZONE)
    return midnight.astimezone(now.tzinfo)


class MarketoClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        network: Network,
        clock: Clock,
        limits: Limits | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.limits = limits or Limits()
        self.clock = clock
        self._network = network
        self.tokens = TokenSource(
            base_url=self.base_url,
            client_id=client_id,
            client_secret=client_secret,
            network=network,
            clock=clock,
        )
        self.pacer = Pacer(
            calls=self.limits.calls, window=self.limits.window, concurrent=self.limits.concurrent, clock=clock
        )
        self.sent = 0  # REST calls sent (each retry too): what a backup's manifest reports as used

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> dict[str, Any]:
        """One REST call; the whole envelope when `success` is true, else a PlatformError."""
        throttled = transient = renewed = 0
        while True:
            paused = self.pacer.paused_until()
            if paused is not None:
                raise QuotaReached(
                    f"Marketo's daily API quota is used up until {paused:%Y-%m-%d %H:%M} UTC", until=paused
                )
            token = await self.tokens.token()
            try:
                async with self.pacer.slot():
                    data = await self._send(method, path, params, body, token)
                return data
            except _Retry as retry:
                if retry.kind is Kind.AUTH:
                    renewed += 1
                    await self.tokens.forget(token)
                    if renewed > self.limits.auth_retries:
                        raise PlatformDown(f"Marketo kept refusing fresh access tokens ({retry})") from None
                    continue
                if retry.kind is Kind.THROTTLED:
                    throttled += 1
                    if throttled > self.limits.throttled_retries:
                        raise PlatformDown(
                            f"Marketo is throttling every call ({retry}); other integrations may be "
                            f"using the instance's {self.limits.calls} calls per {self.limits.window:g} s"
                        ) from None
                    await self.clock.sleep(backoff(throttled, base=1.0, cap=self.limits.window))
                    continue
                transient += 1
                if transient > self.limits.transient_retries:
                    raise PlatformDown(f"Marketo is still down: {retry}") from None
                await self.clock.sleep(backoff(transient, base=1.0, cap=10.0))

    async def pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, key: str = "result"
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Each page of a paged read, following `nextPageToken` until Marketo gives none (or an empty
        page: some endpoints end that way)."""
        query = dict(params or {})
        while True:
            data = await self.call("GET", path, params=query)
            page = [r for r in data.get(key) or [] if isinstance(r, dict)]
            if page:
                yield page
            token = data.get("nextPageToken")
            if not page or not token or data.get("moreResult") is False:
                return
            query["nextPageToken"] = token

    @asynccontextmanager
    async def download(self, path: str, *, start: int = 0) -> AsyncIterator[httpx.Response]:
        """A raw file (Bulk Extract's `file.json`), streamed, from byte `start` (a Range request).

        The caller reads the status (200 the whole file, 206 from `start`, 404 not ready) and the body.
        An envelope instead of the file (an expired token) renews the token and asks again; any other
        envelope error is raised as for `call`. The download holds one of the call slots throughout:
        Marketo counts a call as concurrent until it has answered."""
        url = self.base_url + "/" + path.lstrip("/")
        for attempt in range(1, self.limits.auth_retries + self.limits.throttled_retries + 2):
            token = await self.tokens.token()
            headers = {"Authorization": f"Bearer {token}"}
            if start:
                headers["Range"] = f"bytes={start}-"
            async with AsyncExitStack() as stack:
                await stack.enter_async_context(self.pacer.slot())
                http = await stack.enter_async_context(self._network.http())
                self.sent += 1
                try:
                    response = await stack.enter_async_context(
                        http.stream("GET", url, headers=headers, timeout=READ_TIMEOUT)
                    )
                except httpx.HTTPError as exc:
                    raise PlatformDown(
                        f"Marketo is still down: cannot reach {self.base_url}: {describe(exc)}"
                    ) from None
                if response.status_code >= 500:
                    raise PlatformDown(f"Marketo is still down: HTTP {response.status_code} from {path}")
                if not response.headers.get("Content-Type", "").startswith("application/json"):
                    yield response
                    return
                await response.aread()
                try:
                    data = response.json()
                except ValueError:
                    data = None
                if not isinstance(data, dict) or data.get("success") is not False:
                    yield response  # a JSON file, after all
                    return
                try:
                    self._failed(path, data)
                except _Retry as retry:
                    if retry.kind is Kind.AUTH:
                        await self.tokens.forget(token)
                    elif retry.kind is Kind.THROTTLED:
                        await self.clock.sleep(backoff(attempt, base=1.0, cap=self.limits.window))
                    else:
                        raise PlatformDown(f"Marketo is still down: {retry}") from None
        raise PlatformDown(f"Marketo kept refusing or throttling the download of {path}")

    async def _send(
        self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, token: str
    ) -> dict[str, Any]:
        url = self.base_url + "/" + path.lstrip("/")  # Marketo's gateway refuses double slashes
        headers = {"Authorization": f"Bearer {token}"}
        self.sent += 1
        try:
            async with self._network.http() as client:
                response = await client.request(
                    method, url, params=params, json=body, headers=headers, timeout=READ_TIMEOUT
                )
        except httpx.HTTPError as exc:
            raise _Retry(Kind.DOWN, f"cannot reach {self.base_url}: {describe(exc)}") from None
        if response.status_code >= 500:
            raise _Retry(Kind.DOWN, f"HTTP {response.status_code} from {path}")
        if response.status_code in (413, 414):
            raise PlatformRefused(f"Marketo refused {path} as too large (HTTP {response.status_code})")
        try:
            data = response.json()
        except ValueError:
            raise _Retry(Kind.DOWN, f"HTTP {response.status_code} from {path} without JSON") from None
        if response.status_code != 200 or not isinstance(data, dict):
            raise _Retry(Kind.DOWN, f"HTTP {response.status_code} from {path}")
        if data.get("success") is True:
            return data
        return self._failed(path, data)

    def _failed(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        errors = [e for e in data.get("errors") or [] if isinstance(e, dict)]
        first = errors[0] if errors else {}
        code, message = str(first.get("code", "")), str(first.get("message", "")).strip()
        said = f"{code} {message}".strip() or "success: false without an error"
        kind = kind_of(code)
        if kind is Kind.QUOTA:
            until = next_quota_reset(self.clock.now())
            self.pacer.pause_until(until)
            raise QuotaReached(f"Marketo's daily API quota is used up ({said})", until=until)
        if kind is Kind.REFUSED:
            hint = HINTS.get(code)
            raise PlatformRefused(
                f"Marketo refused {path}: {said}" + (f"; {hint}" if hint else ""), code=code
            )
        raise _Retry(kind, said)


class _Retry(Exception):
    def __init__(self, kind: Kind, said: str) -> None:
        super().__init__(said)
        self.kind = kind
