"""Which host names each asset is reached at, and which of the plan's domains it therefore sits on.

A parked or lapsed domain takes down everything at or under it: its endpoints, certificates, DNS
records and the vendor probes on it. The engine uses this to check a domain at once when something on
it fails, and the alerts to tie those failures to the domain's alert (docs/escalation.md, "One alert
per cause").
"""

from __future__ import annotations

from urllib.parse import urlsplit

from standby.plan.model import Plan


def _host(url: str) -> str | None:
    host = urlsplit(url).hostname
    return host.rstrip(".").lower() if host else None


def at_or_under(host: str, domain: str) -> bool:
    host, domain = host.strip().rstrip(".").lower(), domain.rstrip(".").lower()
    return host == domain or host.endswith("." + domain)


def hosts(plan: Plan) -> dict[str, list[str]]:
    """Asset id → the host names its checks connect to or look up (domains: their own name)."""
    found: dict[str, list[str]] = {d.asset_id: [d.name] for d in plan.domains}
    found.update({c.asset_id: [c.host] for c in plan.certificates})
    found.update({r.asset_id: [r.name] for r in plan.dns})
    found.update({e.asset_id: [h] for e in plan.endpoints if (h := _host(str(e.url)))})
    for vendor in plan.vendors:
        urls = [str(e.url) for e in vendor.endpoints]
        urls += [str(vendor.statuspage)] if vendor.statuspage else []
        found[vendor.asset_id] = list(dict.fromkeys(h for u in urls if (h := _host(u))))
    return found


def foundations(plan: Plan) -> dict[str, list[str]]:
    """Asset id → the plan's domains (asset ids) it sits on, most specific first; domains have none."""
    domains = sorted(plan.domains, key=lambda d: len(d.name), reverse=True)
    out: dict[str, list[str]] = {}
    for asset, names in hosts(plan).items():
        if asset.startswith("domain:"):
            continue
        on = [d.asset_id for d in domains if any(at_or_under(h, d.name) for h in names)]
        if on:
            out[asset] = on
    return out
