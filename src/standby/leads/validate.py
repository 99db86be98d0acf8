"""Checking a submission against its form: every value the form defines, cleaned, or a message per
field saying what to fix. Values the form does not define are not kept, and are named back."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from standby.plan.forms import RESERVED, Form, FormField

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
TEL = re.compile(r"^[0-9+()./\-\s]*(?:(?:ext\.?|x)\s*[0-9]+)?$", re.IGNORECASE)
LONGEST = {"textarea": 5000, "email": 254, "tel": 40}
DEFAULT_LONGEST = 500
TRUE = {"on", "true", "1", "yes"}
FALSE = {"", "off", "false", "0", "no"}
Value = str | bool


@dataclass(frozen=True)
class Checked:
    values: dict[str, Value] = field(default_factory=dict)  # cleaned, by field name
    errors: dict[str, str] = field(default_factory=dict)  # field name (or "_form") → what to fix
    ignored: tuple[str, ...] = ()  # names sent that the form does not have

    @property
    def ok(self) -> bool:
        return not self.errors


def check(form: Form, sent: Mapping[str, Any]) -> Checked:
    values: dict[str, Value] = {}
    errors: dict[str, str] = {}
    for spec in form.fields:
        raw = sent.get(spec.name)
        problem, value = _one(spec, raw)
        if problem:
            errors[spec.name] = problem
        elif value is not None:
            values[spec.name] = value
    known = {f.name for f in form.fields} | RESERVED
    ignored = tuple(sorted(str(k)[:64] for k in sent if k not in known))[:20]
    return Checked(values, errors, ignored)


def text_of(raw: Any) -> str | None:
    """One value as text: None when absent; a list, an object or broken text is not a value."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float):
        return str(raw)
    if not isinstance(raw, str):
        raise ValueError("give one value, as text")
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("this is not valid text") from None
    if "\x00" in raw:
        raise ValueError("this contains a NUL character; remove it")
    return raw


def _one(spec: FormField, raw: Any) -> tuple[str | None, Value | None]:
    try:
        text = text_of(raw)
    except ValueError as exc:
        return str(exc).capitalize() + ".", None
    if spec.type == "checkbox":
        flag = (text or "").strip().lower()
        if flag not in TRUE | FALSE:
            return "Tick the box or leave it empty.", None
        if spec.required and flag not in TRUE:
            return f"Tick “{spec.label}” to continue.", None
        return None, flag in TRUE
    text = (text or "").strip() if spec.type != "textarea" else (text or "").strip("\r\n ")
    if not text:
        required = spec.required or spec.name == "email"
        return (f"Fill in “{spec.label}”." if required else None), None
    longest = LONGEST.get(spec.type, DEFAULT_LONGEST)
    if len(text) > longest:
        return f"Keep “{spec.label}” under {longest} characters.", None
    if spec.type == "email" and (not EMAIL.match(text) or not text.isascii()):
        return "Enter an email address like name@example.com (without accents).", None
    if spec.type == "tel" and not TEL.match(text):
        return "Enter a phone number with digits, spaces and + ( ) - only.", None
    if spec.type == "select" and text not in (spec.options or []):
        return f"Choose one of the options for “{spec.label}”.", None
    if spec.type != "textarea" and any(ord(c) < 32 for c in text):
        return f"“{spec.label}” must be on one line.", None
    return None, text
