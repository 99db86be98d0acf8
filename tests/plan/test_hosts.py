"""Which of the plan's domains each asset sits on (a parked domain takes down what is under it), worked
out once per plan: the engine and the alerts ask for every failure they record."""

from __future__ import annotations

from standby.plan.hosts import foundations, hosts
from standby.plan.load import parse_plan

PLAN = """\
version: 1
organization: Acme
people:
  - {id: dana, name: Dana, notify: ["json://127.0.0.1/hook"]}
domains:
  - {name: acme.example, owner: dana}
  - {name: go.acme.example, owner: dana}
endpoints:
  - {id: demo, url: "https://go.acme.example/demo", owner: dana}
  - {id: elsewhere, url: "https://other.example/", owner: dana}
"""


def test_an_asset_sits_on_the_plans_domains_at_or_above_its_host_most_specific_first() -> None:
    plan, _ = parse_plan(PLAN, "plan.yaml", {})
    assert hosts(plan)["endpoint:demo"] == ["go.acme.example"]
    on = foundations(plan)
    assert on["endpoint:demo"] == ["domain:go.acme.example", "domain:acme.example"]
    assert "endpoint:elsewhere" not in on and "domain:go.acme.example" not in on


def test_the_answer_is_worked_out_once_per_plan_and_anew_for_a_reloaded_one() -> None:
    plan, _ = parse_plan(PLAN, "plan.yaml", {})
    assert foundations(plan) is foundations(plan) and hosts(plan) is hosts(plan)
    edited, _ = parse_plan(PLAN.replace("go.acme.example/demo", "www.acme.example/demo"), "plan.yaml", {})
    assert foundations(edited)["endpoint:demo"] == ["domain:acme.example"]
    assert foundations(plan)["endpoint:demo"] == ["domain:go.acme.example", "domain:acme.example"]
