"""Signs that a registrar is letting a domain go: expiry/parking nameservers and parking pages.

Registrars interrupt an expired name by moving its delegation to their own "expired" or parking
nameservers (Network Solutions' pendingrenewaldeletion.com in the Marketo case, eNom's
name-services.com, UKFast's renewyourdomain.net) and serving a page that answers HTTP 200. The lists
come from docs/reference on registrar behaviour; the patterns catch providers not listed by name.
"""

from __future__ import annotations

import re

# Hostname suffixes of known registrar expiry and parking/marketplace nameservers.
EXPIRY_NS_SUFFIXES = (
    "pendingrenewaldeletion.com",  # Network Solutions / Web.com (marketo.com, July 2017)
    "renewyourname.net",  # Web.com
    "name-services.com",  # eNom / Tucows (HostGator)
    "renewyourdomain.net",  # UKFast
    "expirationwarning.net",
    "onamae-expired.com",  # GMO
    "namebrightdns.com",  # NameBright / HugeDomains (expired1/expired2)
    "dns-expired.com",
    "hichina.com",  # Alibaba: expirens*.hichina.com (matched by the pattern below)
    "myhostadmin.net",  # West.cn: *domain-expired.myhostadmin.net
    "fabulous.com",  # expired-domain-ns*.fabulous.com
    "failed-whois-verification.namecheap.com",
)
PARKING_NS_SUFFIXES = (
    "sedoparking.com",
    "bodis.com",
    "parkingcrew.net",
    "above.com",
    "afternic.com",
    "dan.com",
    "undeveloped.com",
)
# Suffixes that only count when the label itself says "expired" (their default DNS is legitimate).
_NEEDS_PATTERN = {"hichina.com", "myhostadmin.net", "fabulous.com", "namebrightdns.com"}
_NS_PATTERN = re.compile(r"expired|expir|renew|pendingrenewal|pendingdelet|parking|parked")


def parking_nameserver(host: str) -> str | None:
    """Why `host` looks like a registrar's expiry or parking nameserver, or None."""
    name = host.lower().rstrip(".")
    for suffix in EXPIRY_NS_SUFFIXES + PARKING_NS_SUFFIXES:
        if name == suffix or name.endswith("." + suffix):
            if suffix in _NEEDS_PATTERN and not _NS_PATTERN.search(name):
                continue
            kind = "parking" if suffix in PARKING_NS_SUFFIXES else "registrar expiry"
            return f"{name} is a {kind} nameserver ({suffix})"
    if _NS_PATTERN.search(name):
        return f"{name} looks like an expiry or parking nameserver"
    return None


# Phrases registrars and parking providers put on the page that replaces an expired site.
PARKING_PHRASES = (
    "this domain has expired",
    "this domain name has expired",
    "domain has expired",
    "domain name expired",
    "expired domain",
    "pending renewal",
    "pending deletion",
    "renew now",
    "renew this domain",
    "renewal instructions",
    "domain is parked",
    "this domain is parked",
    "parked free",
    "parked domain",
    "is for sale",
    "buy this domain",
    "this domain may be for sale",
    "domain is not configured",
    "the owner of this domain",
)
# Markup and script hosts that parking providers serve.
PARKING_MARKERS = (
    "sedoparking.com",
    "parkingcrew.net",
    "bodis.com",
    "above.com/",
    "parklogic",
    "dan.com",
    "afternic.com",
    "hugedomains.com",
    "domainmarket.com",
    "window.park",
    "confluence-networks",
    "/parking/",
    "parked-content",
)

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def parking_page(body: str) -> str | None:
    """What in `body` says it is a parked or expired-domain page, or None."""
    lowered = body.lower()
    text = _SPACE.sub(" ", _TAG.sub(" ", lowered))
    for phrase in PARKING_PHRASES:
        if phrase in text:
            return f'the page says "{phrase}"'
    for marker in PARKING_MARKERS:
        if marker in lowered:
            return f"the page carries a parking-provider marker ({marker})"
    return None
