"""The plan reader's limits: a hostile or broken file is refused with one `file:line:col` message that
names the limit and what to do, before anything is built — never a hang, a traceback or a blow-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from standby.plan import limits
from standby.plan.issues import PlanError
from standby.plan.load import MAX_HINTS, MAX_ISSUES, load_plan, parse_plan
from standby.plan.templates import MAX_SOURCE
from tests.plan.fuzz import alias_bomb

HEAD = "version: 1\norganization: Acme\n"


def refused(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, "plan.yaml", {})
    return [str(i) for i in caught.value.issues]


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    """`standby validate` as a user runs it; the timeout only keeps a regression from hanging CI."""
    command = [sys.executable, "-m", "standby", "validate", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_an_alias_bomb_is_refused_at_the_alias_that_crosses_the_limit() -> None:
    messages = refused(HEAD + alias_bomb(9, 9))
    assert messages == [f"plan.yaml:8:15 {limits.EXPANDED}"]  # the third alias of b4 (9^5 values each) in b5


def test_aliases_that_stay_within_the_limits_are_read_as_the_values_they_name() -> None:
    text = HEAD + "endpoints:\n  - {id: a, url: 'https://a.example/', expect: &ok {status: [200]}}\n"
    text += "  - {id: b, url: 'https://b.example/', expect: *ok}\n"
    plan, _ = parse_plan(text, "plan.yaml", {})
    assert [e.expect.status for e in plan.endpoints] == [[200], [200]]


def test_an_error_inside_an_aliased_value_is_shown_at_the_alias_too() -> None:
    text = HEAD + "endpoints:\n  - {id: a, url: 'https://a.example/', expect: &ok {status: [x]}}\n"
    text += "  - {id: b, url: 'https://b.example/', expect: *ok}\n"
    messages = refused(text)
    assert messages[0].startswith(
        "plan.yaml:4:62 endpoints[0].expect.status[0]: expected a whole number; got text ('x')"
    )
    assert messages[1].startswith(
        "plan.yaml:5:48 endpoints[1].expect.status[0]: expected a whole number; got text ('x')"
    )


def test_too_many_aliases_are_refused_even_when_each_is_small() -> None:
    text = HEAD + "x: &x 1\ny: [" + ", ".join(["*x"] * (limits.MAX_ALIASES + 1)) + "]\n"
    [message] = refused(text)
    assert message.startswith("plan.yaml:4:") and limits.ALIASES in message


@pytest.mark.parametrize(
    "text",
    ["x: &a [*a]\n", "people: &p\n  - id: x\n    name: *p\n", "x: &m {k: {k: *m}}\n"],
    ids=["list", "mapping-in-list", "nested"],
)
def test_an_alias_inside_its_own_anchor_is_refused(text: str) -> None:
    [message] = refused(HEAD + text)
    assert message.endswith(limits.SELF)


def test_an_alias_of_an_anchor_not_yet_defined_says_so() -> None:
    assert refused(HEAD + "x: *nowhere\n") == [
        "plan.yaml:3:4 there is no anchor &nowhere before this alias; define it first"
    ]


def test_nesting_deeper_than_the_limit_is_refused_where_it_crosses() -> None:
    depth = limits.MAX_DEPTH + 5
    [message] = refused(HEAD + "x: " + "[" * depth + "]" * depth + "\n")
    assert message == f"plan.yaml:3:{4 + limits.MAX_DEPTH - 1} {limits.DEPTH}"


def test_a_value_longer_than_the_limit_is_refused() -> None:
    [message] = refused(HEAD + "settings: {base_url: " + "a" * (limits.MAX_SCALAR + 1) + "}\n")
    assert message == f"plan.yaml:3:22 {limits.SCALAR}"


@pytest.mark.parametrize(
    "number", ["9" * 5000, "-" + "1" * 4301, "0x" + "f" * 40, "1" + ":59" * 20, "1." + "9" * 40]
)
def test_a_number_of_too_many_digits_is_refused_before_it_is_converted(number: str) -> None:
    [message] = refused(HEAD + f"settings:\n  concurrency: {number}\n")
    assert message == f"plan.yaml:4:16 {limits.DIGITS}"


def test_a_quoted_long_number_is_text_and_checked_as_such() -> None:
    [message] = refused(HEAD + f"settings:\n  concurrency: '{'9' * 40}'\n")
    assert message.startswith("plan.yaml:4:16 settings.concurrency: must be at most")


def test_a_file_larger_than_the_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(HEAD + "#" * limits.MAX_BYTES)
    with pytest.raises(PlanError) as caught:
        load_plan(plan)
    assert [str(i) for i in caught.value.issues] == [f"{plan} {limits.TOO_BIG}"]


def test_a_second_document_is_refused() -> None:
    assert refused(HEAD + "---\nversion: 1\n") == [
        "plan.yaml:3:1 a plan is one YAML document; remove the second `---`"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("99999999999d", "'99999999999d' is longer than 3650d, the longest duration a plan may give"),
        ("9" * 400 + "s", "is longer than 3650d"),
        ("3651d", "'3651d' is longer than 3650d"),
    ],
)
def test_a_duration_beyond_ten_years_is_refused(value: str, expected: str) -> None:
    [message] = refused(HEAD + f"settings:\n  timeout: {value}\n")
    assert message.startswith("plan.yaml:4:12 settings.timeout: ") and expected in message


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("A" * 300, "a time zone name of 300 characters is not one; use an IANA name like America/New_York"),
        ("../../etc/passwd", "unknown time zone '../../etc/passwd'; use an IANA name like America/New_York"),
        ("Europe/Nowhere", "unknown time zone 'Europe/Nowhere'"),
    ],
)
def test_a_time_zone_that_is_not_one_is_refused_with_a_message(zone: str, expected: str) -> None:
    [message] = refused(HEAD + f"timezone: {zone}\n")
    assert message.startswith("plan.yaml:3:11 timezone: ") and expected in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-13-45", "cannot read this value: month must be in 1..12; quote it if it is text"),
        ("!!int abc", "cannot read this value: invalid literal for int() with base 10: 'abc'"),
        ("!!timestamp yesterday", "cannot read this value: "),
        ("!!python/object:os.system echo", "cannot read this value: could not determine a constructor"),
    ],
)
def test_a_value_yaml_cannot_convert_is_a_message_at_its_place(value: str, expected: str) -> None:
    messages = refused(HEAD.replace("Acme", value))
    assert messages[0].startswith("plan.yaml:2:15 organization: ") and expected in messages[0]


def test_templates_beyond_their_total_size_are_refused_before_they_are_compiled() -> None:
    body = "x" * (MAX_SOURCE // 2 + 1)
    text = HEAD + "audiences: [{id: a}, {id: b}]\nplaybooks:\n  - id: p\n    audiences: [a, b]\n"
    text += f"    templates:\n      a: {{body: {body}a}}\n      b: {{body: {body}b}}\n"
    [message] = refused(text)
    assert message.startswith("plan.yaml:9:17 playbooks[0].templates.b.body: the plan's templates hold more")


def test_one_template_shared_by_many_audiences_counts_once() -> None:
    body = "x" * (MAX_SOURCE - 10)
    text = HEAD + "audiences: [{id: a}, {id: b}]\nplaybooks:\n  - id: p\n    audiences: [a, b]\n"
    text += f"    templates:\n      a: {{body: &t {body}}}\n      b: {{body: *t}}\n"
    plan, _ = parse_plan(text, "plan.yaml", {})
    assert set(plan.playbooks[0].templates) == {"a", "b"}


def test_thousands_of_problems_are_cut_to_the_first_ones_and_a_count() -> None:
    people = "".join(f"  - {{id: p{i}, email: p{i}@a.example}}\n" for i in range(1000))
    domains = "".join(f"  - {{name: d{i}.example, owner: px{i}}}\n" for i in range(1000))
    messages = refused(HEAD + "people:\n" + people + "domains:\n" + domains)
    assert len(messages) == MAX_ISSUES + 1
    # 1,000 unknown owners and one warning (the plan has no settings.email to reach them with)
    assert messages[-1] == f"plan.yaml … and {1001 - MAX_ISSUES:,} more problems; fix these first"
    hinted = [m for m in messages if "did you mean" in m]
    assert len(hinted) == MAX_HINTS  # near misses are looked for a bounded number of times
    assert messages[0] == (
        "plan.yaml:1005:31 domains[0].owner: unknown person 'px0' (did you mean 'p0'?); owner must be a person id"
    )


def test_a_long_reports_to_chain_is_checked_in_one_pass() -> None:
    people = "".join(f"  - {{id: p{i}, email: p{i}@a.example, reports_to: p{i + 1}}}\n" for i in range(3000))
    people += "  - {id: p3000, email: top@a.example, reports_to: p1500}\n"
    messages = refused(HEAD + "people:\n" + people)
    assert [m for m in messages if ": warning: " not in m] == [
        "plan.yaml:4:47 people[0].reports_to: reports_to goes round in a circle (p1500 → p1501 → "
        + " → ".join(f"p{i}" for i in range(1502, 3001))
        + " → p1500); the top of the chain must report to nobody"
    ]


@pytest.mark.parametrize("depth", [6, 9, 30])
def test_validate_refuses_alias_bombs_of_any_depth_at_once(tmp_path: Path, depth: int) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(HEAD + alias_bomb(depth, 9))
    done = validate(plan)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == f"{plan}:8:15 {limits.EXPANDED}"
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("x: " + "[" * 500 + "]" * 500, f":3:{4 + limits.MAX_DEPTH - 1} {limits.DEPTH}"),
        ("settings:\n  concurrency: " + "9" * 4301, f":4:16 {limits.DIGITS}"),
        ("settings:\n  timeout: 99999999999d", ":4:12 settings.timeout: '99999999999d' is longer than 3650d"),
        ("timezone: " + "A" * 300, ":3:11 timezone: a time zone name of 300 characters is not one"),
        ("people: &p\n  - id: x\n    name: *p", f":5:11 {limits.SELF}"),
    ],
    ids=["nesting-500", "number-4301-digits", "duration", "time-zone-300", "self-referencing-anchor"],
)
def test_validate_answers_the_reported_crashes_with_a_message_and_exit_1(
    tmp_path: Path, body: str, expected: str
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(HEAD + body + "\n")
    done = validate(plan)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0].startswith(f"{plan}{expected}")
    assert "Traceback" not in done.stderr
