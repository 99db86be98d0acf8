"""`standby validate`, `standby schema`, `standby init` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from standby.cli import main

EXAMPLE = Path(__file__).parents[2] / "examples" / "plan.yaml"


def test_init_writes_a_starter_plan_that_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "standby.yaml"
    assert main(["init", str(target)]) == 0
    assert main(["validate", str(target)]) == 0
    out, err = capsys.readouterr()
    assert "valid (2 people, 1 domain, 1 certificate, 1 DNS check, 1 endpoint, 1 vendor; 3 warnings)" in out
    # The starter names people by email but configures no relay: said before anyone relies on it.
    assert "people[0].email: warning: settings.email is not configured, so Standby can send no email: " in err
    assert "owner, manager have only an email address and would hear nothing" in err


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "standby.yaml"
    target.write_text("mine")
    assert main(["init", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == "mine"


def test_validate_exits_1_with_located_messages_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("version: 1\norganization: Acme\ndomains:\n  - nme: acme.example\n")
    assert main(["validate", str(plan)]) == 1
    err = capsys.readouterr().err
    assert f"{plan}:4:5 domains[0].nme: unknown field 'nme' (did you mean 'name'?)" in err
    assert "Traceback" not in err


def test_validate_a_missing_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "none.yaml")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_the_bundled_example_plan_validates() -> None:
    assert main(["validate", str(EXAMPLE)]) == 0


def test_schema_is_a_json_schema_that_accepts_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(EXAMPLE.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"version": 1, "organization": "A", "domains": [{"name": "a", "ownr": "x"}]}, schema
        )


def test_an_unknown_command_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 1


def test_the_plan_reference_in_docs_is_generated_from_the_models() -> None:
    from standby.plan.reference import render

    current = (Path(__file__).parents[2] / "docs" / "plan-reference.md").read_text()
    assert current == render(), "regenerate: python -m standby.plan.reference > docs/plan-reference.md"


def test_validate_reports_field_and_reference_problems_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\norganization: Acme\ntimezone: america/new_york\n"
        "people:\n  - id: dana\n    email: dana@mail.example\n    notify: 'slack://t/b/c'\n"
        "domains:\n  - name: acme.example\n    owner: dna\n    warn_within: soon\n"
    )
    assert main(["validate", str(plan)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{plan}:3:11 timezone: unknown time zone 'america/new_york' (did you mean 'America/New_York'? "
        "time zone names are case-sensitive)",
        f"{plan}:7:13 people[0].notify: expected a list: write [a, b], or one `- item` per line; "
        "got text ('slack://t/b/c')",
        f"{plan}:10:12 domains[0].owner: unknown person 'dna' (did you mean 'dana'?); owner must be a person id",
        f"{plan}:11:18 domains[0].warn_within: 'soon' is not a duration; write a number and a unit, like 90s, "
        "15m, 6h or 30d",
        f"{plan}:6:12 people[0].email: warning: settings.email is not configured, so Standby can send no "
        "email: dana has only an email address and would hear nothing (no alert, no incident update); add "
        "settings.email (your SMTP relay) or give them a notify URL",
        f"{plan}: 4 errors; the plan was not loaded",
    ]
