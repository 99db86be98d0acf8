"""Load a plan file: YAML with positions → ${VAR} → pydantic → references. Errors say file:line:col."""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from standby.plan.audit import audit_plan
from standby.plan.backups_check import backup_problems
from standby.plan.forms_check import clear_secrets, form_problems
from standby.plan.issues import Path, PlanError, PlanIssue, dotted, suggest
from standby.plan.model import NOT_YET, Plan
from standby.plan.refs import check_references
from standby.plan.yamlmap import Positions, load_yaml


def load_plan(file: str | FsPath, env: Mapping[str, str] | None = None) -> tuple[Plan, list[PlanIssue]]:
    """Read and check a plan; return it with its warnings, or raise PlanError listing every problem."""
    name = str(file)
    try:
        text = FsPath(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError([PlanIssue(name, 0, 0, "", "no such file; create one with `standby init`")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError([PlanIssue(name, 0, 0, "", f"cannot read it: {exc}")]) from None
    return parse_plan(text, name, os.environ if env is None else env)


def parse_plan(text: str, file: str, env: Mapping[str, str]) -> tuple[Plan, list[PlanIssue]]:
    data, positions, issues = load_yaml(text, file, env)
    if data is None and not issues:
        issues = [PlanIssue(file, 1, 1, "", "the plan is empty; start from `standby init`")]
    if data is None:
        raise PlanError(issues)
    if not isinstance(data, dict):
        raise PlanError(
            [PlanIssue(file, 1, 1, "", "the plan must be a mapping (version: 1, organization: ...)")]
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError(sorted(issues + _from_validation(exc, file, positions), key=_order)) from None
    problems = check_references(plan) + form_problems(plan) + audit_plan(plan)
    problems += clear_secrets(plan, positions.substituted)
    problems += backup_problems(plan, positions.substituted)
    found = list(issues)
    for p in problems:
        line, col = positions.at(p.path, key=p.key)
        found.append(
            PlanIssue(
                file, line, col, dotted(p.path), p.message, "warning" if p.severity == "warning" else "error"
            )
        )
    errors = [i for i in found if i.severity == "error"]
    if errors:
        raise PlanError(sorted(found, key=_order))
    return plan, sorted(found, key=_order)


def _order(issue: PlanIssue) -> tuple[int, int, int]:
    return (issue.severity != "error", issue.line, issue.column)


def _from_validation(exc: ValidationError, file: str, positions: Positions) -> list[PlanIssue]:
    out = []
    for error in exc.errors():
        loc: Path = tuple(error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden":
            field = str(loc[-1])
            allowed = _fields_at(loc[:-1])
            hint = suggest(field, allowed) or (
                f"; known fields: {', '.join(sorted(allowed))}" if allowed else ""
            )
            message = NOT_YET.get((str(loc[0]), field)) or f"unknown field {field!r}{hint}"
            line, col = positions.at(loc, key=True)
        elif kind == "missing":
            message = f"{loc[-1]!r} is required here"
            line, col = positions.at(loc[:-1])
        else:
            message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            if kind in {"url_parsing", "url_scheme"}:
                message += " (write a full URL like https://host/path)"
            line, col = positions.at(loc)
        out.append(PlanIssue(file, line, col, dotted(loc), message))
    return out


def _fields_at(loc: Path) -> set[str]:
    """The field names (with aliases) allowed at `loc`, to suggest a near miss for an unknown one."""
    current: Any = Plan
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
            current = field.annotation if field else None
        else:
            args = typing.get_args(current)
            current = args[-1] if args else None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return {f.alias or n for n, f in current.model_fields.items()}
    return set()


def _unwrap(annotation: Any) -> Any:
    """`X | None` → X; `Annotated[X, ...]` → X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation
