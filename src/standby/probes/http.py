"""Endpoints: does the page answer, with the expected status and text, quickly, and not parked?

Down means critical: a refused connection, a name that does not resolve, a TLS failure and a timeout
all mean visitors cannot use the page, so a timeout is `critical` ("did not answer within 10 s"), not
`unknown`. A registrar's parked or expired-domain page is critical even when it answers 200, because
that is how a lapsing domain looks from outside; `details["parking"]` carries the reason so that
`correlate` can tie it to the domain's delegation. `contains` / `not_contains` are case-sensitive and
read at most the first MiB of the body. The endpoint's pinned `address` reaches us through `ctx.net`
(`make_context` pins every plan address). `probe()` is shared with the vendor endpoints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from standby.core.http import MAX_REDIRECTS
from standby.core.local import LocalError, local_cause, mark
from standby.core.net import MAX_BODY, describe, unresolved
from standby.core.status import Finding, Status
from standby.plan.model import Endpoint, Expect, VendorEndpoint
from standby.probes.context import ProbeContext
from standby.probes.parking import parking_page


@dataclass(frozen=True)
class Response:
    status_code: int
    text: str  # at most `limit` bytes of the body, decoded
    final_url: str
    redirects: int
    latency: float  # seconds until the (bounded) body was read


async def fetch(
    ctx: ProbeContext,
    url: str,
    *,
    method: str = "GET",
    follow_redirects: bool = True,
    limit: int = MAX_BODY,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """One request through `ctx.net`, reading at most `limit` bytes. Raises httpx.HTTPError."""
    async with ctx.net.slot(urlsplit(url).hostname or ""):
        answer = await ctx.net.fetch(
            url, method=method, headers=headers, follow_redirects=follow_redirects, limit=limit
        )
    return Response(answer.status_code, answer.text, answer.url, answer.redirects, answer.latency)


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def _quoted(texts: list[str]) -> str:
    return " and ".join(f'"{t}"' for t in texts)


def _expected(codes: list[int] | None) -> str:
    if not codes:
        return "a 2xx status"
    return " or ".join(str(c) for c in codes)


def judge(url: str, expect: Expect, response: Response) -> tuple[Status, str, dict[str, Any]]:
    """Status and summary for `response` against `expect`; the most telling problem wins."""
    parking = parking_page(response.text)
    details: dict[str, Any] = {
        "status_code": response.status_code,
        "latency_ms": round(response.latency * 1000),
        "final_url": response.final_url,
        "redirects": response.redirects,
        "parking": parking,
    }
    answers = f"{url} answers {response.status_code}"
    if response.final_url != url:
        answers += f" from {response.final_url}"
    code = response.status_code
    if parking:
        summary = (
            f"{answers} but shows a parked or expired-domain page ({parking}); "
            "the domain is probably lapsing — check its registration"
        )
        return Status.CRITICAL, summary, details
    if not (code in expect.status if expect.status else 200 <= code < 300):
        return Status.CRITICAL, f"{answers}, expected {_expected(expect.status)}", details
    missing = [t for t in expect.contains if t not in response.text]
    if missing:
        return Status.CRITICAL, f"{answers} but the page lacks {_quoted(missing)}", details
    present = [t for t in expect.not_contains if t in response.text]
    if present:
        return Status.CRITICAL, f"{answers} but the page shows {_quoted(present)}", details
    took = _seconds(response.latency)
    limit = expect.max_latency
    if limit is not None and response.latency > limit.total_seconds():
        summary = f"{answers} in {took}, slower than the {_seconds(limit.total_seconds())} allowed"
        return Status.WARNING, summary, details
    return Status.OK, f"{answers} in {took}", details


async def probe(target: Endpoint | VendorEndpoint, ctx: ProbeContext) -> tuple[Status, str, dict[str, Any]]:
    """Request `target` and judge the answer; a failure to get one is critical (the page is down)."""
    url = str(target.url)
    failed: dict[str, Any] = {"status_code": None, "latency_ms": None, "final_url": None, "redirects": None}
    try:
        response = await fetch(ctx, url, method=target.method, follow_redirects=target.follow_redirects)
    except (httpx.HTTPError, LocalError) as exc:
        if (local := local_cause(exc)) is not None:  # Standby's own failure says nothing of the page
            down = f"{url} is down: {local.otherwise}"
            details = {**failed, "parking": None, "unresolved": bool(local.otherwise)}
            return Status.UNKNOWN, local.summary, mark(details, local, otherwise=down, status="critical")
        if isinstance(exc, httpx.TooManyRedirects):
            reason = f"it redirects more than {MAX_REDIRECTS} times (a redirect loop?)"
        elif isinstance(exc, httpx.TimeoutException):
            reason = f"it did not answer within {_seconds(ctx.net.timeout)}"
        else:
            reason = describe(exc)
        details = {**failed, "parking": None, "error": reason, "unresolved": unresolved(exc)}
        return Status.CRITICAL, f"{url} is down: {reason}", details
    return judge(url, target.expect, response)


async def check_endpoint(endpoint: Endpoint, ctx: ProbeContext) -> list[Finding]:
    status, summary, details = await probe(endpoint, ctx)
    target = str(endpoint.url)
    return [Finding(endpoint.asset_id, "endpoint", target, "http", status, summary, endpoint.owner, details)]
