"""Where a plan's fallback forms are reached: the capture endpoint's public URL, and the page people
can use for each form — read from the plan alone, so the pages, the CLI and incidents' messages all
name the same URLs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from standby.plan.model import Plan


class LivePage(NamedTuple):
    form_id: str
    title: str
    url: str


def capture_url(plan: Plan) -> str | None:
    """The public URL of the capture endpoint (fallback.capture_url, else settings.base_url)."""
    fallback = plan.fallback
    found = fallback.capture_url if fallback and fallback.capture_url else plan.settings.base_url
    return str(found).rstrip("/") if found else None


def live_pages(plan: Plan, form_ids: Sequence[str] | None = None) -> list[LivePage]:
    """The fallback page for each form asked for (all when None), in plan order: the published copy
    when the plan says where pages are read (fallback.pages_url), else Standby's own /p/ID."""
    published = plan.fallback.pages_url if plan.fallback else None
    base = str(published).rstrip("/") if published else capture_url(plan) or ""
    slash = "/" if published else ""  # a static host serves p/ID/index.html at p/ID/
    wanted = None if form_ids is None else set(form_ids)
    return [
        LivePage(f.id, f.title, f"{base}/p/{f.id}{slash}")
        for f in plan.forms
        if wanted is None or f.id in wanted
    ]
