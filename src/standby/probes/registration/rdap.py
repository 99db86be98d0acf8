"""RDAP client: ask the registry, then the registrar it links to for the `registrar expiration`.

RFC 7480: 200 found, 404 not registered, 429 rate limited (honour Retry-After, RFC 7480 §5.5). The
registrar's date matters because the registry's moves a year ahead by itself after expiry (auto-renew),
while the registrar's still says when the registrant's paid term ends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import idna

from standby.core.errors import ProbeError
from standby.core.net import describe
from standby.probes.context import ProbeContext
from standby.probes.registration.rdap_parse import parse_rdap
from standby.probes.registration.record import Availability, RegistrationRecord

ACCEPT = "application/rdap+json, application/json;q=0.9"
MAX_RETRIES = 3  # 429s in a row before giving up
MAX_WAIT = 60.0  # seconds; a longer Retry-After means "not now": report unknown and try next run


def a_label(name: str) -> str:
    """The ASCII form registries index (bücher.example → xn--bcher-kva.example)."""
    try:
        return idna.encode(name.rstrip("."), uts46=True).decode("ascii").lower()
    except idna.IDNAError:
        return name.rstrip(".").lower()


async def rdap_lookup(name: str, bases: tuple[str, ...], ctx: ProbeContext) -> RegistrationRecord:
    """The registry's record of `name` from the first base URL that answers, plus the registrar's date."""
    errors = []
    for base in bases:
        try:
            record = await _query(f"{base}domain/{a_label(name)}", base, ctx)
        except ProbeError as exc:
            errors.append(str(exc))
            continue
        if record.referral and not record.not_found:
            await _add_registrar_date(record, ctx)
        return record
    raise ProbeError("; ".join(errors))


async def _query(url: str, server: str, ctx: ProbeContext) -> RegistrationRecord:
    status, data = await get_json(url, ctx)
    if status == 404:
        return RegistrationRecord(source="rdap", server=server, availability=Availability.FREE,
                                  evidence=f"HTTP 404 Not Found for {url}")  # fmt: skip
    if status != 200:
        raise ProbeError(f"RDAP server {server} answered HTTP {status} for {url}")
    return parse_rdap(data, server=server)


async def _add_registrar_date(record: RegistrationRecord, ctx: ProbeContext) -> None:
    """Follow the registry's `related` link; the registrar's failure never spoils the registry's answer."""
    url = record.referral or ""
    try:
        status, data = await get_json(url, ctx)
        if status != 200:
            return
        registrar = parse_rdap(data, server=url)
    except ProbeError:
        return
    record.registrar_expires_at = registrar.registrar_expires_at or registrar.expires_at
    record.registrar = record.registrar or registrar.registrar


async def get_json(url: str, ctx: ProbeContext) -> tuple[int, Any]:
    """GET `url` as RDAP; (status, parsed body or None). Waits out 429 + Retry-After a few times."""
    host = urlsplit(url).netloc
    for _ in range(MAX_RETRIES + 1):
        try:
            async with ctx.net.slot(host):
                response = await ctx.net.fetch(url, headers={"Accept": ACCEPT})
        except httpx.HTTPError as exc:
            raise ProbeError(f"RDAP server {host} did not answer: {describe(exc)}") from exc
        if response.status_code != 429:
            break
        wait = retry_after(response.headers.get("retry-after"), ctx.clock.now())
        if wait > MAX_WAIT:
            raise ProbeError(f"RDAP server {host} is rate-limiting us for {wait:.0f} s; it will be retried")
        await ctx.clock.sleep(wait)
    else:
        raise ProbeError(f"RDAP server {host} kept answering 429 (rate limited) after {MAX_RETRIES} retries")
    if response.status_code != 200:
        return response.status_code, None
    try:
        return 200, response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ProbeError(f"RDAP server {host} sent a reply that is not JSON for {url}") from None


def retry_after(value: str | None, now: datetime) -> float:
    """Seconds to wait per a Retry-After header (delta-seconds or an HTTP date); 1 s when absent."""
    if not value:
        return 1.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
