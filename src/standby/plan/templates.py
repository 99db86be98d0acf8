"""The playbooks' `templates:` section: per audience, the Jinja subject and body of incident messages,
and the sandbox they are checked in at plan load and rendered in later.

Templates are plan data, so they are treated as untrusted: the sandbox refuses attribute access to
Python internals (`''.__class__`, `cycler.__init__.__globals__`), the context holds only plain
strings, lists and dicts, an undefined name is an error, and `*` / `**` cannot build huge values.
A syntax error or an unknown variable is reported when the plan loads, with the template's line.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, field_validator

from standby.plan.issues import Path, suggest

# The names every template may use (incidents/templates.py builds exactly these).
VARIABLES = frozenset({"organization", "audience", "incident", "update", "status_page_url", "plan_b"})
MAX_OUTPUT = 20_000  # characters a rendered body may have; subjects are cut to one line
MAX_SOURCE = 32_768  # characters of distinct template text in a whole plan
TOO_MUCH = (
    f"the plan's templates hold more than {MAX_SOURCE:,} characters in all; keep messages short, and "
    "share one template between audiences and playbooks (a YAML anchor) instead of copies that differ"
)
# What insiders wrote or may read, and outsiders' templates (external audiences, a playbook's public
# text) never get: their context simply lacks these (incidents/context.py).
INTERNAL = {
    "incident": frozenset({"title", "severity", "systems", "lead", "alerts"}),
    "update": frozenset({"what_we_know", "what_we_dont_know", "what_you_can_do", "author", "outside"}),
}


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError("exponents above 64 are not allowed in templates")
        if operator == "*":
            sizes = [len(v) for v in (left, right) if isinstance(v, str | list | tuple)]
            counts = [v for v in (left, right) if isinstance(v, int)]
            if sizes and counts and sizes[0] * max(counts[0], 0) > MAX_OUTPUT:
                raise SecurityError(f"that would make more than {MAX_OUTPUT} characters")
        return super().call_binop(context, operator, left, right)


@functools.cache
def environment() -> ImmutableSandboxedEnvironment:
    """Plain text (no autoescape), strict about undefined names, sandboxed."""
    return _Sandbox(
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def oversized(data: Any) -> Path | None:
    """Where the plan's templates pass `MAX_SOURCE` characters in all (each distinct text counted
    once), or None. Checked before validation: compiling templates is the slowest part of reading a
    plan, about a second for 100 KB."""
    seen: set[str] = set()
    total = 0
    playbooks = data.get("playbooks") if isinstance(data, dict) else None
    for i, playbook in enumerate(playbooks if isinstance(playbooks, list) else []):
        templates = playbook.get("templates") if isinstance(playbook, dict) else None
        for audience, template in templates.items() if isinstance(templates, dict) else ():
            for part in ("subject", "body"):
                text = template.get(part) if isinstance(template, dict) else None
                if isinstance(text, str) and text not in seen:
                    seen.add(text)
                    total += len(text)
                    if total > MAX_SOURCE:
                        return ("playbooks", i, "templates", audience, part)
    return None


@functools.lru_cache(maxsize=256)  # the same text for several audiences or playbooks is checked once
def check_template(source: str) -> str:
    """`source` if it compiles and uses only known variables, else ValueError saying where and why."""
    env = environment()
    try:
        tree = env.parse(source)
        # Compiling the tree (to find its names) is also where an unknown filter or test is caught.
        names = meta.find_undeclared_variables(tree)
    except TemplateSyntaxError as exc:  # TemplateAssertionError included
        raise ValueError(
            f"template syntax error at line {exc.lineno} of the template: {exc.message}"
        ) from None
    unknown = sorted(names - VARIABLES - set(env.globals))
    if unknown:
        name = unknown[0]
        raise ValueError(
            f"unknown template variable {name!r}{suggest(name, VARIABLES)}; "
            f"templates can use {', '.join(sorted(VARIABLES))}"
        )
    return source


def internal_fields(source: str) -> list[str]:
    """The internal values a (compiled) template uses, as `update.what_we_know`: an outsiders' template
    that names one would fail when rendered, so the plan is refused when it loads."""
    found: list[str] = []
    for node in environment().parse(source).find_all((nodes.Getattr, nodes.Getitem)):
        key: object
        if isinstance(node, nodes.Getattr):
            owner, key = node.node, node.attr
        elif isinstance(node, nodes.Getitem):
            owner, key = node.node, getattr(node.arg, "value", None)
        else:
            continue
        if isinstance(owner, nodes.Name) and key in INTERNAL.get(owner.name, ()):
            name = f"{owner.name}.{key}"
            if name not in found:
                found.append(name)
    return found


class AudienceTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str | None = Field(None, description="Jinja template of the subject; default: the built-in one")
    body: str | None = Field(None, description="Jinja template of the body; default: the built-in one")

    @field_validator("subject", "body")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)
