"""HTTP for `core/net.py`'s Network: one request on a fresh connection, with the plan's resolvers, pins
and trust, read up to a bound.

Each request is one asyncio connection to an address Network.addresses gives (a pin, or our resolvers'
answer: never the system's), TLS with the plan's trust and the URL's host for SNI and verification,
the request written in one piece with `Connection: close`, and the answer read by llhttp (httptools,
the parser uvicorn uses) until the message ends or `limit` bytes of body have come; then the connection
is closed. Nothing is kept from one request to the next, so a moved delegation is seen at once.

Written on the transport rather than with an HTTP client library because the libraries' layering was
most of a check's cost: measured per request on loopback, aiohttp (which this replaced, and which had
replaced httpx at a quarter of its cost) took about 0.5 ms of CPU, this about 0.2 ms
(docs/benchmarks.md). What the libraries did that checks need is here: redirects (followed by us, so
that the cookies a redirect sets reach the next hop of that chain and nothing else — aiohttp's cookie
jar keeps them), gzip/deflate bodies, chunked bodies, bodies read until the server closes, a HEAD
answer's missing body, 1xx answers skipped, a timeout for connecting and for each wait for data.
Failures are raised as httpx's exceptions: one vocabulary for every HTTP failure in Standby (`describe`,
the probes' verdicts), whichever code carried the request.
"""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
import time
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any, cast

import httptools
import httpx
from aiohttp import CookieJar
from multidict import CIMultiDict
from yarl import URL

MAX_REDIRECTS = 10
_REDIRECTS = {301, 302, 303, 307, 308}
_DEFAULT_PORTS = {"http": 80, "https": 443}
Addresses = Callable[[str], Awaitable[list[str]]]  # host -> where to connect (Network.addresses)


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


