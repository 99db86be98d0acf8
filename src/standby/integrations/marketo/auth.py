"""Marketo's OAuth client-credentials token: asked for once, reused until it expires or Marketo says
601 (invalid) or 602 (expired), then asked for again — by one caller at a time.

Asking again before expiry returns the same token with its remaining lifetime, so renewing early
gains nothing; we track the expiry Marketo gives and renew on it or on 601/602. Identity calls do
not count against the REST limits. A 401 from the identity endpoint is bad credentials: permanent.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx

from standby.core.clock import Clock
from standby.core.net import Network, describe
from standby.integrations.errors import PlatformDown, PlatformRefused

IDENTITY = "/identity/oauth/token"


class TokenSource:
    def __init__(
        self, *, base_url: str, client_id: str, client_secret: str, network: Network, clock: Clock
    ) -> None:
        self._base = base_url.rstrip("/")
        self._id, self._secret = client_id, client_secret
        self._network, self._clock = network, clock
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()
        self.issued = 0  # identity calls made: how often a token was asked for

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or self._expires is None or self._clock.now() >= self._expires:
                self._token, self._expires = await self._ask()
            return self._token

    async def forget(self, token: str) -> None:
        """Marketo said this token is invalid or expired: the next caller asks for a new one."""
        async with self._lock:
            if self._token == token:
                self._token = None

    async def _ask(self) -> tuple[str, datetime]:
        params = {"grant_type": "client_credentials", "client_id": self._id, "client_secret": self._secret}
        self.issued += 1
        try:
            async with self._network.http() as client:
                response = await client.get(self._base + IDENTITY, params=params)
        except httpx.HTTPError as exc:
            raise PlatformDown(
                f"Marketo is still down: cannot reach its identity service at {self._base}: {describe(exc)}"
            ) from None
        if response.status_code == 401:
            raise PlatformRefused(
                f"Marketo refused the client credentials ({_oauth_error(response)}); "
                "check client_id and client_secret (a LaunchPoint custom service's)"
            )
        if response.status_code != 200:
            raise PlatformDown(
                f"Marketo is still down: its identity service answered HTTP {response.status_code}"
            )
        try:
            data = response.json()
            token, lifetime = str(data["access_token"]), float(data["expires_in"])
        except (ValueError, KeyError, TypeError):
            raise PlatformDown("Marketo's identity service answered without an access token") from None
        return token, self._clock.now() + timedelta(seconds=lifetime)


def _oauth_error(response: httpx.Response) -> str:
    try:
        data = response.json()
        return f"{data.get('error', 'unauthorized')}: {data.get('error_description', '')}".rstrip(": ")
    except ValueError:
        return f"HTTP {response.status_code}"
