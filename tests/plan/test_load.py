"""Plan loading: every broken plan gives file:line:col, the field's path, what is wrong and what to do."""

from __future__ import annotations

import textwrap
from datetime import timedelta

import pytest

from standby.plan.issues import PlanError
from standby.plan.load import load_plan, parse_plan

HEAD = "version: 1\norganization: Acme\npeople:\n  - id: dana\n    email: dana@mail.example\n"


def messages(text: str, env: dict[str, str] | None = None) -> list[str]:
    """The errors (warnings, such as HEAD's person with no way to email them, are tested apart)."""
    with pytest.raises(PlanError) as caught:
        parse_plan(textwrap.dedent(text), "plan.yaml", env or {})
    return [str(issue) for issue in caught.value.issues if issue.severity == "error"]


BROKEN = [
    (
        "near-miss field name",
        HEAD + "domains:\n  - name: acme.example\n    ownr: dana\n",
        ["plan.yaml:8:5 domains[0].ownr: unknown field 'ownr' (did you mean 'owner'?)"],
    ),
    (
        "unknown owner with a suggestion",
        HEAD + "domains:\n  - name: acme.example\n    owner: dnaa\n",
        [
            "plan.yaml:8:12 domains[0].owner: unknown person 'dnaa' (did you mean 'dana'?); owner must be a person id"
        ],
    ),
    (
        "reports_to cycle",
        "version: 1\norganization: A\npeople:\n  - id: a\n    email: a@x.example\n    reports_to: b\n"
        "  - id: b\n    email: b@x.example\n    reports_to: a\n",
        [
            "plan.yaml:6:17 people[0].reports_to: reports_to goes round in a circle (a → b → a); "
            "the top of the chain must report to nobody"
        ],
    ),
    (
        "duplicate person id",
        HEAD + "  - id: dana\n    email: d2@acme.example\n",
        ["plan.yaml:6:9 people[1].id: duplicate person id 'dana' (already at people[0]); ids must be unique"],
    ),
    (
        "missing environment variable",
        HEAD
        + "settings:\n  email: {smtp: 'smtp://relay.acme.example', from: a@acme.example, password: '${SMTP_PW}'}\n",
        [
            "plan.yaml:7:78 settings.email.password: environment variable SMTP_PW is not set; "
            "export it or remove ${SMTP_PW}"
        ],
    ),
    (
        "bad duration",
        HEAD + "domains:\n  - name: acme.example\n    owner: dana\n    warn_within: 30 days\n",
        [
            "plan.yaml:9:18 domains[0].warn_within: '30 days' is not a duration; "
            "write a number and a unit, like 90s, 15m, 6h or 30d"
        ],
    ),
    (
        "wrong version",
        "version: 2\norganization: Acme\n",
        ["plan.yaml:1:10 version: must be 1; got a number (2)"],
    ),
    (
        "missing organization",
        "version: 1\n",
        ["plan.yaml:1:1 organization: 'organization' is required here"],
    ),
    (
        "YAML syntax error",
        "version: 1\norganization: [Acme\n",
        ["plan.yaml:3:1 not valid YAML: while parsing a flow sequence did not find expected ',' or ']'"],
    ),
    (
        "duplicate YAML key",
        "version: 1\norganization: Acme\norganization: Other\n",
        ["plan.yaml:3:1 organization: 'organization' is given twice; keep one"],
    ),
    (
        "unknown time zone",
        "version: 1\norganization: Acme\ntimezone: Mars/Olympus\n",
        ["plan.yaml:3:11 timezone: unknown time zone 'Mars/Olympus'; use an IANA name like America/New_York"],
    ),
    (
        "unknown playbook",
        HEAD + "endpoints:\n  - id: demo\n    url: https://go.acme.example/demo\n    owner: dana\n"
        "    playbook: forms-dwn\n",
        ["plan.yaml:10:15 endpoints[0].playbook: unknown playbook 'forms-dwn'; define it under playbooks"],
    ),
    (
        "escalation target that is neither person nor audience",
        HEAD
        + "playbooks:\n  - id: p\n    escalation:\n      - after: 0m\n        notify: [owner.report_to]\n",
        [
            "plan.yaml:10:18 playbooks[0].escalation[0].notify[0]: unknown person or audience 'owner.report_to' "
            "(did you mean 'owner.reports_to'?); use a person id, an audience id, owner or owner.reports_to"
        ],
    ),
    (
        "critical window longer than the warning window",
        HEAD
        + "domains:\n  - name: acme.example\n    owner: dana\n    warn_within: 7d\n    critical_within: 30d\n",
        [
            "plan.yaml:10:22 domains[0].critical_within: critical_within is longer than warn_within; "
            "make warn_within the larger one"
        ],
    ),
    (
        "not a URL",
        HEAD + "endpoints:\n  - id: demo\n    url: go.acme.example\n    owner: dana\n",
        [
            "plan.yaml:8:10 endpoints[0].url: is not a full URL (relative URL without a base); "
            "write it like https://host/path"
        ],
    ),
    (
        "a bad resolver port",
        "version: 1\norganization: Acme\nsettings:\n  resolvers: ['127.0.0.1:99999']\n",
        [
            "plan.yaml:4:15 settings.resolvers[0]: '127.0.0.1:99999' has a bad port; "
            "write host:port with a port from 1 to 65535"
        ],
    ),
    (
        "a plan that is a list",
        "- version: 1\n",
        ["plan.yaml:1:1 the plan must be a mapping (version: 1, organization: ...)"],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), BROKEN, ids=[c[0] for c in BROKEN])
