"""Apprise URLs carry tokens and passwords: this is the only way one is ever shown or logged."""

from __future__ import annotations

from urllib.parse import urlsplit

import apprise


def redact_url(url: str) -> str:
    """The URL with its secrets masked, as Apprise's own privacy mode knows them per service.

    `slack://T...A/T...B/T...C/%23ops`, `json://user:****@host/path`; a URL Apprise cannot read is cut
    to its scheme (`bogus://…`), since there is no telling which part is secret.
    """
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        scheme = urlsplit(url).scheme
        return f"{scheme}://…" if scheme else "…"
    # The query holds Apprise's defaults (and sometimes secrets of other services): leave it out.
    return str(plugin.url(privacy=True)).split("?", 1)[0]  # type: ignore[no-untyped-call]
