"""The playbooks' templates are checked when the plan loads: syntax, variables, audiences."""

from __future__ import annotations

import pytest

from standby.plan.issues import PlanError
from standby.plan.load import parse_plan

HEAD = """\
version: 1
organization: Acme
audiences:
  - id: customers
    external: true
playbooks:
  - id: marketo-down
    audiences: [customers]
    templates:
"""


def messages(templates: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan(HEAD + templates, "plan.yaml", {})
    return [str(issue) for issue in caught.value.issues]


def test_good_templates_load() -> None:
    plan, _ = parse_plan(
        HEAD + "      customers:\n        subject: '{{ organization }}: {{ incident.public_title }}'\n",
        "plan.yaml",
        {},
    )
    template = plan.playbooks[0].templates["customers"]
    assert template.subject == "{{ organization }}: {{ incident.public_title }}" and template.body is None


def test_a_syntax_error_names_the_file_line_and_the_templates_own_line() -> None:
    assert messages(
        "      customers:\n        body: |\n          Hello\n          {{ update.what_we_know }\n"
    ) == [
        "plan.yaml:11:15 playbooks[0].templates.customers.body: template syntax error at line 2 of the "
        "template: unexpected '}'"
    ]


def test_an_unknown_variable_is_an_error_with_a_suggestion() -> None:
    assert messages("      customers:\n        subject: '{{ incdent.title }}'\n") == [
        "plan.yaml:11:18 playbooks[0].templates.customers.subject: unknown template variable 'incdent' "
        "(did you mean 'incident'?); templates can use audience, incident, organization, plan_b, status_page_url, update"
    ]


def test_a_template_for_an_audience_the_playbook_does_not_tell_is_an_error() -> None:
    assert messages("      custmers:\n        subject: hi\n") == [
        "plan.yaml:11:9 playbooks[0].templates.custmers: unknown audience 'custmers' (did you mean "
        "'customers'?); templates are per audience: name one of this playbook's audiences"
    ]


def test_an_external_audiences_template_may_use_only_neutral_values() -> None:
    assert messages("      customers:\n        body: '{{ update.what_we_know }} {{ incident.title }}'\n") == [
        "plan.yaml:11:15 playbooks[0].templates.customers.body: the customers audience is external read "
        "outside the company, so it may not use update.what_we_know, incident.title (written for insiders); "
        "use update.public_text, the text a person writes for outsiders, and the neutral values "
        "(incident.public_title, incident.public_systems, update.state_label, update.next_update_by)"
    ]


def test_the_playbooks_public_text_may_use_only_neutral_values() -> None:
    plan = HEAD.replace("    templates:\n", "    public_text: 'Our forms: {{ update.state_label }}.'\n")
    loaded, _ = parse_plan(plan, "plan.yaml", {})
    assert loaded.playbooks[0].public_text == "Our forms: {{ update.state_label }}."
    with pytest.raises(PlanError) as caught:
        parse_plan(plan.replace("update.state_label", "update.outside"), "plan.yaml", {})
    assert (
        "playbooks[0].public_text: the public text is read outside the company, so it may not use "
        "update.outside" in str(caught.value)
    )
