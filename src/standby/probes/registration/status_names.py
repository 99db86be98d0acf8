"""One spelling for domain statuses: RDAP phrases ("client transfer prohibited", "auto renew period").

WHOIS gives EPP codes (`clientTransferProhibited https://icann.org/epp#...`, `CLIENT_HOLD`, `ok`),
RDAP gives the RFC 8056 phrases; findings and alert rules look at one vocabulary.
"""

from __future__ import annotations

import re

# RFC 8056 §2: EPP names whose RDAP phrase is not just the words of the camel-case name.
_EPP_RENAMES = {"ok": "active", "linked": "associated"}

_URL = re.compile(r"\s*\(?\s*https?://\S*\s*\)?")
_TRAILER = re.compile(r"\s+(?:-(?:\s.*)?|\(.*\)?)$")  # "ok - Normal state.", "ok (paid and in zone)"
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def raw_status(text: str) -> str:
    """The status as the source named it, without the ICANN explanation link after it."""
    return " ".join(_URL.sub(" ", text).split())


def normalize_status(text: str) -> str:
    """`clientTransferProhibited https://icann.org/epp#…` → `client transfer prohibited`."""
    name = _TRAILER.sub("", raw_status(text)).strip().rstrip(".").replace("_", " ")
    if " " not in name:
        name = _CAMEL.sub(" ", name)
    phrase = " ".join(name.lower().split())
    return _EPP_RENAMES.get(phrase, phrase)


def normalize_statuses(texts: list[str]) -> list[str]:
    """Normalized phrases, first spelling of each kept, in source order."""
    return list(dict.fromkeys(p for p in map(normalize_status, texts) if p))
