"""Where a page loads things from: the URLs of its scripts, stylesheets, iframes, forms and images.

The standard library's tolerant HTMLParser is enough here (we read attributes, not a DOM), so no
parser dependency: landing pages are often broken HTML, and it never raises on them.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# tag -> (attribute, what it is)
_LOADS = {
    "script": ("src", "script"),
    "iframe": ("src", "iframe"),
    "frame": ("src", "iframe"),
    "form": ("action", "form"),
    "img": ("src", "image"),
    "source": ("src", "image"),
    "embed": ("src", "iframe"),
    "object": ("data", "iframe"),
}
_STYLES = {"stylesheet", "preload", "modulepreload"}
MAX_REFERENCES = 5000  # a page with more is cut off: bounded work


class _Collector(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.found: list[tuple[str, str]] = []  # (what, absolute URL)

    def _add(self, what: str, value: str | None) -> None:
        if value and len(self.found) < MAX_REFERENCES:
            self.found.append((what, urljoin(self.base, value.strip())))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "base" and values.get("href"):
            self.base = urljoin(self.base, values["href"] or "")
        elif tag == "link" and (rel := set((values.get("rel") or "").lower().split())) & _STYLES:
            self._add("stylesheet" if "stylesheet" in rel else "script", values.get("href"))
        elif tag in _LOADS:
            attribute, what = _LOADS[tag]
            self._add(what, values.get(attribute))
            if tag in ("img", "source") and values.get("srcset"):
                for candidate in (values["srcset"] or "").split(","):
                    self._add(what, candidate.strip().split(" ")[0])


def references(html: str, base: str) -> list[tuple[str, str]]:
    """(kind, host) for every outside-loadable reference: script, stylesheet, iframe, form, image."""
    collector = _Collector(base)
    collector.feed(html)
    collector.close()
    out: list[tuple[str, str]] = []
    for what, url in collector.found:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname:
            out.append((what, parts.hostname.rstrip(".").lower()))
    return out