class _Reply(asyncio.Protocol):
    """One answer on one connection: llhttp's callbacks fill it; `done` ends when it has been read
    (or the limit reached), fails if the connection breaks first or stays silent for `timeout`."""

    def __init__(self, limit: int, head: bool, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        self.done: asyncio.Future[None] = loop.create_future()
        self.status, self.headers, self.body = 0, CIMultiDict[str](), bytearray()
        self.transport: asyncio.Transport | None = None
        self._limit, self._head, self._timeout = limit, head, timeout
        self._parser = httptools.HttpResponseParser(self)
        self._inflate: Any = None  # a zlib decompressor, for a gzip or deflate body
        self._headed = False  # the final (non-1xx) answer's headers have all come
        self._heard = loop.time()  # when data last came
        self._timer: asyncio.TimerHandle | None = None
        self._sent = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not an asyncio.Transport

    def send(self, request: bytes) -> None:
        """Write the request and start the wait for its answer (one timer, pushed on by each read)."""
        assert self.transport is not None
        self._sent = True
        self.transport.write(request)
        loop = asyncio.get_running_loop()
        self._heard = loop.time()
        self._timer = loop.call_at(self._heard + self._timeout, self._silent)

    def _silent(self) -> None:
        due = self._heard + self._timeout
        if asyncio.get_running_loop().time() < due:
            self._timer = asyncio.get_running_loop().call_at(due, self._silent)
        else:
            self.fail(httpx.ReadTimeout("timed out"))

    def data_received(self, data: bytes) -> None:
        if self.done.done():
            return
        self._heard = asyncio.get_running_loop().time()
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:  # 101: nothing more to read as HTTP
            self._finish()
        except httptools.HttpParserError as exc:
            self.fail(httpx.RemoteProtocolError(f"not a valid HTTP answer: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done.done():
            return
        if self._headed and self._until_closed():  # no length given: the body ends with the connection
            self._finish()
            return
        said = f" ({exc})" if exc else ""
        self.fail(httpx.RemoteProtocolError(f"the connection closed before the answer ended{said}"))

    def _until_closed(self) -> bool:
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        return "Content-Length" not in self.headers and not chunked

    # llhttp's callbacks ------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self.headers = CIMultiDict()  # a 1xx answer's headers are not the final answer's

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.add(name.decode("latin-1"), value.decode("latin-1"))

    def on_headers_complete(self) -> None:
        self.status = self._parser.get_status_code()
        if 100 <= self.status < 200:
            return
        self._headed = True
        if self._head or self._limit <= 0:
            self._finish()
            return
        encoding = self.headers.get("Content-Encoding", "").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            self._inflate = zlib.decompressobj(47)  # zlib or gzip, as the stream's header says

    def on_body(self, chunk: bytes) -> None:
        if self.done.done() or not self._headed:
            return
        if self._inflate is not None:
            try:
                chunk = self._inflated(chunk)
            except zlib.error as exc:
                self.fail(httpx.DecodingError(f"the body cannot be decompressed: {exc}"))
                return
        self.body += chunk
        if len(self.body) >= self._limit:
            del self.body[self._limit :]
            self._finish()

    def _inflated(self, chunk: bytes) -> bytes:
        try:
            return bytes(self._inflate.decompress(chunk, self._limit - len(self.body)))
        except zlib.error:
            if self.body or self._inflate.unused_data:
                raise
            self._inflate = zlib.decompressobj(-15)  # "deflate" sent raw, without zlib's header
            return bytes(self._inflate.decompress(chunk, self._limit - len(self.body)))

    def on_message_complete(self) -> None:
        if self._headed:
            self._finish()

    # ----------------------------------------------------------------------------------------------

    def _finish(self) -> None:
        self._end()
        if not self.done.done():
            self.done.set_result(None)

    def fail(self, exc: Exception) -> None:
        self._end(abort=True)
        if self.done.done():
            return
        if not self._sent:  # nobody waits for it yet: connecting was cut short
            self.done.cancel()
        else:
            self.done.set_exception(exc)

    def _end(self, *, abort: bool = False) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.transport is not None:
            self.transport.abort() if abort else self.transport.close()


class HttpClient:
    def __init__(self, addresses: Addresses, trust: ssl.SSLContext, timeout: float, agent: str) -> None:
        # Connecting (TCP and TLS) to each address has the timeout, and so has each wait for data; the
        # name lookup has its own (the resolver's lifetime, Network.addresses): ending at the same moment,
        # it would turn "Standby's resolvers do not answer" (core/local.py) into "the page did not answer".
        self._addresses, self._trust, self._timeout, self._agent = addresses, trust, timeout, agent

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
        started = time.perf_counter()
        target, redirects = _url(url), 0
        cookies: CookieJar | None = None  # only once a redirect sets one
        while True:
            sent = cookies.filter_cookies(target) if cookies is not None else None
            request = _request(method, target, self._agent, headers, body, sent)
            reply = await self._exchange(target, request, limit, head=method == "HEAD")
            location = reply.headers.get("Location")
            if not (follow_redirects and reply.status in _REDIRECTS and location):
                return HttpAnswer(
                    reply.status, reply.headers, bytes(reply.body), _charset(reply.headers), str(target),
                    redirects, time.perf_counter() - started,
                )  # fmt: skip
            if "Set-Cookie" in reply.headers:
                cookies = cookies or CookieJar(unsafe=True)
                cookies.update_cookies(_set_cookies(reply.headers), target)
            redirects += 1
            if redirects > MAX_REDIRECTS:
                raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")
            try:
                target = _fetchable(target.join(URL(location)))
            except ValueError as exc:
                raise httpx.RemoteProtocolError(f"it redirects to {location!r}, not a URL") from exc
            if _becomes_get(reply.status, method):
                method, body = "GET", None

    async def _exchange(self, target: URL, request: bytes, limit: int, *, head: bool) -> _Reply:
        """Connect to the first address of the target's host that answers, send, read the answer."""
        host, port = target.raw_host or "", target.port or _DEFAULT_PORTS[target.scheme]
        tls = self._trust if target.scheme == "https" else None
        try:
            addresses = await self._addresses(host)
        except Exception as exc:  # ResolveError, LocalError: the probes read the cause (core/local.py)
            raise httpx.ConnectError(str(exc)) from exc
        loop, last, name = asyncio.get_running_loop(), None, host if tls else None
        for address in addresses:
            reply = _Reply(limit, head, self._timeout)
            try:
                async with asyncio.timeout(self._timeout):
                    await loop.create_connection(
                        lambda reply=reply: reply, address, port, ssl=tls, server_hostname=name
                    )
            except ssl.SSLCertVerificationError as exc:
                raise httpx.ConnectError(str(exc)) from exc
            except ssl.SSLError as exc:
                raise httpx.ConnectError(exc.reason or str(exc)) from exc
            except OSError as exc:  # TimeoutError too: the next address may answer
                last = exc
                continue
            reply.send(request)
            try:
                await reply.done
            except asyncio.CancelledError:
                reply.fail(httpx.ReadTimeout("the check was cancelled"))
                raise
            return reply
        if isinstance(last, TimeoutError):
            raise httpx.ConnectTimeout("timed out") from last
        reason = last.strerror or str(last) if isinstance(last, OSError) else "no address to try"
        raise httpx.ConnectError(f"cannot connect to {host}:{port}: {reason}") from last

    async def aclose(self) -> None:
        """Nothing to close: no connection outlives its request."""


def _url(text: str) -> URL:
    try:
        return _fetchable(URL(text))
    except (ValueError, TypeError) as exc:
        raise httpx.UnsupportedProtocol(f"{text!r} is not a URL: {exc}") from exc


def _fetchable(url: URL) -> URL:
    if url.scheme not in _DEFAULT_PORTS or not url.raw_host:
        said = f"cannot fetch {str(url)!r}: only http:// and https:// URLs with a host"
        raise httpx.UnsupportedProtocol(said)
    return url


def _request(
    method: str,
    target: URL,
    agent: str,
    headers: Mapping[str, str] | None,
    body: bytes | None,
    cookies: Mapping[str, Any] | None,
) -> bytes:
    """The request's bytes: our default headers unless the caller gave its own, then the caller's."""
    host = f"[{target.raw_host}]" if ":" in (target.raw_host or "") else target.raw_host
    if target.explicit_port is not None and target.explicit_port != _DEFAULT_PORTS[target.scheme]:
        host = f"{host}:{target.explicit_port}"
    given = {name.lower() for name in headers} if headers else set()
    lines = [f"{method} {target.raw_path_qs or '/'} HTTP/1.1", f"Host: {host}"]
    defaults = [("User-Agent", agent), ("Accept", "*/*"), ("Accept-Encoding", "gzip, deflate")]
    if target.raw_user is not None:
        secret = f"{target.user or ''}:{target.password or ''}".encode()
        defaults.append(("Authorization", "Basic " + base64.b64encode(secret).decode()))
    lines += [f"{name}: {value}" for name, value in defaults if name.lower() not in given]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{m.key}={m.coded_value}" for m in cookies.values()))
    if body is not None or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body or b'')}")
    lines.append("Connection: close")
    broken = next((line.partition(":")[0] for line in lines if "\r" in line or "\n" in line), None)
    if broken is not None:  # the value itself is not repeated: it may be a credential
        raise httpx.LocalProtocolError(
            f"the {broken.splitlines()[0]!r} header holds a line break (a key read with its trailing "
            "newline?); remove it where the value comes from: the plan or its environment"
        )
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def _set_cookies(headers: CIMultiDict[str]) -> SimpleCookie:
    found: SimpleCookie = SimpleCookie()
    for value in headers.getall("Set-Cookie"):
        try:
            found.load(value)
        except CookieError:  # one malformed cookie does not spoil the others
            continue
    return found


def _charset(headers: Mapping[str, str]) -> str | None:
    for part in headers.get("Content-Type", "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _becomes_get(status: int, method: str) -> bool:
    """A 303 is followed with GET (a HEAD stays HEAD); so is a POST answered 301 or 302, as browsers do."""
    return (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST")
