"""WHOIS over TCP port 43 (RFC 3912), for TLDs without RDAP: find the server, ask, follow the referral.

The TLD's server comes from `settings.whois_servers`, else from IANA (`settings.whois_root`, which
answers a TLD with a `whois:` line). Thin registries (.com, .net) refer to the registrar's server,
whose record holds the registrar's own expiry. A referral to a private or loopback address is refused
unless the plan maps that host in `whois_servers` (a WHOIS reply must not steer us into the LAN).

A throttled reply ("WHOIS LIMIT EXCEEDED") is asked again a few times with exponential backoff and
full jitter (`THROTTLE_WAITS`); if the server still refuses, the record says "throttled" and carries no
facts: the finding is unknown ("rate limited, try later"), never "free" and never a registration.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import re
from datetime import timedelta

from standby.core.errors import ProbeError
from standby.core.hostport import split_host_port
from standby.core.net import ResolveError, describe
from standby.probes.context import ProbeContext
from standby.probes.registration.rdap import a_label
from standby.probes.registration.record import Availability, RegistrationRecord
from standby.probes.registration.whois_parse import parse_whois

MAX_REPLY = 1 << 20  # bytes; a WHOIS record is a few KB
# How some registries want to be asked (from python-whois): DENIC wants ACE output in UTF-8, JPRS
# answers in Japanese unless asked for /e, Verisign matches name servers too unless given `=`.
_QUERY = {
    "whois.denic.de": "-T dn,ace -C UTF-8 {}",
    "whois.jprs.jp": "{}/e",
    "whois.dk-hostmaster.dk": "--show-handles {}",
    "whois.verisign-grs.com": "={}",
}
_WHOIS_LINE = re.compile(r"^\s*whois:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
# Ceilings of the waits before asking a throttling server again (seconds; each wait is drawn between
# 0 and its ceiling). Registries' limits are per second to per minute; longer means "not this run".
THROTTLE_WAITS = (4.0, 16.0)
_RNG = random.Random()  # noqa: S311 - jitter, not secrets


async def whois_query(server: str, query: str, ctx: ProbeContext) -> str:
    """Send one query to `server` (host[:port]) and read the reply to the end."""
    host, port = split_host_port(server, 43)
    async with ctx.net.slot(host):
        try:
            reader, writer = await ctx.net.open_tcp(host, port)
        except (ConnectionError, ResolveError) as exc:
            raise ProbeError(f"WHOIS server {server} did not answer: {describe(exc)}") from exc
        try:
            writer.write(query.encode("utf-8") + b"\r\n")
            await writer.drain()
            data = await asyncio.wait_for(reader.read(MAX_REPLY), ctx.net.timeout * 3)
            while data and len(data) < MAX_REPLY and not reader.at_eof():
                more = await asyncio.wait_for(reader.read(MAX_REPLY - len(data)), ctx.net.timeout)
                if not more:
                    break
                data += more
        except (OSError, TimeoutError) as exc:
            raise ProbeError(f"WHOIS server {server} did not finish its reply: {describe(exc)}") from None
        finally:
            writer.close()
    return decode_reply(data)


# The escapes that shift ISO-2022-JP into JIS X 0208 (and back to JIS-Roman): JPRS answers in it unless
# asked with `/e`. Every byte of it is 7-bit, so it would pass for UTF-8 with its Japanese labels
# unreadable (`[有効期限]`, the expiry).
_ISO_2022_JP = (b"\x1b$B", b"\x1b$@", b"\x1b(J")


def decode_reply(data: bytes) -> str:
    """A WHOIS reply as text: ISO-2022-JP when it shifts into it, else UTF-8, else Latin-1 (older
    registries; every byte decodes)."""
    if any(shift in data for shift in _ISO_2022_JP):
        return data.decode("iso-2022-jp", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _configured(host: str, ctx: ProbeContext) -> str | None:
    return ctx.settings.whois_servers.get(host.lower().rstrip("."))


async def server_for(tld: str, ctx: ProbeContext) -> str | None:
    """The WHOIS server of `tld`: the plan's, else IANA's `whois:` line (asked once a day per TLD)."""
    configured = _configured(tld, ctx)
    if configured:
        return configured

    async def ask_iana() -> str | None:
        found = _WHOIS_LINE.search(await whois_query(ctx.settings.whois_root, tld, ctx))
        host = found.group(1).lower().rstrip(".") if found else None
        return (_configured(host, ctx) or host) if host else None

    return await ctx.memo(f"whois-server:{tld}", timedelta(days=1), ask_iana)


async def whois_lookup(name: str, ctx: ProbeContext) -> RegistrationRecord:
    """The registry's WHOIS record of `name`, completed with the registrar's when it refers to one."""
    ascii_name = a_label(name)
    tld = ascii_name.rsplit(".", 1)[-1]
    server = await server_for(tld, ctx)
    if server is None:
        raise ProbeError(f".{tld} has neither RDAP nor a WHOIS server; add it under settings.whois_servers")
    record = await _ask(server, ascii_name, ctx)
    if record.referral and record.availability is Availability.REGISTERED:
        try:
            registrar = await _ask(await _referral_target(record.referral, ctx), ascii_name, ctx)
        except ProbeError:
            return record  # the registry's answer stands on its own
        if registrar.availability is Availability.REGISTERED:
            record.registrar_expires_at = registrar.registrar_expires_at or registrar.expires_at
            record.registrar = record.registrar or registrar.registrar
    return record


async def _ask(server: str, name: str, ctx: ProbeContext) -> RegistrationRecord:
    """The server's answer about `name`; a throttled one is asked again after THROTTLE_WAITS."""
    query = _QUERY.get(split_host_port(server, 43)[0].lower(), "{}").format(name)
    record = parse_whois(await whois_query(server, query, ctx), domain=name, server=server)
    for ceiling in THROTTLE_WAITS:
        if not record.rate_limited:
            break
        await ctx.clock.sleep(ceiling * _RNG.random())
        record = parse_whois(await whois_query(server, query, ctx), domain=name, server=server)
    return record


async def _referral_target(referral: str, ctx: ProbeContext) -> str:
    host = referral.split("://")[-1].strip("/").lower()
    configured = _configured(host, ctx)
    if configured:
        return configured
    try:
        addresses = await ctx.net.addresses(split_host_port(host, 43)[0])
    except ResolveError as exc:
        raise ProbeError(str(exc)) from exc
    if any(not ipaddress.ip_address(a).is_global for a in addresses):
        raise ProbeError(f"refusing WHOIS referral to {host}: it resolves to a private address")
    return host
