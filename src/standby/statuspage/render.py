"""Render a `Page` to the files of a static site: index.html, the API v2 JSON files, history.atom.

Everything is a pure function of the page: the same page gives the same bytes, so a publisher can skip
files that did not change. All text goes through Jinja's autoescaping (HTML and XML alike), after
characters that XML 1.0 forbids are removed, so a hostile component name or update body stays text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from standby.core.timetext import words
from standby.statuspage.api import documents, incident_link, iso
from standby.statuspage.page import Component, Page

INDEX = "index.html"
FEED = "history.atom"

LABELS = {
    "operational": "Operational",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "under_maintenance": "Under maintenance",
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
    "none": "No impact",
    "minor": "Minor impact",
    "major": "Major impact",
    "critical": "Critical impact",
    "maintenance": "Maintenance",
}
# Control characters (other than tab and newline) are invalid in XML 1.0 and useless on a page.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _clean(value: Any) -> Any:
    return _INVALID.sub("", value) if isinstance(value, str) else value


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("standby.statuspage", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_clean,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["label"] = lambda value: LABELS.get(value, str(value))
    env.filters["iso"] = iso
    return env


_ENV = _environment()


def render(page: Page) -> dict[str, bytes]:
    """Every file of the site, by its path under the site's root."""
    files = {path: _json(doc) for path, doc in documents(page).items()}
    files[FEED] = _feed(page)
    files[INDEX] = _index(page)
    return files


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def _local(page: Page) -> Callable[[datetime], str]:
    """Times as people read them, in the page's time zone: `3 Dec 2026, 08:14 EST`."""
    zone = ZoneInfo(page.time_zone)

    def local(moment: datetime) -> str:
        at = moment.astimezone(zone)
        return f"{at.day} {at:%b %Y, %H:%M} {at.tzname()}"

    return local


def _index(page: Page) -> bytes:
    groups: dict[str | None, list[Component]] = {}
    for component in page.components:
        groups.setdefault(component.group, []).append(component)
    names = {c.id: c.name for c in page.components}
    indicator, description = page.status()
    text = _ENV.get_template(INDEX).render(
        page=page,
        indicator=indicator,
        description=description,
        groups=list(groups.items()),
        active=page.active_incidents,
        past=page.past_incidents,
        history=words(page.history),
        local=_local(page),
        affects=lambda incident: ", ".join(names[c] for c in incident.components if c in names),
    )
    return text.encode()


def _feed(page: Page) -> bytes:
    entries = [(incident, update) for incident in page.shown_incidents for update in incident.updates]
    entries.sort(key=lambda pair: (pair[1].created_at, pair[1].id), reverse=True)
    updated = entries[0][1].created_at if entries else page.updated_at
    text = _ENV.get_template(FEED).render(
        page=page,
        base=page.url.rstrip("/") + "/",
        updated=updated,
        entries=entries,
        local=_local(page),
        link=lambda incident: incident_link(page, incident),
    )
    return text.encode()
