"""Audience templates: the plan's own wording is used; a hostile or broken template cannot reach
Python's internals or flood the outbox, and falls back to the default with a note on the timeline."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from standby.incidents import service
from standby.incidents.templates import EXTERNAL_BODY, EXTERNAL_SUBJECT, INTERNAL_BODY, INTERNAL_SUBJECT
from tests.incidents.conftest import World

HOSTILE = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ update.__class__.__base__.__subclasses__() }}",
    "{{ namespace.__init__.__globals__.sys.modules }}",
    "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{{ c }}{% endfor %}",
    "{{ update.clear() }}",
    "{{ 'x' * 1000000 }}",
    "{{ 9 ** 99999 }}",
    "{% for i in range(99999) %}{{ update.what_we_know }}{% endfor %}",
    "{{ range(10 ** 9) | list }}",
]


def with_templates(world: World, templates: dict[str, Any]) -> None:
    playbook = {**world.data["playbooks"][0], "templates": templates}
    world.edit_plan(playbooks=[playbook, world.data["playbooks"][1]])


def test_the_playbooks_template_words_the_audiences_message(world: World) -> None:
    with_templates(
        world,
        {
            "marketing": {
                "subject": "{{ incident.public_title }}: {{ update.state_label }} (next by {{ update.next_update_by }})",
                "body": "Hi team,\n{{ update.what_we_know }}\n{% if audience.external %}outside{% else %}inside{% endif %}",
            }
        },
    )
    world.fail()
    world.at(0)
    assert world.mail("sam@acme.example") == [
        "Problems with Marketo forms: Investigating (next by 09:15 EDT)"
    ]
    assert world.body("sam@acme.example").replace("\r\n", "\n") == (
        "Hi team,\nWe are investigating problems with Marketo forms.\ninside\n"
    )
    assert world.updates()[0].renders["marketing"]["template"] == "plan"
    assert world.updates()[0].renders["sales"]["template"] == "default"


@pytest.mark.parametrize("source", HOSTILE)
def test_a_hostile_template_cannot_reach_python_internals_and_the_default_goes_out(
    world: World, source: str
) -> None:
    with_templates(world, {"marketing": {"body": source}})
    world.fail()
    world.at(0)
    body = world.body("sam@acme.example")
    assert body.startswith("Problems with Marketo: Investigating (major)")  # the default internal message
    for leak in ("<class", "<module", "<function", "built-in", "__", "xxxxxxxxxx"):
        assert leak not in body
    errors = [text for kind, text in world.timeline() if kind == "template_error"]
    assert len(errors) == 1 and errors[0].startswith(
        "the marketing template failed, the default was sent instead"
    )
    assert world.updates()[0].renders["marketing"]["template"] == "default"


def test_the_preview_says_when_a_template_fails(world: World) -> None:
    with_templates(world, {"customers": {"subject": "{{ incident.nope }}"}})
    world.fail()
    world.at(0)
    with world.sessions.begin() as session:
        shown = service.preview(
            session, plan=world.plan, incident_id=1, know="k", dont_know="d", actor="dana", now=world.now,
            next_by=world.now + timedelta(minutes=5), publish=True,
        )  # fmt: skip
    customers = shown.deliveries[-1]
    assert customers.template == "default" and customers.error is not None and "nope" in customers.error
    assert customers.subject == "Acme Corp: Problems with Marketo forms (investigating)"


def test_the_default_templates_keep_internal_names_inside() -> None:
    for internal in (
        "incident.lead",
        "incident.systems",
        "incident.alerts",
        "incident.severity",
        "incident.id",
    ):
        assert internal in INTERNAL_BODY
        assert internal not in EXTERNAL_BODY


def test_the_docs_show_the_default_templates_as_they_are() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "incidents.md").read_text()
    for template in (INTERNAL_SUBJECT, INTERNAL_BODY, EXTERNAL_SUBJECT, EXTERNAL_BODY):
        assert template in docs
