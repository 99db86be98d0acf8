"""The one HTTP client: a fresh connection per request, no cookies from one request to the next (but
within one redirect chain), the plan's pins and resolvers for every hop, failures as httpx's errors."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator
from typing import Any, Self

import httpx
import pytest
import uvloop

from standby.core.net import NetConfig, Network
from tests.peers.dns import DnsPeer

HOST = "go.acme.example"


class Loopback:
    """A server on 127.0.0.1 for the test's host name (pinned there); subclasses answer in `_serve`."""

    server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    def url(self, path: str = "/") -> str:
        assert self.server is not None
        return f"http://{HOST}:{self.server.sockets[0].getsockname()[1]}{path}"


class Site(Loopback):
    """A raw HTTP/1.1 server that counts its connections and answers by a callable of the request."""

    def __init__(self, answer: Any) -> None:
        self.answer, self.connections, self.requests = answer, 0, []  # type: list[str]

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


class Raw(Loopback):
    """A server that answers every connection with the same bytes (and, unless told, then closes)."""

    def __init__(self, answer: bytes, *, close: bool = True) -> None:
        self.answer, self.close, self.requests = answer, close, []  # type: list[bytes]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(self.answer)
        await writer.drain()
        if self.close:
            writer.close()
        else:
            await reader.read()  # until the client gives up


def answer(head: str, body: bytes = b"") -> bytes:
    return head.replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (answer("HTTP/1.1 200 OK\nContent-Encoding: gzip", gzip.compress(b"packed page")), "packed page"),
        (answer("HTTP/1.1 200 OK\nContent-Encoding: deflate", zlib.compress(b"zlib page")), "zlib page"),
        (answer("HTTP/1.1 200 OK\nContent-Encoding: deflate", zlib.compress(b"raw page")[2:-4]), "raw page"),
        (
            answer("HTTP/1.1 200 OK\nTransfer-Encoding: chunked", b"5\r\nchunk\r\n3\r\ned!\r\n0\r\n\r\n"),
            "chunked!",
        ),
        (answer("HTTP/1.0 200 OK", b"read until the server closes"), "read until the server closes"),
        (answer("HTTP/1.1 100 Continue") + answer("HTTP/1.1 200 OK\nContent-Length: 5", b"final"), "final"),
    ],
    ids=["gzip", "deflate", "raw-deflate", "chunked", "until-closed", "after-1xx"],
)
async def test_bodies_are_read_however_the_server_frames_them(net: Network, raw: bytes, text: str) -> None:
    async with Raw(raw) as site:
        got = await net.fetch(site.url())
    assert (got.status_code, got.text) == (200, text)
    assert b"accept-encoding: gzip, deflate" in site.requests[0].lower()


async def test_a_head_answer_ends_with_its_headers_and_the_charset_is_read(net: Network) -> None:
    raw = answer("HTTP/1.1 200 OK\nContent-Length: 5000\nContent-Type: text/html; charset=ISO-8859-1")
    async with Raw(raw, close=False) as site:  # a body is announced, none comes: HEAD has none
        got = await net.fetch(site.url(), method="HEAD")
    assert (got.status_code, got.body, got.charset) == (200, b"", "ISO-8859-1")
    assert site.requests[0].startswith(b"HEAD / HTTP/1.1\r\n")


async def test_a_server_that_goes_silent_or_breaks_the_answer_is_an_error_not_a_hang() -> None:
    quick = Network(NetConfig(pins={HOST: "127.0.0.1"}, timeout=0.3))
    try:
        async with Raw(answer("HTTP/1.1 200 OK\nContent-Length: 10", b"half"), close=False) as silent:
            with pytest.raises(httpx.ReadTimeout):
                await quick.fetch(silent.url())
        async with Raw(answer("HTTP/1.1 200 OK\nContent-Length: 10", b"half")) as cut:
            with pytest.raises(httpx.RemoteProtocolError, match="closed before the answer ended"):
                await quick.fetch(cut.url())
        async with Raw(b"SSH-2.0-OpenSSH_9.6\r\n") as other:
            with pytest.raises(httpx.RemoteProtocolError, match="not a valid HTTP answer"):
                await quick.fetch(other.url())
    finally:
        await quick.aclose()


async def test_headers_are_the_callers_over_ours_and_a_line_break_in_one_is_refused(net: Network) -> None:
    async with Raw(answer("HTTP/1.1 204 No Content")) as site:
        authority = site.url("")[len("http://") :]
        got = await net.fetch(site.url("/p?q=1"), headers={"accept": "text/html", "X-Key": "k"})
        with pytest.raises(httpx.LocalProtocolError, match="'X-Key' header holds a line break") as refused:
            await net.fetch(site.url(), headers={"X-Key": "k\r\nInjected: yes"})
        assert "Injected" not in str(refused.value)  # a header's value may be a credential: not repeated
    head = site.requests[0].decode()
    assert got.status_code == 204
    assert head.startswith("GET /p?q=1 HTTP/1.1\r\n") and f"Host: {authority}\r\n" in head
    assert "accept: text/html" in head and "Accept: */*" not in head and "X-Key: k" in head
    assert len(site.requests) == 1


def test_it_runs_on_uvloop_the_probe_processes_loop() -> None:
    async def fetch() -> tuple[int, str]:
        network = Network(NetConfig(pins={HOST: "127.0.0.1"}, timeout=2.0))
        try:
            async with Site(lambda _: (200, [], b"on uvloop")) as site:
                got = await network.fetch(site.url("/"))
            return got.status_code, got.text
        finally:
            await network.aclose()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert runner.run(fetch()) == (200, "on uvloop")
