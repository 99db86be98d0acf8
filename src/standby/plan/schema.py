"""JSON Schema of the plan, for editors (YAML language servers) and for reviewers."""

from __future__ import annotations

from typing import Any

from standby.plan.model import Plan


def plan_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Standby plan (format version 1)"
    return schema
