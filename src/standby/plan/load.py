"""Load a plan file: YAML with positions → ${VAR} → pydantic → references. Errors say file:line:col."""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from standby.plan import limits, templates
from standby.plan.audit import audit_plan
from standby.plan.backups_check import backup_problems
from standby.plan.forms_check import clear_secrets, form_problems
from standby.plan.issues import Path, PlanError, PlanIssue, dotted, suggest, suggestion_budget
from standby.plan.messages import friendly
from standby.plan.model import NOT_YET, Plan
from standby.plan.partial import partial_plan
from standby.plan.refs import check_references
from standby.plan.yamlmap import Positions, load_yaml

MAX_ISSUES = 100  # problems listed; past that, how many more (the first ones are usually the cause)
MAX_HINTS = 20  # "did you mean …?" looked for (see issues.suggestion_budget)
MAX_HINT_WORK = 50_000  # words compared while looking for them: a few tenths of a second
_LAST = 1 << 30


def load_plan(file: str | FsPath, env: Mapping[str, str] | None = None) -> tuple[Plan, list[PlanIssue]]:
    """Read and check a plan; return it with its warnings, or raise PlanError listing every problem."""
    name = str(file)
    try:
        data = read_bounded(FsPath(file))
        if len(data) > limits.MAX_BYTES:
            raise PlanError([PlanIssue(name, 0, 0, "", limits.TOO_BIG)])
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise PlanError([PlanIssue(name, 0, 0, "", "no such file; create one with `standby init`")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError([PlanIssue(name, 0, 0, "", f"cannot read it: {exc}")]) from None
    return parse_plan(text, name, os.environ if env is None else env)


def read_bounded(path: FsPath) -> bytes:
    """The file's bytes, but never more than one past the most a plan may have (whatever the file
    is: a device or a growing log does not make the reader wait or fill the memory)."""
    with path.open("rb") as f:
        return f.read(limits.MAX_BYTES + 1)


def parse_plan(text: str, file: str, env: Mapping[str, str]) -> tuple[Plan, list[PlanIssue]]:
    """Check a plan's text; return it with its warnings, or raise PlanError listing the problems (at
    most MAX_ISSUES of them, then how many more). Bounded: see plan/limits.py."""
    with suggestion_budget(MAX_HINTS, MAX_HINT_WORK):
        try:
            return _parse(text, file, env)
        except PlanError as exc:
            raise PlanError(_at_most(exc.issues)) from None


def _at_most(issues: list[PlanIssue]) -> list[PlanIssue]:
    if len(issues) <= MAX_ISSUES:
        return issues
    more = len(issues) - MAX_ISSUES
    rest = PlanIssue(issues[0].file, 0, 0, "", f"… and {more:,} more problems; fix these first")
    return [*issues[:MAX_ISSUES], rest]


def _parse(text: str, file: str, env: Mapping[str, str]) -> tuple[Plan, list[PlanIssue]]:
    data, positions, issues = load_yaml(text, file, env)
    if data is None and not issues:
        issues = [PlanIssue(file, 1, 1, "", "the plan is empty; start from `standby init`")]
    if data is None:
        raise PlanError(issues)
    if not isinstance(data, dict):
        raise PlanError(
            [PlanIssue(file, 1, 1, "", "the plan must be a mapping (version: 1, organization: ...)")]
        )
    if (where := templates.oversized(data)) is not None:
        line, col = positions.at(where)
        raise PlanError([*issues, PlanIssue(file, line, col, dotted(where), templates.TOO_MUCH)])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        fields = _from_validation(exc, file, positions)
        # Every problem at once: the whole-plan checks run on what is valid (plan/partial.py). A check
        # that trips over a half-built plan loses only its own findings, never the field problems.
        # Past MAX_ISSUES field problems the list is full already: rebuilding thousands of broken
        # parts would only cost time (36,000 misspelt fields: 2 s).
        whole = []
        if exc.error_count() <= MAX_ISSUES:
            try:
                whole = _whole_plan(partial_plan(data), file, positions, skip=fields)
            except (AttributeError, TypeError, ValueError):
                whole = []
        raise PlanError(sorted(issues + fields + whole, key=_order)) from None
    found = issues + _whole_plan(plan, file, positions, skip=[])
    errors = [i for i in found if i.severity == "error"]
    if errors:
        raise PlanError(sorted(found, key=_order))
    return plan, sorted(found, key=_order)


def _whole_plan(plan: Plan, file: str, positions: Positions, *, skip: list[PlanIssue]) -> list[PlanIssue]:
    """References and the independence audit, as issues; none where a field problem already is."""
    taken = {i.path for i in skip}
    problems = check_references(plan) + form_problems(plan) + audit_plan(plan)
    problems += clear_secrets(plan, positions.substituted)
    problems += backup_problems(plan, positions.substituted)
    found = []
    for p in problems:
        if dotted(p.path) in taken:
            continue
        line, col = positions.at(p.path, key=p.key)
        warning = p.severity == "warning"
        found.append(PlanIssue(file, line, col, dotted(p.path), p.message, "warning" if warning else "error"))
    return found


def _order(issue: PlanIssue) -> tuple[int, int, int]:
    return (issue.severity != "error", issue.line or _LAST, issue.column)  # line 0: the whole file


def _from_validation(exc: ValidationError, file: str, positions: Positions) -> list[PlanIssue]:
    out = []
    errors = exc.errors(include_url=False)  # inputs are references to the data, not copies
    for error in errors[:MAX_ISSUES]:
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
            # A value from ${VAR} may be a secret: its message never echoes it.
            shown = {k: v for k, v in error.items() if k != "input" or loc not in positions.substituted}
            message = friendly(shown)
            line, col = positions.at(loc)
        out.append(PlanIssue(file, line, col, dotted(loc), message))
    if len(errors) > MAX_ISSUES:
        more = len(errors) - MAX_ISSUES
        out.append(PlanIssue(file, 0, 0, "", f"… and {more:,} more values that do not fit the plan format"))
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
