"""How long reading a plan takes, whatever the file holds: the plan reader's limits at work.

Each shape is about 1 MB or close to the 4 MB limit (or a small hostile file): real plans of 7,400
and 29,600 assets, a list of tiny values, thousands of unknown references and fields, a long
reports_to chain, and alias bombs ("billion laughs") of growing depth. For each, the time
`parse_plan` takes (YAML, validation, references, audit) is printed against the floor of the same
run: libyaml turning the same file into events and nothing else. The bombs' time must stay flat
however deep they go. Last, `standby validate` as a command on the largest plan, against the same
command on a two-line plan (its start-up).

    uv run python -m bench.plan_reader
"""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from tests.plan.fuzz import alias_bomb

from standby.plan.issues import PlanError
from standby.plan.load import parse_plan

HEAD = "version: 1\norganization: Acme\n"
PERSON = "  - {{id: p{i}, name: Person {i}, email: p{i}@mail.example, reports_to: p{up}}}"
DOMAIN = "  - name: d{i}.example\n    owner: p{o}\n    expected_nameservers: [ns1.h.example, ns2.h.example]"
ENDPOINT = "  - id: e{i}\n    url: https://www.d{i}.example/path\n    owner: p{o}\n    interval: 60s"

TYPOS = "  - {{id: e{i}, url: 'https://x.example/', ownr: a, intervl: 1m, xpect: 1}}"
CHAIN = "  - {{id: p{i}, reports_to: p{up}}}"


def real_plan(n: int = 3700) -> str:
    people = n // 10
    out = [HEAD + "people:", *(PERSON.format(i=i, up=i + 1) for i in range(people - 1))]
    out += [f"  - {{id: p{people - 1}, email: top@mail.example}}", "domains:"]
    out += [DOMAIN.format(i=i, o=i % people) + "\n    warn_within: 30d" for i in range(n)]
    out += ["endpoints:"]
    expect = "\n    expect: {status: [200], contains: [Hi]}"
    out += [ENDPOINT.format(i=i, o=i % people) + expect for i in range(n)]
    return "\n".join(out) + "\n"


def lines(template: str, count: int) -> str:
    return "".join(template.format(i=i, up=i + 1) + "\n" for i in range(count))


SHAPES: dict[str, Callable[[], str]] = {
    "a real plan, 7,400 assets": real_plan,
    "a real plan at the 4 MB limit, 29,600 assets": functools.partial(real_plan, 14_800),
    "a list of tiny values": lambda: HEAD + "x: [" + ",".join(["1"] * 1_300_000) + "]\n",
    "6,000 unknown owners": lambda: (
        HEAD
        + "people:\n"
        + lines("  - {{id: person{i}, email: p{i}@m.example}}", 6000)
        + "domains:\n"
        + lines("  - {{name: d{i}.example, owner: persn{i}}}", 6000)
    ),
    "36,000 unknown fields": lambda: HEAD + "endpoints:\n" + lines(TYPOS, 12_000),
    "a reports_to chain of 16,000": lambda: HEAD + "people:\n" + lines(CHAIN, 16_000),
}
for _depth in (3, 6, 9, 30):
    SHAPES[f"alias bomb, depth {_depth}"] = functools.partial(lambda d: HEAD + alias_bomb(d, 9), _depth)


def best(work: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def events(text: str) -> None:
    loader = yaml.CSafeLoader(text)
    try:
        while not isinstance(loader.get_event(), yaml.StreamEndEvent):
            pass
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()


def read(text: str) -> str:
    try:
        parse_plan(text, "plan.yaml", {})
    except PlanError as exc:
        return str(exc.issues[0]).split(" ", 1)[1][:60]
    return "valid"


def main() -> int:
    print("| shape | bytes | parse_plan | libyaml events only | ratio | outcome |")
    print("|---|---|---|---|---|---|")
    for name, make in SHAPES.items():
        text = make()
        floor = best(functools.partial(events, text))
        took = best(functools.partial(read, text))
        size = len(text.encode())
        print(f"| {name} | {size:,} | {took:.3f} s | {floor:.3f} s | {took / floor:.1f} | {read(text)} |")
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "big.yaml", Path(tmp) / "small.yaml"
        big.write_text(real_plan())
        small.write_text(HEAD)
        start_up, whole = best(functools.partial(validate, small)), best(functools.partial(validate, big))
        print(f"\n`standby validate` of the real plan: {whole:.2f} s; of a two-line plan: {start_up:.2f} s; "
              f"reading the plan: {whole - start_up:.2f} s")  # fmt: skip
    return 0


def validate(path: Path) -> None:
    command = [sys.executable, "-m", "standby", "validate", str(path)]
    subprocess.run(command, capture_output=True, check=False)


if __name__ == "__main__":
    sys.exit(main())
