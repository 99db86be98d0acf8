"""Registrable domains, from the Public Suffix List bundled in `publicsuffixlist` (never fetched at run
time). Only the ICANN section counts: the registration that can lapse is `cloudfront.net`, not a
customer's `d123.cloudfront.net` that the private section would make "registrable"."""

from __future__ import annotations

from functools import cache

from publicsuffixlist import PublicSuffixList


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList(only_icann=True)


def registrable(host: str) -> str | None:
    """`go.acme.co.uk` → `acme.co.uk`; None for an IP address, a bare suffix or a single label."""
    host = host.strip().rstrip(".").lower()
    if not host or ":" in host or host.replace(".", "").isdigit():
        return None
    found = _psl().privatesuffix(host)
    return str(found) if found else None


def at_or_under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)
