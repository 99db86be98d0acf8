"""Incident messages from templates: the defaults that ship, and rendering in the plan's sandbox with
a bounded output (context.py builds what a template sees; outsiders' templates get neutral values
only). A template that fails at render time (an undefined attribute, a sandbox refusal, too much
output) falls back to the default, and says so.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from jinja2 import Template

from standby.channels.tell import Text
from standby.plan.model import Plan, Playbook
from standby.plan.templates import MAX_OUTPUT, environment

INTERNAL_SUBJECT = "[incident #{{ incident.id }} {{ update.state }}] {{ incident.title }}"
INTERNAL_BODY = """\
{{ incident.title }}: {{ update.state_label }} ({{ incident.severity }})

What we know:
{{ update.what_we_know }}
{% if update.what_we_dont_know %}

What we don't know yet:
{{ update.what_we_dont_know }}
{% endif %}
{% if update.what_you_can_do %}

What you can do meanwhile:
{{ update.what_you_can_do }}
{% endif %}
{% if plan_b %}

Plan B: these fallback pages are live, and forms embedded with Standby's switch script show
Standby's form wherever the platform's form does not load; leads are kept and replayed once it is back:
{% for page in plan_b %}
  {{ page.title }}: {{ page.url }}
{% endfor %}
{% endif %}

What outsiders read once it is published:
{{ update.public_text }}

{% if update.next_update_by %}
Next update by {{ update.next_update_by }}.
{% else %}
The incident is resolved: no more updates are due.
{% endif %}

Systems:  {{ incident.systems | join(", ") }}
Lead:     {{ incident.lead }}
Started:  {{ incident.started_at }}
{% for line in incident.alerts %}
Alert:    {{ line }}
{% endfor %}
Outside:  {{ update.outside }}
Written by {{ update.author }}.

-- Standby for {{ organization }}, incident #{{ incident.id }}"""

EXTERNAL_SUBJECT = "{{ organization }}: {{ incident.public_title }} ({{ update.state_label | lower }})"
EXTERNAL_BODY = """\
{{ update.public_text }}

{% if update.next_update_by %}
We will update you by {{ update.next_update_by }}.
{% if status_page_url %}
The latest is always at {{ status_page_url }}
{% endif %}
{% else %}
Thank you for your patience.
{% endif %}

-- {{ organization }}"""
DEFAULTS = {False: (INTERNAL_SUBJECT, INTERNAL_BODY), True: (EXTERNAL_SUBJECT, EXTERNAL_BODY)}
SUBJECT_LENGTH = 150


@dataclass(frozen=True)
class Rendered:
    text: Text
    template: str  # "plan" or "default"
    error: str | None = None  # why the plan's template was not used, when it failed


def render(
    plan: Plan, playbook: Playbook | None, *, audience: str, external: bool, context: dict[str, Any]
) -> Rendered:
    custom = playbook.templates.get(audience) if playbook else None
    subject, body = DEFAULTS[external]
    if custom is None or (custom.subject is None and custom.body is None):
        return Rendered(_render(subject, body, context), "default")
    try:
        return Rendered(_render(custom.subject or subject, custom.body or body, context), "plan")
    except Exception as exc:  # noqa: BLE001 - whatever the template did, the message must still go out
        why = f"{type(exc).__name__}: {exc}"
        return Rendered(_render(subject, body, context), "default", why[:500])


def render_text(source: str, context: dict[str, Any]) -> str | None:
    """A plan template rendered to plain text (the playbook's `public_text`); None when it fails at
    render time, so the caller falls back to Standby's own words."""
    try:
        return _bounded(source, context, MAX_OUTPUT).strip() or None
    except Exception:  # noqa: BLE001 - whatever the template did, the update must still be possible
        return None


def _render(subject: str, body: str, context: dict[str, Any]) -> Text:
    line = " ".join(_bounded(subject, context, SUBJECT_LENGTH * 4).split())
    if len(line) > SUBJECT_LENGTH:
        line = line[: SUBJECT_LENGTH - 1] + "…"
    return Text(line, _bounded(body, context, MAX_OUTPUT).strip() + "\n")


def _bounded(source: str, context: dict[str, Any], limit: int) -> str:
    """Render `source`, refusing (ValueError) once it produces more than `limit` characters: a
    template looping on output stops there instead of filling the outbox."""
    out: list[str] = []
    size = 0
    for chunk in _compiled(source).generate(**context):
        size += len(chunk)
        if size > limit:
            raise ValueError(f"the template produced more than {limit} characters")
        out.append(chunk)
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    return environment().from_string(source)