def test_each_broken_plan_gives_its_exact_message(case: str, text: str, expected: list[str]) -> None:
    assert messages(text) == expected


def test_it_reports_every_problem_at_once() -> None:
    found = messages(HEAD + "domains:\n  - name: acme.example\n    ownr: dana\n    warn_within: soon\n")
    assert len(found) == 2
    both = messages(HEAD + "domains:\n  - name: acme.example\n    owner: dnaa\n    warn_within: soon\n")
    assert [m.split(": ")[0] for m in both] == [  # the reference error too, before the field is fixed
        "plan.yaml:8:12 domains[0].owner",
        "plan.yaml:9:18 domains[0].warn_within",
    ]


@pytest.mark.parametrize(
    ("zone", "hint"),
    [
        ("America/New_Yrok", "(did you mean 'America/New_York'?)"),
        ("europe/berlin", "(did you mean 'Europe/Berlin'? time zone names are case-sensitive)"),
        ("Mars/Olympus", "; use an IANA name like America/New_York"),
    ],
)
def test_a_misspelt_time_zone_gets_a_suggestion(zone: str, hint: str) -> None:
    assert messages(f"version: 1\norganization: Acme\ntimezone: {zone}\n") == [
        f"plan.yaml:3:11 timezone: unknown time zone {zone!r}{' ' if hint.startswith('(') else ''}{hint}"
    ]


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "people: {id: dana}\n",
            "people: expected a list: write [a, b], or one `- item` per line; got a mapping",
        ),
        (
            "settings: [fast]\n",
            "settings: expected a mapping: `key: value` lines, indented under this one; got a list",
        ),
        ("settings: {alert_after: 0}\n", "settings.alert_after: must be at least 1"),
        (
            "settings: {alert_after: often}\n",
            "settings.alert_after: expected a whole number; got text ('often')",
        ),
        (
            "dns: [{name: a.example, type: AAA}]\n",
            "dns[0].type: must be 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'CAA' or 'SOA'; got text ('AAA')",
        ),
    ],
)
def test_shape_mistakes_are_said_in_the_plans_words(yaml_text: str, expected: str) -> None:
    [message] = messages("version: 1\norganization: Acme\n" + yaml_text)
    assert message.split(" ", 1)[1] == expected


def test_operators_must_be_people_of_the_plan() -> None:
    assert messages(HEAD + "operators: [dana, ops]\n") == [
        "plan.yaml:6:19 operators[1]: unknown person 'ops'; operators are the ids of who runs Standby"
    ]


def test_it_substitutes_environment_variables() -> None:
    text = (
        HEAD
        + "settings:\n  email: {smtp: 'smtp://r.acme.example', from: a@acme.example, password: '${PW}x$$'}\n"
    )
    plan, _ = parse_plan(text, "plan.yaml", {"PW": "s3cret"})
    assert plan.settings.email is not None
    assert plan.settings.email.password == "s3cret" + "x$"


def test_a_misplaced_value_from_the_environment_is_never_echoed() -> None:
    text = (
        HEAD
        + "settings:\n  alert_after: ${ALERT_AFTER}\n  email: {smtp: 'smtp://r.acme.example', from: a@acme.example}\n"
    )
    with pytest.raises(PlanError) as caught:
        parse_plan(text, "plan.yaml", {"ALERT_AFTER": "hunter2"})
    [issue] = caught.value.issues
    assert str(issue) == (
        "plan.yaml:7:16 settings.alert_after: expected a whole number; "
        "got the value of an environment variable (not shown)"
    )


def test_it_warns_about_an_asset_without_an_owner_but_still_loads() -> None:
    plan, warnings = parse_plan(HEAD + "domains:\n  - name: Acme.Example.\n", "plan.yaml", {})
    assert plan.domains[0].name == "acme.example"
    assert [str(w) for w in warnings] == [
        "plan.yaml:5:12 people[0].email: warning: settings.email is not configured, so Standby can send no "
        "email: dana has only an email address and would hear nothing (no alert, no incident update); add "
        "settings.email (your SMTP relay) or give them a notify URL",
        "plan.yaml:7:5 domains[0]: warning: no owner: nobody is responsible for this; add owner: <person id>",
    ]


def test_it_parses_durations_and_defaults() -> None:
    plan, _ = parse_plan(HEAD + "domains:\n  - name: acme.example\n    owner: dana\n", "plan.yaml", {})
    domain = plan.domains[0]
    assert domain.warn_within == timedelta(days=30)
    assert domain.critical_within == timedelta(days=7)
    assert plan.settings.timeout == timedelta(seconds=10)


def test_a_missing_file_says_how_to_make_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PlanError) as caught:
        load_plan(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'} no such file; create one with `standby init`"
