from __future__ import annotations

import pytest

from standby.leads.validate import check
from standby.plan.forms import Form

FORM = Form.model_validate(
    {
        "id": "demo",
        "title": "Demo",
        "fields": [
            {"name": "email", "label": "Email", "type": "email"},
            {"name": "phone", "label": "Phone", "type": "tel"},
            {"name": "size", "label": "Company size", "type": "select", "options": ["1-10", "11-500"]},
            {"name": "consent", "label": "I agree", "type": "checkbox", "required": True},
            {"name": "note", "label": "Note", "type": "textarea"},
        ],
        "destination": {"webhook": {"url": "https://hooks.example/x"}},
    }
)
OK = {"email": "ana@example.org", "consent": "on"}


def test_clean_values_are_kept_and_typed() -> None:
    found = check(
        FORM, {**OK, "phone": " +1 (555) 010-0100 ext. 4 ", "size": "1-10", "note": "line one\nline two"}
    )
    assert found.ok
    assert found.values == {
        "email": "ana@example.org", "phone": "+1 (555) 010-0100 ext. 4", "size": "1-10", "consent": True,
        "note": "line one\nline two",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("email", "ana@example", "Enter an email address"),
        ("email", "anä@exämple.org", "without accents"),
        ("email", None, "Fill in “Email”."),
        ("phone", "call me maybe", "Enter a phone number"),
        ("size", "huge", "Choose one of the options"),
        ("consent", "", "Tick “I agree” to continue."),
        ("consent", "perhaps", "Tick the box or leave it empty."),
        ("note", "x" * 5001, "under 5000 characters"),
        ("phone", "5551234\n", None),
        ("size", "1-10\r\nX-Injected: 1", "Choose one of the options"),
        ("note", "\ud800", "This is not valid text."),
        ("note", {"nested": 1}, "Give one value, as text."),
    ],
)
def test_each_field_says_what_to_fix(name: str, value: object, message: str | None) -> None:
    found = check(FORM, {**OK, name: value})
    if message is None:
        assert found.ok
    else:
        assert message in found.errors[name]


def test_unknown_names_are_named_back_but_the_reserved_ones_are_not() -> None:
    found = check(FORM, {**OK, "utm_source": "ads", "_key": "k", "_hp": "", "_page": "https://x"})
    assert found.ignored == ("utm_source",)
