"""pydantic's errors in the words of the plan file: what shape was expected, what was given, how to
write it. "Input should be a valid list" tells a marketing-ops admin nothing about YAML."""

from __future__ import annotations

from typing import Any

from standby.core.words import plural

_SHAPES = {
    "list_type": "expected a list: write [a, b], or one `- item` per line",
    "dict_type": "expected a mapping: `key: value` lines, indented under this one",
    "model_type": "expected a mapping: `key: value` lines, indented under this one",
    "model_attributes_type": "expected a mapping: `key: value` lines, indented under this one",
    "string_type": "expected text; put it in quotes if it looks like a number or true/false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number, without decimals",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
}


def _given(value: Any) -> str:
    kinds = {str: "text", list: "a list", dict: "a mapping", bool: "true/false", int: "a number",
             float: "a number", type(None): "nothing"}  # fmt: skip
    kind = kinds.get(type(value), type(value).__name__)
    if isinstance(value, str | int | float) and not isinstance(value, bool) and len(str(value)) <= 40:
        return f"{kind} ({value!r})" if isinstance(value, str) else f"{kind} ({value})"
    return kind


def _got(error: Any) -> str:
    # load.py drops the input of a value that came from ${VAR}: it may be a secret
    return _given(error["input"]) if "input" in error else "the value of an environment variable (not shown)"


def friendly(error: Any) -> str:
    """The message for one of pydantic's errors (its `errors()` entries)."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _SHAPES:
        return f"{_SHAPES[kind]}; got {_got(error)}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected', 'one of the allowed values')}; got {_got(error)}"
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt"))
        return f"must be {'at least' if kind == 'greater_than_equal' else 'more than'} {limit}"
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt"))
        return f"must be {'at most' if kind == 'less_than_equal' else 'less than'} {limit}"
    if kind == "too_short":
        return f"needs at least {plural(ctx.get('min_length', 1), 'item')} here"
    if kind in ("url_parsing", "url_scheme", "url_type"):
        reason = ctx.get("error") or ctx.get("expected_schemes") or "not a URL"
        return f"is not a full URL ({reason}); write it like https://host/path"
    message = str(error["msg"])
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
