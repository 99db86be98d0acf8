"""What each drill scenario looks like to the engine: the check that fails, its status and the words a
real probe would use, so the chain, the incident and its templates see what they would see on the day.
The asset itself is never touched: this is only what the engine is told."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from standby.plan.assets import Asset, label

PARKING_NS = ["ns1.pendingrenewaldeletion.com", "ns2.pendingrenewaldeletion.com"]
MOVED_NS = ["ns1.unfamiliar-dns.example", "ns2.unfamiliar-dns.example"]


@dataclass(frozen=True)
class Failure:
    check: str
    status: str
    summary: str
    details: dict[str, Any]


def failure(kind: str, asset: Asset) -> Failure:
    name = label(asset.id)
    if kind == "domain_lapse":
        summary = (
            f"{name} is delegated to {', '.join(PARKING_NS)} — the registrar's expiry nameservers: the "
            "domain is being let go; renew it and restore the nameservers. Its pages show a parked "
            "'renew now' page that answers 200."
        )
        return Failure("delegation", "critical", summary, {"nameservers": PARKING_NS, "parking": ["expiry"]})
    if kind == "delegation_moved":
        summary = (
            f"{name} is delegated to {', '.join(MOVED_NS)}, not the expected nameservers: the nameservers "
            "were changed at the registrar; confirm the change or restore them."
        )
        return Failure("delegation", "critical", summary, {"nameservers": MOVED_NS, "parking": []})
    if kind == "vendor_outage":
        summary = f"{asset.name} reports a major outage of its service on its status page."
        return Failure("statuspage", "critical", summary, {"indicator": "major"})
    if kind == "certificate_expired":
        summary = f"The certificate of {asset.target} has expired: browsers refuse the site."
        return Failure("certificate", "critical", summary, {"days_left": 0})
    if kind == "endpoint_down":
        summary = f"{asset.target} is down: the connection was refused."
        return Failure("http", "critical", summary, {"status_code": None, "error": "connection refused"})
    raise ValueError(f"unknown drill failure {kind!r}")
