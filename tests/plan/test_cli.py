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
    assert "valid (2 people, 1 domains" in capsys.readouterr().out


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
