"""The public side of a form as files: the fallback page (/p/ID), its thank-you page, and the switch
script (/f/ID.js). The web app serves them; `standby pages build` writes the same bytes to storage
away from both the platform and Standby.

The pages are self-contained (one HTML file, the style inline, no script, no outside asset) and
accessible (labels, required marked in words, errors tied to their field and listed in an alert).
Their Content-Security-Policy allows exactly their own style (by hash) and posting to the capture
endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from standby.plan.forms import Form, FormField
from standby.plan.model import Plan

SEND = "Send"
_AUTOCOMPLETE = {
    "email": "email", "firstname": "given-name", "lastname": "family-name", "company": "organization",
    "phone": "tel", "mobilephone": "tel", "title": "organization-title", "jobtitle": "organization-title",
    "postalcode": "postal-code", "zip": "postal-code", "country": "country-name", "website": "url",
}  # fmt: skip


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("standby.leads", "page_templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["autocomplete"] = _autocomplete
    return env


@cache
def css() -> str:
    return files("standby.leads").joinpath("page_templates/page.css").read_text(encoding="utf-8").strip()


def csp(action_origin: str | None = None) -> str:
    """The pages' policy: nothing loads but their own inline style; forms post only to the capture."""
    digest = base64.b64encode(hashlib.sha256(css().encode()).digest()).decode()
    targets = " ".join(x for x in ("'self'", action_origin) if x)
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; form-action {targets}; "
        "base-uri 'none'; frame-ancestors 'none'"
    )


def _autocomplete(field: FormField) -> str:
    return _AUTOCOMPLETE.get(field.name.lower(), "email" if field.type == "email" else "on")


def _common(plan: Plan, form: Form) -> dict[str, Any]:
    return {"form": form, "organization": plan.organization, "css": css(), "lang": "en", "send": SEND}


def page(
    plan: Plan,
    form: Form,
    *,
    action: str,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    key: str | None = None,
) -> str:
    """The fallback page; with `errors`, the page again showing what to fix and what was typed."""
    return (
        _env()
        .get_template("page.html")
        .render(
            **_common(plan, form),
            action=action,
            values=values or {},
            errors=errors or {},
            names={f.name for f in form.fields},
            key=key,
        )
    )


def new_key() -> str:
    """A fresh idempotency key for one rendering of the page: a double click stores one lead."""
    return secrets.token_urlsafe(18)


def thanks(plan: Plan, form: Form) -> str:
    return _env().get_template("thanks.html").render(**_common(plan, form))


def script(form: Form, *, capture_url: str | None, script_url: str) -> str:
    """The switch script. Without `capture_url` it posts to the origin it was loaded from."""
    config = {
        "form": form.id,
        "capture": capture_url.rstrip("/") if capture_url else "",
        "timeout": int(form.embed_timeout.total_seconds() * 1000),
        "title": form.title,
        "send": SEND,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "type": f.type,
                "required": f.required or f.name == "email",
                "options": f.options or [],
            }
            for f in form.fields
        ],
        "thanks": {"text": form.thank_you, "url": form.thanks_url},
    }
    # ensure_ascii keeps U+2028/2029 and any "</script>" out of the source as escapes.
    text = json.dumps(config, ensure_ascii=True).replace("<", "\\u003c")
    return _env().get_template("switch.js").render(config=text, form_id=form.id, script_url=script_url)
