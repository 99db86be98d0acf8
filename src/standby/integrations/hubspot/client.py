"""The HubSpot client: every call goes through `call`, which keeps inside the burst limit, waits on
429 and turns each answer into a `Reply` or one of the platform errors.

HubSpot's burst limit is per app, per rolling 10 s (100 to 250 calls by tier), announced on each
answer in `X-HubSpot-RateLimit-Max` / `-Remaining` / `-Interval-Milliseconds`; the pacer follows what
the headers say. A 429 waits `Retry-After` when given, else the interval, and retries a bounded number
of times; a 429 for the *daily* limit pauses every call (the limit resets at midnight in the
account's time zone, which the API does not tell us, so we look again within the hour). A 401 or 403
is permanent (the token, or its scopes); 5xx and connection errors are "still down".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import httpx

from standby.core.clock import Clock
from standby.core.net import Network, describe
from standby.integrations.errors import PlatformDown, PlatformRefused, QuotaReached
from standby.integrations.pacing import Pacer, backoff

API_URL = "https://api.hubapi.com"
FORMS_URL = "https://api.hsforms.com"
TIMEOUT = 60.0


@dataclass(frozen=True)
class Limits:
    calls: int = 100  # per window: the smallest tier's burst limit, until the headers say more
    window: float = 10.0
    concurrent: int = 5
    throttled_retries: int = 6
    transient_retries: int = 2


@dataclass(frozen=True)
class Reply:
    status: int
    data: Any  # parsed JSON, or None


class HubSpotClient:
    def __init__(
        self,
        *,
        token: str,
        network: Network,
        clock: Clock,
        base_url: str = API_URL,
        forms_url: str = FORMS_URL,
        limits: Limits | None = None,
    ) -> None:
        self.base_url, self.forms_url = base_url.rstrip("/"), forms_url.rstrip("/")
        self.limits = limits or Limits()
        self.clock = clock
        self._token, self._network = token, network
        self.pacer = Pacer(
            calls=self.limits.calls, window=self.limits.window, concurrent=self.limits.concurrent, clock=clock
        )
        self.sent = 0  # calls sent (each retry too): what a backup's manifest reports as used

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        forms: bool = False,
    ) -> Reply:
        """One call; any answer below 500 other than 401/403/429 comes back for the caller to read."""
        throttled = transient = 0
        base = self.forms_url if forms else self.base_url
        while True:
            paused = self.pacer.paused_until()
            if paused is not None:
                raise QuotaReached(
                    f"HubSpot's daily API limit is used up; trying again at {paused:%H:%M} UTC", until=paused
                )
            try:
                async with self.pacer.slot():
                    response = await self._send(method, base + "/" + path.lstrip("/"), params, body)
            except httpx.HTTPError as exc:
                transient += 1
                if transient > self.limits.transient_retries:
                    raise PlatformDown(
                        f"HubSpot is still down: cannot reach {base}: {describe(exc)}"
                    ) from None
                await self.clock.sleep(backoff(transient, base=1.0, cap=10.0))
                continue
            self._follow_headers(response.headers)
            status, data = response.status_code, _json(response)
            if status == 429:
                throttled += 1
                wait = self._throttled(response, data, throttled)
                await self.clock.sleep(wait)
                continue
            if status >= 500:
                transient += 1
                if transient > self.limits.transient_retries:
                    raise PlatformDown(f"HubSpot is still down: HTTP {status} from {path}")
                await self.clock.sleep(backoff(transient, base=1.0, cap=10.0))
                continue
            if status in (401, 403):
                raise PlatformRefused(
                    f"HubSpot refused the token on {path}: {_said(status, data)}; " + _HINT[status]
                )
            return Reply(status, data)

    async def _send(
        self, method: str, url: str, params: Mapping[str, Any] | None, body: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token}"}
        self.sent += 1
        async with self._network.http() as client:
            return await client.request(
                method, url, params=params, json=body, headers=headers, timeout=TIMEOUT
            )

    def _throttled(self, response: httpx.Response, data: Any, attempt: int) -> float:
        policy = data.get("policyName") if isinstance(data, dict) else None
        if policy == "DAILY":
            now = self.clock.now()
            midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)
            until = min(midnight, now + timedelta(hours=1))
            self.pacer.pause_until(until)
            raise QuotaReached(f"HubSpot's daily API limit is used up ({_said(429, data)})", until=until)
        if attempt > self.limits.throttled_retries:
            raise PlatformDown(
                f"HubSpot kept answering 429 ({_said(429, data)}); other apps may share this account's limit"
            )
        retry_after = _number(response.headers.get("Retry-After"))
        interval = _number(response.headers.get("X-HubSpot-RateLimit-Interval-Milliseconds"))
        wait = (
            retry_after if retry_after is not None else (interval / 1000 if interval else self.limits.window)
        )
        return wait + backoff(attempt, base=0.25, cap=2.0)

    def _follow_headers(self, headers: httpx.Headers) -> None:
        """Spend what the account is allowed, as the rate headers announce it."""
        most = _number(headers.get("X-HubSpot-RateLimit-Max"))
        interval = _number(headers.get("X-HubSpot-RateLimit-Interval-Milliseconds"))
        if most and interval and (int(most), interval / 1000) != (self.pacer.calls, self.pacer.window):
            self.pacer.calls, self.pacer.window = max(int(most), 1), max(interval / 1000, 0.1)


_HINT = {
    401: "check the private app token (hubspot.token)",
    403: "give the private app the scopes it needs (crm.objects.contacts.write; forms for form submissions)",
}


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _said(status: int, data: Any) -> str:
    if isinstance(data, dict):
        parts = [str(data.get(k)) for k in ("category", "message") if data.get(k)]
        if parts:
            return f"{status} " + ": ".join(parts)
    return f"HTTP {status}"
