"""Which form a public request is for, where its pages post, and which sites' pages may post to it."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from standby.plan.fallback import capture_url
from standby.plan.forms import Form
from standby.plan.model import Plan


def find(plan: Plan, form_id: str) -> Form | None:
    return next((f for f in plan.forms if f.id == form_id), None)


def origin_of(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def allowed(request: Request, plan: Plan, form: Form, origin: str | None) -> bool:
    """May a page from `origin` post this form? No origin (or "null") cannot be judged and is let in:
    the limits, not the origin, protect the endpoint; the origin keeps other sites from using it."""
    if origin in (None, "null"):
        return True
    own = {
        origin_of(str(request.base_url)),
        origin_of(capture_url(plan)),
        origin_of(str(plan.fallback.pages_url) if plan.fallback and plan.fallback.pages_url else None),
    }
    return origin.lower().rstrip("/") in set(form.allowed_origins) | own
