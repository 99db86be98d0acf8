"""The one way Standby reaches the network: name resolution, TCP, TLS trust, HTTP, and limits.

Every probe goes through a `Network`, so `settings.resolvers`, pinned addresses (like curl --resolve),
`settings.ca_bundle`, the per-operation timeout and the per-server concurrency limits apply everywhere.
That is what users behind split DNS need, and how the tests run a whole fake internet on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.resolver
import httpcore
import httpx

from standby import __version__
from standby.core.http import HttpAnswer, HttpClient
from standby.core.local import (
    LocalError,
    denial,
    dns_words,
    local_cause,
    no_network,
    resolver_failure,
    trust_problem,
    unreadable_bundle,
)
from standby.core.tls import trust_context

USER_AGENT = f"standby/{__version__} (+https://github.com/standby-monitor/standby)"
MAX_BODY = 1 << 20  # bytes of a body read: enough for any page or API answer, bounded for a runaway one


# The system resolver's "no such name" and "no address for it": what its resolvers said, not a failure.
_DENIED = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


@dataclass(frozen=True)
class NetConfig:
    resolvers: tuple[tuple[str, int], ...] = ()  # (address, port); empty: the system's resolver
    ca_bundle: Path | None = None
    timeout: float = 10.0  # seconds, per network operation
    pins: Mapping[str, str] = field(default_factory=dict)  # host name -> address to connect to
    concurrency: int = 64  # operations in flight at once, overall
    per_server: int = 8  # operations in flight at once against one server


class ResolveError(Exception):
    """The name does not resolve (a fact about the name, not about Standby: see core/local.py)."""


class Denied(ResolveError, LocalError):
    """Standby's resolvers say the name does not exist or has no address: a fact about the name when
    Standby sees, nothing while its self-check fails (core/local.py `denial`). Its text is the fact;
    `summary` is what it says while Standby is blind."""

    def __init__(self, resolvers: str, host: str, said: str) -> None:
        error = denial(resolvers, host, said)
        LocalError.__init__(self, error.cause, error.summary, said)
        self._made_of = (resolvers, host, said)

    def __str__(self) -> str:
        return self.otherwise or self.summary

    def __reduce__(self) -> tuple[type[Denied], tuple[str, str, str]]:  # across probe processes
        return Denied, self._made_of


def unresolved(exc: BaseException | None) -> bool:
    """Whether `exc` comes from a name that does not resolve (ResolveError anywhere in its chain)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ResolveError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class Network:
    def __init__(self, config: NetConfig) -> None:
        self.config = config
        self._overall = asyncio.Semaphore(config.concurrency)
        self._servers: dict[str, asyncio.Semaphore] = {}

    @property
    def timeout(self) -> float:
        return self.config.timeout

    @cached_property
    def ssl_context(self) -> ssl.SSLContext:
        """Standby's trust; LocalError when its CA bundle cannot be read (not a fault of any server)."""
        try:
            return trust_context(self.config.ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise unreadable_bundle(self.config.ca_bundle, exc) from exc

    def trust_problem(self) -> LocalError | None:
        """Why Standby cannot verify any certificate (no CA bundle, an empty store), if it cannot."""
        try:
            return trust_problem(self.ssl_context)
        except LocalError as exc:
            return exc

    @property
    def resolvers_text(self) -> str:
        """`127.0.0.1:5353, 10.0.0.2:53`: the resolvers every lookup goes through, as messages name them."""
        if self.config.resolvers:
            return ", ".join(f"{a}:{p}" for a, p in self.config.resolvers)
        try:
            servers = self.resolver.nameservers
        except dns.exception.DNSException:
            return "(the system's: none configured)"
        shown = [f"{n.address}:{n.port}" if isinstance(n, dns.nameserver.Do53Nameserver) else str(n)
                 for n in servers]  # fmt: skip
        return f"{', '.join(shown)} (the system's)"

    @cached_property
    def resolver(self) -> dns.asyncresolver.Resolver:
        """The recursive resolver for every lookup: `settings.resolvers`, else the system's."""
        if not self.config.resolvers:
            resolver = dns.asyncresolver.Resolver()
        else:
            resolver = dns.asyncresolver.Resolver(configure=False)
            resolver.nameservers = [dns.nameserver.Do53Nameserver(a, p) for a, p in self.config.resolvers]
        resolver.lifetime = self.config.timeout
        resolver.timeout = self.config.timeout
        return resolver

    @asynccontextmanager
    async def slot(self, server: str) -> AsyncIterator[None]:
        """Hold one of the overall slots and one of `server`'s slots while talking to it."""
        sem = self._servers.get(server)
        if sem is None:
            sem = self._servers[server] = asyncio.Semaphore(self.config.per_server)
        async with self._overall, sem:
            yield

    async def addresses(self, host: str) -> list[str]:
        """Where to connect for `host`: its pin, itself if an IP, else A/AAAA through the resolvers."""
        host = host.rstrip(".").lower()
        if host in self.config.pins:
            return [self.config.pins[host]]
        if is_ip(host.strip("[]")):
            return [host.strip("[]")]
        if not self.config.resolvers:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            except OSError as exc:
                if (local := local_cause(exc)) is not None:
                    raise local from exc
                said = f"cannot resolve {host}: {exc.strerror or exc}"
                if isinstance(exc, socket.gaierror) and exc.errno in _DENIED:
                    raise Denied(self.resolvers_text, host, said) from exc
                raise ResolveError(said) from exc
            return list(dict.fromkeys(str(info[4][0]) for info in infos))
        found: list[str] = []
        for rdtype in ("A", "AAAA"):
            try:
                answer = await self.resolver.resolve(host, rdtype)
            except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
                continue
            except dns.exception.DNSException as exc:
                if (local := resolver_failure(exc, self.resolvers_text, host)) is not None:
                    raise local from exc
                raise ResolveError(f"cannot resolve {host}: {dns_words(exc)}") from exc
            found.extend(r.to_text() for r in answer)
        if not found:
            raise Denied(self.resolvers_text, host, f"{host} has no address (no A or AAAA record)")
        return found

    async def open_tcp(
        self, host: str, port: int, *, tls: ssl.SSLContext | None = None, server_hostname: str | None = None
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Connect to the first reachable address of `host`, with the timeout applied to each try."""
        last: Exception | None = None
        for address in await self.addresses(host):
            try:
                return await asyncio.wait_for(
                    asyncio.open_connection(
                        address, port, ssl=tls, server_hostname=(server_hostname or host) if tls else None
                    ),
                    self.timeout,
                )
            except ssl.SSLError:
                raise
            except (OSError, TimeoutError) as exc:
                last = exc
        if isinstance(last, OSError) and local_cause(last) is not None:
            raise no_network(f"{host}:{port}", last) from last
        raise ConnectionError(f"cannot connect to {host}:{port}: {describe(last)}") from last

    @cached_property
    def _http(self) -> HttpClient:
        return HttpClient(self.addresses, self.ssl_context, self.timeout, USER_AGENT)

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        follow_redirects: bool = True,
        limit: int = MAX_BODY,
    ) -> HttpAnswer:
        """One HTTP request on a fresh connection (core/http.py), its body read up to `limit` bytes.
        Raises httpx.HTTPError subclasses; the caller holds the `slot`."""
        return await self._http.fetch(
            url, method=method, headers=headers, body=body, follow_redirects=follow_redirects, limit=limit
        )

    def http(self, *, follow_redirects: bool = False, verify: bool = True) -> httpx.AsyncClient:
        """An httpx client that resolves and trusts the way the plan says, for the platforms' API
        clients (Marketo, HubSpot, webhooks: JSON bodies, streamed downloads); the caller closes it.
        Checks use `fetch` instead: the lean path, a fresh connection per check."""
        return httpx.AsyncClient(
            transport=_Transport(self, verify),
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=follow_redirects,
            headers={"User-Agent": USER_AGENT},
        )

    async def aclose(self) -> None:
        """Close the HTTP session, if one was opened (its connections close after each request)."""
        if "_http" in self.__dict__:  # not built just to be closed (it reads the trust, which may fail)
            await self._http.aclose()


_ERRNO_WORDS = {
    errno.ECONNREFUSED: "the connection was refused",
    errno.ECONNRESET: "the connection was reset",
    errno.ETIMEDOUT: "timed out",
    errno.EHOSTUNREACH: "the host is unreachable",
    errno.ENETUNREACH: "the network is unreachable",
}


def describe(exc: BaseException | None) -> str:
    """A short human reason for a network failure, in Standby's words rather than a library's
    (TimeoutError has an empty message; "[Errno 111] Connect call failed (...)" says little)."""
    if exc is None:
        return "no address to try"
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if isinstance(link, TimeoutError | httpx.TimeoutException | httpcore.TimeoutException):
            return "timed out"
        if isinstance(link, LocalError | ResolveError):
            return str(link)
        if isinstance(link, OSError) and link.errno in _ERRNO_WORDS:
            return _ERRNO_WORDS[link.errno]
        link = link.__cause__ or link.__context__
    text = str(exc).strip()
    return text or type(exc).__name__


class _ResolvingBackend(httpcore.AsyncNetworkBackend):
    """httpcore's default backend, but connecting to the address our resolvers and pins give."""

    def __init__(self, network: Network) -> None:
        self._network = network
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._network.addresses(host)
        except (ResolveError, LocalError) as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise httpcore.ConnectError(f"cannot connect to {host}:{port}: {describe(last)}") from last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover - never used
        return await self._inner.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _Transport(httpx.AsyncHTTPTransport):
    # httpx has no public hook for name resolution; its transport builds an httpcore pool, which does
    # accept a network backend, so we rebuild that pool with ours (same settings, our resolver).
    def __init__(self, network: Network, verify: bool) -> None:
        context = network.ssl_context if verify else ssl._create_unverified_context()  # noqa: S323
        super().__init__(verify=context)
        limit = network.config.concurrency
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limit,
            max_keepalive_connections=limit,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            network_backend=_ResolvingBackend(network),
        )
