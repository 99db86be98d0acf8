"""The import graph recorded in docs/architecture.md, kept true: every import in src/standby/ — read
with ast, at any depth (inside functions and TYPE_CHECKING blocks too) — goes down the layers, or
sideways along an edge recorded here. A failure names the file, the line and the rule it breaks.

`LAYERS` and `SIDEWAYS` are the one record of the graph; docs/architecture.md shows them as a table
between its `import-graph` markers, and a test fails when that table is stale. Rewrite it with
`uv run python -m tests.test_architecture`.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "src"
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- import-graph: begin -->", "<!-- import-graph: end -->"

# Bottom to top: (layer, its units, what it is). A unit is a package or module of Standby, named by
# its dotted path; a module belongs to the longest unit its name starts with ("standby" is only the
# package's own __init__). A unit may import any unit of a layer below its own.
LAYERS: list[tuple[str, tuple[str, ...], str]] = [
    ("package", ("standby",), "the version"),
    ("core", ("standby.core",), "leaf helpers: statuses, clock, time wording, network"),
    ("plan", ("standby.plan",), "the plan file and asset identity"),
    ("store", ("standby.store",), "SQLAlchemy engine, sessions, base, opening a database"),
    ("channels", ("standby.channels",), "people and contacts, messages, telling someone, the outbox"),
    ("probes", ("standby.probes",), "one module per kind of check"),
    (
        "integrations",
        ("standby.integrations",),
        "one client per outside platform (Marketo, HubSpot): its limits, retries, errors",
    ),
    ("engine", ("standby.engine",), "scheduling, damping, history, the tick loop; subscribers as types"),
    ("web", ("standby.web",), "the app factory, page helpers, sign-in, health: no feature's pages"),
    (
        "features",
        (
            "standby.check",
            "standby.alerts",
            "standby.incidents",
            "standby.statuspage",
            "standby.leads",
            "standby.backups",
            "standby.registrars",
            "standby.discovery",
        ),
        "each with its models, service, cli, routes, templates (and API part)",
    ),
    (
        "learning",
        ("standby.recovery",),
        "recover and learn: DNS recovery, drills, incident reports, the runbook; they read and drive the features",
    ),
    ("pages", ("standby.api", "standby.dashboard"), "pages and the API that show several features"),
    (
        "wiring",
        ("standby.app", "standby.cli", "standby.__main__", "standby.store.migrations"),
        "the commands, the process, the subscriber and job lists, the web registry, every table",
    ),
]
# Imports between two units of one layer, each for a reason; anything else sideways is refused.
# (Units of the top layer, the wiring, may import each other.)
SIDEWAYS: dict[tuple[str, str], str] = {
    ("standby.incidents", "standby.alerts"): "incidents read alerts; alerts never call incidents",
    ("standby.statuspage", "standby.incidents"): "the status page reads incidents; incidents never call it",
    ("standby.leads", "standby.statuspage"): "fallback pages go out with the status page's publisher",
    (
        "standby.leads",
        "standby.incidents",
    ): "Plan B writes its counts on incidents' timelines; incidents never call it",
}
TOP = LAYERS[-1][0]


@dataclass(frozen=True)
class Import:
    file: Path
    line: int
    source: str  # the importing module
    target: str  # the imported module


def _module(file: Path) -> str:
    parts = list(file.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module(f): f for f in sorted((SOURCE / "standby").rglob("*.py"))}


def imports() -> list[Import]:
    """Every import of a Standby module by a Standby module."""
    known = _modules()
    found = []
    for source, file in known.items():
        package = source if file.name == "__init__.py" else source.rpartition(".")[0]
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from standby.alerts import api` imports the module standby.alerts.api
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
            else:
                continue
            found += [Import(file, node.lineno, source, t) for t in targets if t.split(".")[0] == "standby"]
    return found


def unit_of(module: str) -> str | None:
    units = [u for _, members, _ in LAYERS for u in members]
    matches = [u for u in units if module == u or (u != "standby" and module.startswith(u + "."))]
    return max(matches, key=len, default=None)


def layer_of(unit: str) -> int:
    return next(i for i, (_, members, _) in enumerate(LAYERS) if unit in members)


def broken(found: Import) -> str | None:
    """The rule `found` breaks, in words; None when it keeps to the graph."""
    source, target = unit_of(found.source), unit_of(found.target)
    if source is None or target is None:
        missing = found.source if source is None else found.target
        return f"{missing} is in no layer: add its package to LAYERS in tests/test_architecture.py"
    if source == target:
        return None
    low, high = layer_of(source), layer_of(target)
    if high < low:
        return None
    name, above = LAYERS[low][0], LAYERS[high][0]
    if high > low:
        return (
            f"{source} ({name}) may not import {target} ({above}, a layer above it): imports point down; "
            "move what both need lower, or let the wiring (standby/app) subscribe the upper one"
        )
    if name == TOP or (source, target) in SIDEWAYS:
        return None
    return (
        f"{source} may not import {target}: both are {name} and this edge is not recorded; add it to "
        "SIDEWAYS with its reason (and keep it one-way), or move what both need lower"
    )


def violations() -> list[str]:
    out = []
    for found in imports():
        rule = broken(found)
        if rule is not None:
            where = found.file.relative_to(ROOT)
            out.append(f"{where}:{found.line}: imports {found.target}: {rule}")
    return out


def graph_table() -> str:
    """The graph as docs/architecture.md shows it."""
    rows = [
        "| layer (bottom to top) | packages | what | may also import (same layer) |",
        "|---|---|---|---|",
    ]
    for name, members, what in LAYERS:
        units = ", ".join(
            f"`{u.removeprefix('standby.') if u != 'standby' else 'standby/__init__'}`" for u in members
        )
        side = [
            f"`{s.removeprefix('standby.')}` → `{t.removeprefix('standby.')}` ({why})"
            for (s, t), why in SIDEWAYS.items()
            if s in members
        ]
        also = "any of them" if name == TOP else "; ".join(side) or "—"
        rows.append(f"| {name} | {units} | {what} | {also} |")
    return "\n".join(rows)


def _documented() -> str:
    text = DOC.read_text()
    return text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip()


def test_every_import_points_down_the_recorded_graph() -> None:
    found = violations()
    assert not found, "imports against docs/architecture.md:\n" + "\n".join(found)


def test_every_module_is_in_a_layer_and_the_reader_sees_imports() -> None:
    assert all(unit_of(module) is not None for module in _modules())
    seen = {(i.source, i.target) for i in imports()}
    assert ("standby.app.subscribers", "standby.incidents.lifecycle") in seen  # `from X import Y as Z`
    assert ("standby.cli", "standby.app.subscribers") in seen  # inside a function
    assert ("standby.alerts.cli", "standby.alerts.service") in seen  # under TYPE_CHECKING


def test_the_rules_refuse_an_upward_and_an_unrecorded_sideways_import() -> None:
    back = Import(
        SOURCE / "standby/alerts/service.py", 1, "standby.alerts.service", "standby.incidents.service"
    )
    assert "not recorded" in (broken(back) or "")  # incidents → alerts is recorded, not the way back
    engine = Import(SOURCE / "standby/engine/runner.py", 1, "standby.engine.runner", "standby.web.app")
    assert "(web, a layer above it)" in (broken(engine) or "")
    store = Import(SOURCE / "standby/store/db.py", 1, "standby.store.db", "standby.alerts.models")
    assert "(features, a layer above it)" in (broken(store) or "")
    wiring = Import(
        SOURCE / "standby/store/migrations/tables.py",
        1,
        "standby.store.migrations.tables",
        "standby.alerts.models",
    )
    assert broken(wiring) is None


def test_docs_architecture_shows_the_recorded_graph() -> None:
    assert _documented() == graph_table(), "stale: run `uv run python -m tests.test_architecture`"


if __name__ == "__main__":  # rewrite the table in docs/architecture.md
    text = DOC.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(f"{text[:start]}\n{graph_table()}\n{text[end:]}")
    sys.stdout.write(f"{DOC.relative_to(ROOT)}: import graph rewritten\n")
