"""What every template gets: `current_user`, `csrf_token()` and `csrf_field()` (a hidden input for
any form that posts: `<form method="post">{{ csrf_field() }}...</form>`)."""

from __future__ import annotations

from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape
from starlette.requests import Request


def _request_state(context: Any, name: str) -> Any:
    request: Request = context["request"]
    return getattr(request.state, name, None)


@pass_context
def csrf_token(context: Any) -> str:
    """The current session's CSRF token ("" without a session: public forms carry their own)."""
    return str(_request_state(context, "csrf") or "")


@pass_context
def csrf_field(context: Any) -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(csrf_token(context)))


def _current_user(request: Request) -> dict[str, Any]:
    return {"current_user": getattr(request.state, "user", None)}


def install(templates: Jinja2Templates) -> None:
    templates.env.globals.update(csrf_token=csrf_token, csrf_field=csrf_field)
    templates.context_processors.append(_current_user)
