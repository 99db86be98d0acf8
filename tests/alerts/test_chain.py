"""The chain snapshot: playbook or default, targets resolved to people and addresses, gaps named."""

from __future__ import annotations

from typing import Any

from standby.alerts.chain import describe, snapshot
from standby.plan.model import Plan

PEOPLE: list[dict[str, Any]] = [
    {"id": "dana", "name": "Dana Reyes", "email": "dana@acme.example", "reports_to": "lee"},
    {"id": "lee", "name": "Lee Park", "email": "lee@acme.example", "notify": ["json://127.0.0.1:9/hook"]},
]


def plan(**extra: Any) -> Plan:
    data = {
        "version": 1,
        "organization": "Acme Corp",
        "settings": {"email": {"smtp": "smtp://127.0.0.1:25", "from": "standby@acme.example"}},
        "people": PEOPLE,
        **extra,
    }
    return Plan.model_validate(data)


def test_without_a_playbook_the_default_chain_is_owner_then_manager_in_rounds_of_an_hour() -> None:
    chain = snapshot(plan(), asset="endpoint:demo-page", owner="dana")
    assert [[r["id"] for r in s["recipients"]] for s in chain["steps"]] == [["dana"], ["lee"]]
    assert [s["after"] for s in chain["steps"]] == [0, 1800]
    assert (chain["repeat"], chain["round_seconds"]) == (1, 3600)
    assert chain["steps"][1]["recipients"][0]["contacts"] == [
        {"channel": "email", "address": "lee@acme.example"},
        {"channel": "apprise", "address": "json://127.0.0.1:9/hook"},
    ]
    assert describe(chain) == (
        "Dana Reyes at once; Lee Park after 30 min; rounds of 1 h, repeated once (the default chain)"
    )


def test_the_assets_playbook_sets_the_steps_and_a_last_step_waits_as_long_as_the_gap_before_it() -> None:
    playbook = {
        "id": "forms-down",
        "repeat": 2,
        "escalation": [
            {"after": "0m", "notify": ["owner"]},
            {"after": "15m", "notify": ["owner.reports_to"]},
        ],
    }
    endpoint = {
        "id": "demo-page",
        "url": "https://go.acme.example/",
        "owner": "dana",
        "playbook": "forms-down",
    }
    chain = snapshot(
        plan(playbooks=[playbook], endpoints=[endpoint]), asset="endpoint:demo-page", owner="dana"
    )
    assert (chain["source"], chain["repeat"], chain["round_seconds"]) == ("playbook forms-down", 2, 1800)


def test_a_single_step_chain_waits_30_minutes_per_round() -> None:
    playbook = {"id": "p", "escalation": [{"after": "0m", "notify": ["owner"]}]}
    domain = {"name": "acme.example", "owner": "dana", "playbook": "p"}
    chain = snapshot(plan(playbooks=[playbook], domains=[domain]), asset="domain:acme.example", owner="dana")
    assert chain["round_seconds"] == 1800


def test_a_person_without_email_relay_or_notify_url_is_kept_with_the_reason() -> None:
    chain = snapshot(plan(settings={}), asset="endpoint:x", owner="dana")
    dana = chain["steps"][0]["recipients"][0]
    assert dana["contacts"] == []
    assert (
        dana["problem"] == "has an email address but the plan configures no settings.email, and no notify URL"
    )


def test_an_asset_without_an_owner_names_no_one_and_says_why() -> None:
    chain = snapshot(plan(), asset="endpoint:x", owner=None)
    assert chain["owner"] is None
    assert [s["notes"] for s in chain["steps"]] == [
        ["endpoint:x has no owner in the plan, so 'owner' names no one"],
        ["endpoint:x has no owner in the plan, so 'owner.reports_to' names no one"],
    ]
