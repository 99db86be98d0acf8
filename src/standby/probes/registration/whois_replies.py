"""Replies that carry no record: "not registered" and "slow down".

A throttled reply must never read as "available" (weppos/whois issue #401: a .nl rate-limit text
was taken for a free domain), so `is_rate_limited` is asked first and wins.
"""

from __future__ import annotations

import re

# Reference §3 "Rate limiting: real messages", then other wordings in common use.
_RATE_LIMITED = re.compile(
    "|".join(
        (
            r"access control limit (?:reached|exceeded)",  # DENIC
            r"whois limit exceeded",  # PIR
            r"query quota\b.*\bexceeded",  # Nominet
            r"exceeded (?:your|the) (?:query )?quota",  # MarkMonitor
            r"only \d+ requests? per (?:second|minute|hour)",  # SIDN
            r"connection limit exceeded",  # CZ.NIC
            r"request limit exceeded",  # NASK
            r"(?<!if )too many (?:requests|queries|connections|lookups)",  # AFNIC; not terms-of-use "if..."
            r"still in grace period, wait \d+ seconds",  # EURid
            r"rate limit (?:exceeded|reached)",  # GoDaddy
            r"maximum (?:query|request) rate reached",  # .lu
            r"failed to abide by .{0,40}whois policy",  # Network Solutions
            r"maximum daily connection limit reached",  # OpenSRS / Tucows
            r"whois lookup refused for this ip",  # OpenSRS / Tucows
            r"lookup refused",
            r"quota exceeded",
            r"limit exceeded",
            r"exceeded the maximum allowable number",
            r"number of allowed queries exceeded",
            r"queried interval is too short",
            r"can temporarily not be answered",
            r"(?:please )?(?:slow down and )?try again later",
            r"you have been (?:rate )?(?:limited|blocked|banned)",
        )
    ),
    re.I,
)

# Each anchored at a line start (after any `%`/`>>>` comment marks) so terms-of-use prose that
# merely mentions these words cannot turn a registered name into a free one.
_NOT_FOUND = re.compile(
    r"^[\s%#>*]*(?:"
    + "|".join(
        (
            r"no match\b",
            r"no matching record",
            r"(?:domain )?not found\b",
            r"no found$",
            r"no data found",
            r"no entries found",
            r"nothing found for this query",
            r"no information available about domain name",
            r"the queried object does not exist",
            r"object does not exist",
            r"the domain (?:name )?(?:has not been|is not) registered",
            r"this domain name has not been registered",
            r"domain status:\s*no object found",
            r"status:\s*(?:free|available)\s*$",
            r"query_status:\s*220 available",
            r"\S+\.\S+ is free\s*$",
            r"domain .{1,253} is available for registration",
            r"domain \S+ not found",
            r"invalid query or domain name not known",
            r"error:\s*10[13]:",
            r"the requested domain was not found",
            r"this query returned 0 objects",
            r"nincs talalat",
            r"not available for (?:second level )?registration",
        )
    )
    + ")",
    re.I | re.M,
)


def is_rate_limited(text: str) -> bool:
    """True when the server refused to answer for now (a quota or rate limit), whatever it says."""
    return bool(_RATE_LIMITED.search(text))


def is_not_found(text: str) -> bool:
    """True when the server says the name is not registered (and the reply is not a throttle)."""
    return not is_rate_limited(text) and bool(_NOT_FOUND.search(text))
