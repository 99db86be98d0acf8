"""10,000 broken plans (tests/plan/fuzz.py), each either loaded or refused with `file:line:col`
messages: never an exception of another kind, which `standby validate` would show as a traceback."""

from __future__ import annotations

import traceback

import pytest

from standby.plan.issues import PlanError
from standby.plan.load import parse_plan
from tests.plan.fuzz import ENV, cases

CHUNK = 1_000
CHUNKS = 10


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_no_broken_plan_makes_the_reader_fail_otherwise_than_with_plan_errors(chunk: int) -> None:
    failures = []
    for case in cases(chunk * CHUNK, CHUNK):
        try:
            parse_plan(case.text, "plan.yaml", ENV)
        except PlanError as exc:
            assert exc.issues and all(i.file == "plan.yaml" and i.message for i in exc.issues)
        except Exception:  # noqa: BLE001 - collected, so one run names every failing case
            failures.append(f"case {case.number}:\n{traceback.format_exc(limit=-3)}")
    assert not failures, (
        f"{len(failures)} of {CHUNK} cases failed; reproduce with cases(N, 1):\n" + "\n".join(failures[:5])
    )
