"""Findings that explain each other: a parked page on a domain whose delegation moved to parking NS."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from standby.core.status import Finding, Status


def _domain_of(host: str, domains: dict[str, Finding]) -> Finding | None:
    labels = host.lower().rstrip(".").split(".")
    for i in range(len(labels)):
        found = domains.get(".".join(labels[i:]))
        if found is not None:
            return found
    return None


def correlate(findings: list[Finding]) -> list[Finding]:
    """Say in the endpoint's summary when its parked page is explained by its domain's delegation."""
    delegations = {f.target: f for f in findings if f.check == "delegation" and f.status is Status.CRITICAL}
    if not delegations:
        return findings
    out = []
    for f in findings:
        if f.check == "http" and f.details.get("parking"):
            host = urlsplit(f.target).hostname or ""
            delegation = _domain_of(host, delegations)
            if delegation is not None:
                summary = f"{f.summary.rstrip('.')}; the delegation agrees: {delegation.summary}"
                f = replace(f, summary=summary, details={**f.details, "delegation": delegation.summary})
        out.append(f)
    return out
