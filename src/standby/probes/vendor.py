"""Vendors: what their Statuspage says, and our own probes of the endpoints we depend on.

The status page is Atlassian Statuspage v2 (`{statuspage}/api/v2/summary.json`). Without
`components` the page's overall indicator counts (none ok, minor warning, major/critical critical,
maintenance warning); with them only the named components count (case-insensitive), and a name the
page does not list is `unknown`, saying which names exist. Active incidents are named in the summary
either way. A page we cannot read (timeout, non-200, malformed JSON) is `unknown`: the vendor may be
fine, we just cannot tell. The vendor's endpoints make one more finding (check "http", shared rules,
the worst of them counts, each one's result in `details["endpoints"]`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from standby.core.errors import ProbeError
from standby.core.local import LocalError, local_cause, mark
from standby.core.net import describe
from standby.core.status import Finding, Status, worst
from standby.plan.model import Vendor, VendorEndpoint
from standby.probes.context import ProbeContext
from standby.probes.http import fetch, probe

MAX_SUMMARY = 8 << 20  # big vendors list hundreds of components
MAX_NAMES = 15  # component names listed when a wanted one is missing

INDICATORS = {
    "none": Status.OK,
    "minor": Status.WARNING,
    "major": Status.CRITICAL,
    "critical": Status.CRITICAL,
    "maintenance": Status.WARNING,
}
COMPONENTS = {
    "operational": (Status.OK, "is operational"),
    "degraded_performance": (Status.WARNING, "has degraded performance"),
    "partial_outage": (Status.WARNING, "has a partial outage"),
    "major_outage": (Status.CRITICAL, "has a major outage"),
    "under_maintenance": (Status.WARNING, "is under maintenance"),
}
_OVER = {"resolved", "postmortem", "completed"}


def summary_url(vendor: Vendor) -> str:
    return str(vendor.statuspage).rstrip("/") + "/api/v2/summary.json"


async def read_summary(url: str, ctx: ProbeContext) -> dict[str, Any]:
    """The page's summary.json as a dict; ProbeError saying why when it cannot be had."""
    try:
        response = await fetch(ctx, url, limit=MAX_SUMMARY)
    except (httpx.HTTPError, LocalError) as exc:
        raise ProbeError(f"{url} could not be read ({describe(exc)})") from exc
    if response.status_code != 200:
        raise ProbeError(f"{url} answered {response.status_code}")
    try:
        data = json.loads(response.text)
    except ValueError as exc:
        raise ProbeError(f"{url} is not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ProbeError(f"{url} is not a Statuspage v2 summary (not a JSON object)")
    return data


def _objects(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _page_status(data: dict[str, Any]) -> dict[str, Any]:
    status = data.get("status")
    return status if isinstance(status, dict) else {}


def _overall(name: str, data: dict[str, Any], url: str) -> tuple[list[Status], str]:
    status = _page_status(data)
    indicator = status.get("indicator")
    if indicator not in INDICATORS:
        raise ProbeError(f"{url} has no status indicator Standby knows (indicator: {indicator!r})")
    description = status.get("description") or indicator
    return [INDICATORS[indicator]], f'{name}\'s status page says "{description}"'


def _listed_names(names: list[str]) -> str:
    if not names:
        return "no components"
    more = len(names) - MAX_NAMES
    return ", ".join(names[:MAX_NAMES]) + (f" and {more} more" if more > 0 else "")


def _components(
    name: str, wanted: list[str], data: dict[str, Any]
) -> tuple[list[Status], str, dict[str, str | None]]:
    listed: dict[str, dict[str, Any]] = {}
    for item in _objects(data, "components"):
        if isinstance(item.get("name"), str):
            listed.setdefault(item["name"].lower(), item)
    found = {want: listed.get(want.lower()) for want in wanted}
    statuses: list[Status] = []
    said: list[str] = []
    for want, component in found.items():
        if component is not None:
            state = str(component.get("status"))
            status, phrase = COMPONENTS.get(state, (Status.UNKNOWN, f'reports the unknown status "{state}"'))
            statuses.append(status)
            said.append(f"{want} {phrase}")
    sentences = [f"{name}'s status page says {', '.join(said)}"] if said else []
    missing = [want for want, component in found.items() if component is None]
    if missing:
        statuses.append(Status.UNKNOWN)
        quoted = " or ".join(f'"{m}"' for m in missing)
        where = "it" if said else f"{name}'s status page"
        names = _listed_names([c["name"] for c in listed.values()])
        sentences.append(f"{where} lists no component named {quoted} (it lists {names})")
    states = {want: str(c.get("status")) if c is not None else None for want, c in found.items()}
    return statuses, "; ".join(sentences), states


def evaluate(vendor: Vendor, data: dict[str, Any], url: str) -> tuple[Status, str, dict[str, Any]]:
    """The statuspage verdict from a summary.json; ProbeError when it is not one."""
    name = vendor.name or vendor.id
    details: dict[str, Any] = {"statuspage": url, "indicator": _page_status(data).get("indicator")}
    if vendor.components is None:
        statuses, summary = _overall(name, data, url)
    else:
        statuses, summary, details["components"] = _components(name, vendor.components, data)
    incidents = [i for i in _objects(data, "incidents") if i.get("status") not in _OVER]
    details["incidents"] = [{k: i.get(k) for k in ("name", "status", "impact")} for i in incidents]
    if incidents:
        named = ", ".join(
            f'"{i.get("name")}" ({i.get("status")}, {i.get("impact")} impact)' for i in incidents
        )
        summary += f"; active incidents: {named}"
    works = [
        m for m in _objects(data, "scheduled_maintenances") if m.get("status") in ("in_progress", "verifying")
    ]
    details["maintenances"] = [m.get("name") for m in works]
    if works:
        summary += "; maintenance in progress: " + ", ".join(f'"{m.get("name")}"' for m in works)
    return worst(statuses), summary, details


async def _statuspage(vendor: Vendor, ctx: ProbeContext) -> Finding:
    url = summary_url(vendor)
    name = vendor.name or vendor.id
    try:
        status, summary, details = evaluate(vendor, await read_summary(url, ctx), url)
    except ProbeError as exc:
        status, summary = Status.UNKNOWN, f"Could not tell {name}'s status: {exc}"
        details = {"statuspage": url, "error": str(exc)}
        if (local := local_cause(exc)) is not None:
            summary, details = local.summary, mark({"statuspage": url}, local, otherwise=summary)
    target = str(vendor.statuspage)
    return Finding(vendor.asset_id, "vendor", target, "statuspage", status, summary, vendor.owner, details)


async def _endpoints(vendor: Vendor, endpoints: list[VendorEndpoint], ctx: ProbeContext) -> Finding:
    """All of the vendor's endpoints as ONE finding: one (asset, check) is one damped state and one
    alert in `standby serve`, so several endpoints must not take turns at it."""
    results = await asyncio.gather(*(probe(e, ctx) for e in endpoints))
    name = vendor.name or vendor.id
    rows = [
        {"url": str(e.url), "status": status.value, "summary": summary, **details}
        for e, (status, summary, details) in zip(endpoints, results, strict=True)
    ]
    status = worst(status for status, _, _ in results)
    failing = [summary for s, summary, _ in results if s is not Status.OK]
    local = next((d for _, _, d in results if d.get("local")), None)
    if local is not None and status is Status.UNKNOWN:  # Standby's own failure: one summary for all
        details: dict[str, Any] = {"endpoints": rows, "local": local["local"], "error": local["error"]}
        readings = [r["otherwise"] for r in rows if isinstance(r.get("otherwise"), dict)]
        if readings:
            worst_reading = max(readings, key=lambda r: Status(r["status"]).urgency)
            said = f"{name}: " + "; ".join(r["summary"] for r in readings)
            details["otherwise"] = {"status": worst_reading["status"], "summary": said}
        target = f"{len(endpoints)} endpoints"
        return Finding(
            vendor.asset_id, "vendor", target, "http", status, str(local["error"]), vendor.owner, details
        )
    if len(results) == 1:
        summary = f"{name}: {results[0][1]}"
    elif failing:
        summary = f"{name}: {len(failing)} of {len(results)} endpoints failing: " + "; ".join(failing)
    else:
        summary = f"{name}: all {len(results)} endpoints answer as expected"
    target = str(endpoints[0].url) if len(endpoints) == 1 else f"{len(endpoints)} endpoints"
    return Finding(
        vendor.asset_id, "vendor", target, "http", status, summary, vendor.owner, {"endpoints": rows}
    )


async def check_vendor(vendor: Vendor, ctx: ProbeContext) -> list[Finding]:
    checks = [_statuspage(vendor, ctx)] if vendor.statuspage is not None else []
    if vendor.endpoints:
        checks.append(_endpoints(vendor, vendor.endpoints, ctx))
    findings = list(await asyncio.gather(*checks))
    if not findings:
        asset, name = vendor.asset_id, vendor.name or vendor.id
        summary = f"Nothing to check for {name}: give it a statuspage or endpoints"
        findings.append(
            Finding(asset, "vendor", vendor.id, "statuspage", Status.UNKNOWN, summary, vendor.owner)
        )
    return findings
