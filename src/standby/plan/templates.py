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

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, field_validator

from standby.plan.issues import suggest

# The names every template may use (incidents/templates.py builds exactly these).
VARIABLES = frozenset({"organization", "audience", "incident", "update", "status_page_url", "plan_b"})
MAX_OUTPUT = 20_000  # characters a rendered body may have; subjects are cut to one line


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


def check_template(source: str) -> str:
    """`source` if it compiles and uses only known variables, else ValueError saying where and why."""
    env = environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise ValueError(
            f"template syntax error at line {exc.lineno} of the template: {exc.message}"
        ) from None
    unknown = sorted(meta.find_undeclared_variables(tree) - VARIABLES - set(env.globals))
    if unknown:
        name = unknown[0]
        raise ValueError(
            f"unknown template variable {name!r}{suggest(name, VARIABLES)}; "
            f"templates can use {', '.join(sorted(VARIABLES))}"
        )
    return source


class AudienceTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str | None = Field(None, description="Jinja template of the subject; default: the built-in one")
    body: str | None = Field(None, description="Jinja template of the body; default: the built-in one")

    @field_validator("subject", "body")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)
