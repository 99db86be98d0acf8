"""A seeded mutation fuzzer for plan files: real plans, broken in the ways people and accidents break
them (a value replaced by something hostile, a line lost or doubled, indentation shifted, a stray
character, a truncated save) and in the ways an attacker would (alias bombs, deep nesting, huge
numbers and durations, tags). Every case is reproducible from its number."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from standby.plan.sample import STARTER_PLAN

ROOT = Path(__file__).resolve().parents[2]
CORPUS = [
    STARTER_PLAN,
    (ROOT / "examples" / "plan.yaml").read_text(),
    (Path(__file__).parent / "data" / "rich.yaml").read_text(),
]
ENV = {"SMTP_USER": "standby", "SMTP_PASSWORD": "secret"}

HOSTILE = [
    "9" * 40,
    "9" * 5000,
    "-" + "1" * 4301,
    "0x" + "f" * 5000,
    "1" + ":59" * 400,
    "1e999",
    "-.inf",
    ".nan",
    "0",
    "-1",
    "2147483648",
    "99999999999d",
    "1e3s",
    "1.5.5s",
    "0.0000001ms",
    "9" * 400 + "s",
    "30 days",
    "A" * 300,
    "../../etc/passwd",
    "UTC\\0",
    '"UTC\\0"',
    "Europe/Nowhere",
    "http://[::1",
    "http://" + "a" * 300 + ".example/",
    "https://go.acme.example:99999/",
    "smtp://",
    "smtps://:0",
    ":99999",
    "[::1]:x",
    "2026-13-45",
    "2026-02-30T25:61:61Z",
    "2026-02-28 10:00:00 +99:00",
    "yes",
    "~",
    "null",
    "''",
    '""',
    "!!int abc",
    "!!float abc",
    "!!binary ???",
    "!!timestamp yesterday",
    "!!python/object:os.system echo",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!foo bar",
    "x" * 70_000,
    "${UNSET_VARIABLE}",
    "$${LITERAL}",
    '"\\ud800"',
    "'{{ 9 ** 999 }}'",
    "'{{ \"x\" * 99999999 }}'",
    "'{% for x in range(99999999) %}{{ x }}{% endfor %}'",
    "'{{ ().__class__.__base__.__subclasses__() }}'",
    "'{{'",
    "[" * 200 + "]" * 200,
    "{" * 60 + "}" * 60,
    "[1, [2, [3, [4]]]]",
    "{a: 1, a: 2}",
    "&self [*self]",
    "*nowhere",
    "&x a",
    "[*x, *x, *x]",
    "? [complex]\n  : key",
    "|\n  block\n  text",
    ">-\n  folded",
    "'\t'",
    "\ufeffbom",
    "é" * 20,
    "\U0001f4a5",
    "-",
    "---",
    "...",
    "%YAML 1.1",
    "@reserved",
    "`reserved",
    "\x00",
    "\x07bell",
]
SPECIAL = "[]{}:,-?*&!|>'\"%@`#\t\n\r \\$~=<" + "é\u2028\x00\x85"


def alias_bomb(depth: int, width: int) -> str:
    lines = [f"b0: &b0 [{', '.join(['lol'] * width)}]"]
    lines += [f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * width)}]" for i in range(1, depth)]
    return "\n".join(lines)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _replace_value(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if re.search(r"(:\s|- )\S", line)]
    if not candidates:
        return text
    i = rng.choice(candidates)
    match = re.search(r"(:\s+|- )(?=\S)", lines[i])
    assert match is not None
    value = rng.choice(HOSTILE)
    if "\n" in value:
        indent = " " * (len(lines[i]) - len(lines[i].lstrip()) + 2)
        value = value.replace("\n", "\n" + indent)
    lines[i] = lines[i][: match.end()] + value
    return "\n".join(lines)


def _delete_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def _duplicate_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines)


def _swap_lines(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _indent(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    shift = rng.choice([-4, -2, -1, 1, 2, 3])
    lines[i] = " " * max(0, shift) + lines[i][max(0, -shift) :]
    return "\n".join(lines)


def _insert_char(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(SPECIAL) + text[at:]


def _delete_char(rng: random.Random, text: str) -> str:
    at = rng.randrange(max(1, len(text)))
    return text[:at] + text[at + 1 :]


def _truncate(rng: random.Random, text: str) -> str:
    return text[: rng.randrange(len(text) + 1)]


def _append_structure(rng: random.Random, text: str) -> str:
    depth = rng.randrange(1, 300)
    choices = [
        alias_bomb(rng.randrange(2, 12), rng.randrange(2, 12)),
        "deep: " + "[" * depth + "]" * depth,
        "deep:\n" + "\n".join("  " * (i + 1) + f"k{i}:" for i in range(min(depth, 120))) + " 1",
        "loop: &loop {self: *loop}",
        "many: [" + ", ".join(["*a"] * rng.randrange(1, 3000)) + "]",
        "anchored: &a {x: 1}",
        "---\nversion: 1",
    ]
    return text + "\n" + rng.choice(choices) + "\n"


MUTATIONS: list[Callable[[random.Random, str], str]] = [
    _replace_value,
    _replace_value,
    _replace_value,
    _delete_line,
    _duplicate_line,
    _swap_lines,
    _indent,
    _insert_char,
    _insert_char,
    _delete_char,
    _truncate,
    _append_structure,
]


@dataclass(frozen=True)
class Case:
    number: int
    text: str


def cases(start: int, count: int, *, seed: int = 20261203) -> Iterator[Case]:
    """Cases `start` … `start + count - 1`: each from its own seeded generator, so any one can be
    reproduced alone."""
    for number in range(start, start + count):
        rng = random.Random(seed * 1_000_003 + number)
        text = rng.choice(CORPUS)
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            text = rng.choice(MUTATIONS)(rng, text)
        yield Case(number, text)
