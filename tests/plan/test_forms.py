"""The forms: and fallback: sections: every mistake the issue names is a clear message at its line,
and secrets are only accepted from the environment."""

from __future__ import annotations

import pytest

from standby.plan.issues import PlanError
from standby.plan.load import parse_plan

ENV = {"MKTO_SECRET": "s3cret", "HUBSPOT_TOKEN": "pat-na1-x", "HOOK_SECRET": "h"}
GOOD = """\
version: 1
organization: Acme
people:
  - {id: dana, email: dana@acme-mail.example, notify: ["json://hooks.acme-ops.example/standby"]}
domains:
  - {name: acme.example, owner: dana}
vendors:
  - {id: marketo, owner: dana}
settings:
  base_url: https://standby.acme-ops.example
fallback:
  capture_url: https://forms.acme-backup.example
  pages_url: https://pages.acme-backup.example
  publish:
    - url: s3://acme-fallback/pages
forms:
  - id: demo-request
    title: Request a demo
    vendor: marketo
    fields:
      - {name: email, label: Work email, type: email}
      - {name: firstName, label: First name, required: true}
      - {name: country, label: Country, type: select, options: [France, Japan]}
    destination:
      marketo:
        munchkin_id: 123-ABC-456
        client_id: abc
        client_secret: ${MKTO_SECRET}
        form_id: 2187
  - id: contact
    title: Contact us
    vendor: marketo
    fields: [{name: email, label: Email, type: email}]
    destination:
      webhook: {url: "https://hooks.acme-backup.example/leads", secret: "${HOOK_SECRET}"}
playbooks:
  - id: marketo-down
    plan_b: [demo-request, contact]
"""


def load(text: str) -> list[str]:
    try:
        _, warnings = parse_plan(text, "plan.yaml", ENV)
    except PlanError as exc:
        return [str(i) for i in exc.issues]
    return [str(w) for w in warnings]


def test_a_good_plan_loads_without_a_word() -> None:
    plan, warnings = parse_plan(GOOD, "plan.yaml", ENV)
    assert warnings == []
    assert plan.forms[0].destination.marketo is not None
    assert plan.forms[0].destination.marketo.url == "https://123-ABC-456.mktorest.com"
    assert plan.forms[0].destination.marketo.client_secret == "s3cret"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    vendor: marketo\n    fields:\n      - {name: email, label: Work email", "    vendor: marketto\n    fields:\n      - {name: email, label: Work email",
         "plan.yaml:19:13 forms[0].vendor: unknown vendor 'marketto' (did you mean 'marketo'?); name a vendor"),
        ("      - {name: email, label: Work email, type: email}\n", "",
         "plan.yaml:17:5 forms[0]: a form needs a field named email (type: email): leads are replayed by email"),
        ("client_secret: ${MKTO_SECRET}", "client_secret: hunter2",
         "plan.yaml:28:24 forms[0].destination.marketo.client_secret: client_secret is written in clear; write it as ${VARIABLE}"),
        ("client_secret: ${MKTO_SECRET}", 'client_secret: ""',
         "forms[0].destination.marketo.client_secret: client_secret is written in clear"),
        ('secret: "${HOOK_SECRET}"', 'secret: "x${HOOK_SECRET}"',
         "forms[1].destination.webhook.secret: secret is written in clear"),
        ("capture_url: https://forms.acme-backup.example", "capture_url: https://forms.acme.example",
         "plan.yaml:12:16 fallback.capture_url: warning: fallback forms post to forms.acme.example, under acme.example, which this plan monitors"),
        ("pages_url: https://pages.acme-backup.example", "pages_url: https://go.acme.example",
         "fallback.pages_url: warning: the fallback pages live at go.acme.example, under acme.example"),
        ("options: [France, Japan]", "options: []", "the select field 'country' needs options: [...]"),
        ("{name: email, label: Work email, type: email}", "{name: email, label: Work email, type: text}", "the field named email must have type: email"),
        ("{name: email, label: Work email, type: email}", "{name: email, label: Work email, type: email, required: false}", "the email field is always required"),
        ("{name: firstName, label: First name, required: true}", "{name: _key, label: Key}", "String should match pattern"),
        ("{name: firstName, label: First name, required: true}", "{name: email, label: Again, type: email}", "field names must be unique: email"),
        ("        form_id: 2187", "        form_id: 2187\n        lookup_field: email", "give form_id (submit the form) or lookup_field (sync leads), not both"),
        ("plan_b: [demo-request, contact]", "plan_b: [demo-requset]", "playbooks[0].plan_b[0]: unknown form 'demo-requset' (did you mean 'demo-request'?)"),
        ("  - id: contact\n", "  - id: demo-request\n", "forms[1].id: duplicate form id 'demo-request' (already forms[0])"),
        ("      webhook: {url:", "      marketo: {munchkin_id: 123-ABC-456, client_id: a, client_secret: '${MKTO_SECRET}'}\n      webhook: {url:", "give exactly one destination"),
        ("    vendor: marketo\n    fields: [{name: email, label: Email", "    fields: [{name: email, label: Email", "__none__"),
    ],
)  # fmt: skip
def test_each_mistake_is_a_clear_message(old: str, new: str, expected: str) -> None:
    assert old in GOOD, old
    found = load(GOOD.replace(old, new, 1))
    if expected == "__none__":  # a webhook form needs no vendor monitor
        assert found == []
    else:
        assert any(expected in line for line in found), found


def test_a_platform_form_without_a_vendor_is_a_warning_and_no_capture_url_too() -> None:
    text = GOOD.replace(
        "    vendor: marketo\n    fields:\n      - {name: email", "    fields:\n      - {name: email", 1
    )
    text = text.replace("  capture_url: https://forms.acme-backup.example\n", "").replace(
        "  base_url: https://standby.acme-ops.example\n", "  timeout: 5s\n"
    )
    found = load(text)
    assert any(
        "forms[0].destination: warning: no vendor: replay to marketo waits on no monitor" in f for f in found
    ), found
    assert any("warning: no capture URL" in f for f in found), found
