"""The public resolvers the recovery tracker asks when the plan names none (`settings.public_resolvers`).

One anycast address per operator, so "N of M" counts operators, not addresses. Drawn from the
operators' own pages and the public lists in ../shared/reference/rdap-whois-dns.md §5.4; fleets
change, so the plan can replace the list. Google Public DNS, Cloudflare and OpenDNS offer a public
page to ask for a name to be dropped from their cache: the tracker shows it beside them.
"""

from __future__ import annotations

from standby.plan.model import Settings
from standby.plan.resolvers import PublicResolver


def _r(name: str, region: str, address: str, flush: str | None = None) -> PublicResolver:
    return PublicResolver.model_validate({"name": name, "region": region, "address": address, "flush": flush})


DEFAULT: tuple[PublicResolver, ...] = (
    _r(
        "Google Public DNS",
        "global anycast",
        "8.8.8.8",
        "https://developers.google.com/speed/public-dns/cache",
    ),
    _r("Cloudflare", "global anycast", "1.1.1.1", "https://one.one.one.one/purge-cache/"),
    _r("Quad9", "global anycast", "9.9.9.9"),
    _r("OpenDNS (Cisco)", "global anycast", "208.67.222.222", "https://cachecheck.opendns.com/"),
    _r("AdGuard DNS", "global anycast", "94.140.14.14"),
    _r("CleanBrowsing", "global anycast", "185.228.168.9"),
    _r("Comodo Secure DNS", "North America, Europe", "8.26.56.26"),
    _r("Level3 / Lumen", "North America", "4.2.2.1"),
    _r("Hurricane Electric", "global anycast", "74.82.42.42"),
    _r("Alternate DNS", "North America, Europe", "76.76.19.19"),
    _r("CIRA Canadian Shield", "Canada", "149.112.121.10"),
    _r("DNS.WATCH", "Europe (Germany)", "84.200.69.80"),
    _r("FreeDNS", "Europe (Austria)", "37.235.1.174"),
    _r("Yandex DNS", "Russia", "77.88.8.8"),
    _r("AliDNS", "China", "223.5.5.5"),
    _r("114DNS", "China", "114.114.114.114"),
    _r("DNSPod (Tencent)", "China", "119.29.29.29"),
    _r("Baidu DNS", "China", "180.76.76.76"),
)


def resolvers_for(settings: Settings) -> tuple[PublicResolver, ...]:
    """The plan's `public_resolvers`, else the built-in list."""
    return DEFAULT if settings.public_resolvers is None else tuple(settings.public_resolvers)
