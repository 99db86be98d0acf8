"""The one HTTP client: a fresh connection per request, no cookies from one request to the next (but
within one redirect chain), the plan's pins and resolvers for every hop, failures as httpx's errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from standby.core.net import NetConfig, Network
from tests.peers.dns import DnsPeer

HOST = "go.acme.example"


class Site:
    """A raw HTTP/1.1 server that counts its connections and answers by a callable of the request."""

    def __init__(self, answer: Any) -> None:
        self.answer, self.connections, self.requests = answer, 0, []  # type: list[str]
        self.server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        while head := await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b"":
            request = head.decode()
            self.requests.append(request)
            status, headers, body = self.answer(request)
            lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", *headers, "", ""]
            writer.write("\r\n".join(lines).encode() + body)
            await writer.drain()
        writer.close()

    async def __aenter__(self) -> Site:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    def url(self, path: str) -> str:
        assert self.server is not None
        return f"http://{HOST}:{self.server.sockets[0].getsockname()[1]}{path}"


@pytest.fixture
async def net() -> AsyncIterator[Network]:
    network = Network(NetConfig(pins={HOST: "127.0.0.1"}, timeout=2.0))
    yield network
    await network.aclose()


def cookie_of(request: str) -> str | None:
    for line in request.split("\r\n"):
        if line.lower().startswith("cookie:"):
            return line.split(":", 1)[1].strip()
    return None


async def test_every_request_opens_its_own_connection_and_sends_no_cookie_of_another(net: Network) -> None:
    async with Site(lambda _: (200, ["Set-Cookie: seen=1; Path=/"], b"hello")) as site:
        for _ in range(3):
            answer = await net.fetch(site.url("/page"))
            assert (answer.status_code, answer.text) == (200, "hello")
    assert site.connections == 3  # a kept-alive connection would hide a moved delegation
    assert [cookie_of(r) for r in site.requests] == [None, None, None]


async def test_a_cookie_set_by_a_redirect_reaches_the_next_hop_of_the_same_chain_only(net: Network) -> None:
    def wall(request: str) -> tuple[int, list[str], bytes]:
        if cookie_of(request) == "pass=1":
            return 200, [], b"welcome"
        return 302, ["Set-Cookie: pass=1; Path=/", "Location: /wall"], b""

    async with Site(wall) as site:
        first = await net.fetch(site.url("/wall"))
        second = await net.fetch(site.url("/wall"))
    assert (first.text, first.redirects, second.redirects) == ("welcome", 1, 1)
    assert [cookie_of(r) for r in site.requests] == [None, "pass=1", None, "pass=1"]


async def test_every_hop_of_a_redirect_goes_through_the_resolvers_and_a_loop_is_cut_off() -> None:
    with DnsPeer(recursive=True) as resolver:
        resolver.add(HOST, "A", "127.0.0.1")
        net = Network(NetConfig(resolvers=(("127.0.0.1", resolver.port),), timeout=2.0))
        try:
            async with Site(lambda _: (200, [], b"")) as site:
                site.answer = lambda _: (301, [f"Location: {site.url('/again')}"], b"")
                with pytest.raises(httpx.TooManyRedirects):
                    await net.fetch(site.url("/again"))
        finally:
            await net.aclose()
        asked = resolver.asked(HOST, "A")
    assert len(site.requests) == 11  # the first request and ten redirects
    assert len(asked) == 11  # each hop asked our resolver, none the system's


async def test_a_body_is_read_up_to_the_limit(net: Network) -> None:
    async with Site(lambda _: (200, [], b"x" * 100_000)) as site:
        answer = await net.fetch(site.url("/big"), limit=1000)
    assert len(answer.body) == 1000


async def test_failures_are_httpx_errors_saying_what_happened(net: Network) -> None:
    with DnsPeer(recursive=True) as resolver:
        unknown = Network(NetConfig(resolvers=(("127.0.0.1", resolver.port),), timeout=2.0))
        try:
            with pytest.raises(httpx.ConnectError, match=r"nowhere\.example has no address"):
                await unknown.fetch("http://nowhere.example/")
        finally:
            await unknown.aclose()
    async with Site(lambda _: (200, [], b"")) as site:
        url = site.url("/")
    with pytest.raises(httpx.ConnectError, match="cannot connect to"):
        await net.fetch(url)  # the server has gone: refused
