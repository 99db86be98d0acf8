"""HTTP for `core/net.py`'s Network: one request on a fresh connection, with the plan's resolvers, pins
and trust, read up to a bound.

Built on aiohttp: one long-lived session per Network, whose connector closes every connection after
its request (a kept-alive connection would hide a moved delegation from a web check), keeps no
cookies between requests and asks our resolver for every host. Measured against the httpx client per
request it replaced (`bench/engine_scale.py`, docs/benchmarks.md), it costs about a quarter of the
CPU per check: most of httpx's cost was its layering (a pool, anyio cancel scopes, a cookie jar),
not HTTP.

Redirects are followed here rather than by aiohttp, so that the cookies a redirect sets reach the
next hop of the same chain (a cookie wall that redirects to itself) and nothing else. Failures are
raised as httpx's exceptions — one vocabulary for every HTTP failure in Standby (`describe`, the
probes' verdicts), whichever library carried the request.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict
from yarl import URL

MAX_REDIRECTS = 10
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class HttpAnswer:
    status_code: int
    headers: Mapping[str, str]  # case-insensitive
    body: bytes  # at most the limit asked for
    charset: str | None  # from Content-Type, if any
    url: str  # the final one, after redirects
    redirects: int
    latency: float  # seconds until the (bounded) body was read

    @property
    def text(self) -> str:
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


class _Resolver(AbstractResolver):
    """aiohttp asks this for every host: the answer is Network.addresses (pins, then our resolvers)."""

    def __init__(self, addresses: Addresses) -> None:
        self._addresses = addresses

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        try:
            found = await self._addresses(host)
        except Exception as exc:  # ResolveError: aiohttp reports an OSError as a failed name lookup
            raise OSError(str(exc)) from exc
        return [
            ResolveResult(
                hostname=host, host=address, port=port, proto=0, flags=socket.AI_NUMERICHOST,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
            )
            for address in found
        ]  # fmt: skip

    async def close(self) -> None:
        pass


Addresses = Callable[[str], Awaitable[list[str]]]  # host -> where to connect (Network.addresses)


class HttpClient:
    def __init__(self, addresses: Addresses, trust: ssl.SSLContext, timeout: float, agent: str) -> None:
        self._addresses, self._trust, self._agent = addresses, trust, agent
        # Each connection attempt and each read has the timeout; the name lookup has its own (the
        # resolver's lifetime, Network.addresses), not aiohttp's `connect`, which would also cover it
        # and, ending at the same moment, turn "Standby's resolvers do not answer" (core/local.py)
        # into "the page did not answer".
        self._timeout = aiohttp.ClientTimeout(sock_connect=timeout, sock_read=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                force_close=True, limit=0, use_dns_cache=False, resolver=_Resolver(self._addresses),
                ssl=self._trust,
            )  # fmt: skip
            self._session = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=self._timeout,
                headers={"User-Agent": self._agent}, auto_decompress=True,
            )  # fmt: skip
        return self._session

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        follow_redirects: bool = True,
        limit: int,
    ) -> HttpAnswer:
        """One request (and its redirects); raises httpx.HTTPError subclasses."""
        session, started = self._open(), time.perf_counter()
        target, redirects = URL(url), 0
        cookies: aiohttp.CookieJar | None = None  # only once a redirect sets one
        try:
            while True:
                sent = cookies.filter_cookies(target) if cookies is not None else None
                async with session.request(
                    method, target, headers=headers, data=body, allow_redirects=False, cookies=sent
                ) as response:
                    location = response.headers.get("Location")
                    if not (follow_redirects and response.status in _REDIRECTS and location):
                        body = await _read(response, limit)
                        return HttpAnswer(
                            response.status, CIMultiDict(response.headers), body, response.charset,
                            str(response.url), redirects, time.perf_counter() - started,
                        )  # fmt: skip
                    if response.cookies:
                        cookies = cookies or aiohttp.CookieJar(unsafe=True)
                        cookies.update_cookies(response.cookies, response.url)
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")
                target = response.url.join(URL(location))
                if _becomes_get(response.status, method):
                    method, body = "GET", None
        except httpx.HTTPError:
            raise
        except TimeoutError as exc:
            raise httpx.ReadTimeout("timed out") from exc
        except aiohttp.ClientConnectorCertificateError as exc:
            raise httpx.ConnectError(str(exc.certificate_error)) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(_reason(exc)) from exc
        except (aiohttp.ClientError, ValueError) as exc:  # a broken answer, a URL aiohttp cannot use
            raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _becomes_get(status: int, method: str) -> bool:
    """A 303 is followed with GET (a HEAD stays HEAD); so is a POST answered 301 or 302, as browsers do."""
    return (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST")


async def _read(response: aiohttp.ClientResponse, limit: int) -> bytes:
    body = bytearray()
    while len(body) < limit:
        chunk = await response.content.read(limit - len(body))
        if not chunk:
            break
        body += chunk
    return bytes(body[:limit])


def _reason(exc: aiohttp.ClientConnectorError) -> str:
    """What went wrong connecting, without aiohttp's "Cannot connect to host …" preamble."""
    cause = exc.os_error
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return str(cause)
    if isinstance(cause, ssl.SSLError):
        return cause.reason or str(cause)
    return f"cannot connect to {exc.host}:{exc.port}: {cause.strerror or cause}"
