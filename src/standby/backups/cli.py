"""`standby backup run|list|verify|diff|restore`: backups from the command line, with only the plan —
no database, no service — so they work from any machine in a crisis.

Exit codes: 0 ok; 1 a problem found (a checksum or count that does not match, a snapshot that failed
verification); 2 could not run (the platform or the target unreachable or refusing, a bad plan, no
such backup or snapshot). SNAPSHOT is `BACKUP-ID` (its newest complete snapshot), `BACKUP-ID/latest`,
`BACKUP-ID/2026-03-02T020000Z`, or the start of a name (`BACKUP-ID/2026-03-02`: the newest that starts so).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from standby.core.errors import StandbyError

if TYPE_CHECKING:
    from rich.console import Console

    from standby.backups.diff import Change, Diff
    from standby.backups.manifest import Manifest
    from standby.backups.storage import Store
    from standby.plan.model import Plan

backup_app = typer.Typer(
    help="Backups of lists and leads: run, list, verify, diff, restore.", no_args_is_help=True
)
PlanOption = Annotated[
    Path, typer.Option("--plan", "-p", envvar="STANDBY_PLAN", help="The plan file (or $STANDBY_PLAN).")
]
DEFAULT_PLAN = Path("standby.yaml")
OK, PROBLEM, COULD_NOT = 0, 1, 2


class Format(StrEnum):
    marketo = "marketo"
    hubspot = "hubspot"
    generic = "generic"


def _plan(path: Path) -> Plan:
    from standby.plan.issues import PlanError
    from standby.plan.load import load_plan

    try:
        plan, warnings = load_plan(path)
    except PlanError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        raise typer.Exit(COULD_NOT) from None
    for warning in warnings:
        print(warning, file=sys.stderr)
    return plan


def _fail(message: str, code: int = COULD_NOT) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(code)


def _snapshot(plan: Plan, spec: str) -> tuple[Store, Manifest, str | None]:
    """(its store, its manifest, the backup's key) for `BACKUP[/SNAPSHOT]`."""
    from standby.backups.catalog import resolve
    from standby.backups.prepare import find, store_of

    ident, _, name = spec.partition("/")
    backup = find(plan, ident)
    store = store_of(backup)
    return store, resolve(store, name, backup.id), backup.key


@backup_app.command()
def run(
    ident: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="One backup of the plan; default all.")
    ] = None,
    plan_file: PlanOption = DEFAULT_PLAN,
) -> int:
    """Take a snapshot now (each backup of the plan, or one)."""
    from rich.console import Console

    from standby.backups.prepare import find

    plan = _plan(plan_file)
    try:
        chosen = [find(plan, ident)] if ident else list(plan.backups)
    except StandbyError as exc:
        raise _fail(str(exc)) from None
    if not chosen:
        raise _fail(f"{plan_file} has no backups: section; see docs/backups.md")
    console = Console(stderr=True)
    worst = OK
    for backup in chosen:
        worst = max(worst, asyncio.run(_run_one(plan, backup.id, console)))
    return worst


async def _run_one(plan: Plan, ident: str, console: Console) -> int:
    from standby.backups.errors import BackupFailed
    from standby.backups.prepare import find, network_of, source_of, store_of, work_root
    from standby.backups.progress import Bars, Lines, Reporter
    from standby.backups.run import run_backup
    from standby.core.clock import SystemClock

    backup, clock = find(plan, ident), SystemClock()
    source = source_of(backup, network_of(plan), clock)
    bars = Bars(console, backup.id) if console.is_terminal else None
    reporter: Reporter = bars or Lines(sys.stdout, backup.id)
    try:
        with bars or contextlib.nullcontext():
            manifest = await run_backup(
                backup, store=store_of(backup), source=source, clock=clock, work_root=work_root(plan),
                tz=plan.timezone, reporter=reporter,
            )  # fmt: skip
    except BackupFailed as exc:
        print(f"{backup.id}: failed: {exc}", file=sys.stderr)
        return exc.exit_code
    counts = manifest.counts()
    leads = f", {counts['leads']:,} leads" if "leads" in counts else ""
    calls = manifest.calls_text()
    print(
        f"{backup.id}: snapshot {manifest.snapshot} complete: {len(manifest.lists)} lists{leads}; "
        f"{calls}; {manifest.duration_seconds:.1f} s"
        + "".join(f"\n  warning: {w}" for w in manifest.warnings)
    )
    return OK


@backup_app.command("list")
def list_(
    ident: Annotated[str | None, typer.Argument(metavar="[ID]", help="One backup; default all.")] = None,
    plan_file: PlanOption = DEFAULT_PLAN,
) -> int:
    """The snapshots at each backup's target: state, age, counts."""
    from standby.backups.catalog import snapshots
    from standby.backups.prepare import find, store_of
    from standby.backups.storage import StoreError
    from standby.core.clock import SystemClock
    from standby.core.timetext import words

    plan = _plan(plan_file)
    now = SystemClock().now()
    try:
        chosen = [find(plan, ident)] if ident else list(plan.backups)
    except StandbyError as exc:
        raise _fail(str(exc)) from None
    code = OK
    for backup in chosen:
        store = store_of(backup)
        try:
            found = snapshots(store, now)
        except StoreError as exc:
            print(f"{backup.id}: {exc}", file=sys.stderr)
            code = COULD_NOT
            continue
        print(f"{backup.id} ({backup.label}) at {store.where}: {len(found)} snapshots")
        for snap in reversed(found):
            counts = snap.rows
            what = ", ".join(f"{name} {rows:,}" for name, rows in counts.items()) or (
                snap.manifest.error if snap.manifest and snap.manifest.error else ""
            )
            print(f"  {snap.name}  {snap.state:<11} {words(now - snap.taken)} ago  {what}")
    return code


@backup_app.command()
def verify(
    snapshot: Annotated[str, typer.Argument(help="BACKUP-ID[/SNAPSHOT].")],
    plan_file: PlanOption = DEFAULT_PLAN,
) -> int:
    """Read every file of a snapshot back: size, SHA-256, columns and rows against its manifest."""
    from standby.backups.verify import verify as check

    plan = _plan(plan_file)
    try:
        store, manifest, key = _snapshot(plan, snapshot)
    except StandbyError as exc:
        raise _fail(str(exc)) from None
    if not manifest.complete:
        print(f"{manifest.snapshot}: failed when it was taken: {manifest.error}")
        return PROBLEM
    results = check(store, manifest, key=key)
    bad = [r for r in results if r.problems]
    for result in results:
        rows = (
            f"{result.rows:,} rows"
            if result.rows is not None
            else "rows not counted (encrypted, no key)"
            if key is None
            else "rows not counted"
        )
        print(
            f"{'BAD' if result.problems else 'ok '} {result.path}: {rows}"
            + "".join(f"; {p}" for p in result.problems)
        )
    print(
        f"{manifest.backup}/{manifest.snapshot}: "
        + (f"{len(bad)} of {len(results)} files bad" if bad else f"all {len(results)} files match")
    )
    return PROBLEM if bad else OK


@backup_app.command()
def diff(
    a: Annotated[str, typer.Argument(help="The older snapshot: BACKUP-ID[/SNAPSHOT].")],
    b: Annotated[str, typer.Argument(help="The newer snapshot: BACKUP-ID[/SNAPSHOT].")],
    plan_file: PlanOption = DEFAULT_PLAN,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> int:
    """Who joined and left each list; which leads were added, removed or changed."""
    from standby.backups.diff import diff as compare

    plan = _plan(plan_file)
    try:
        store_a, first, key_a = _snapshot(plan, a)
        store_b, second, key_b = _snapshot(plan, b)
        found = compare(store_a, first, store_b, second, key_a=key_a, key_b=key_b)
    except StandbyError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        print(json.dumps(_diff_document(found), indent=2))
        return OK
    print(f"{first.backup}/{found.a} → {second.backup}/{found.b}")
    for change in [*found.lists, *([found.leads] if found.leads else [])]:
        print(f"  {change.name}: " + _diff_line(change))
        for kind in ("added", "removed", "changed"):
            for example in change.examples[kind]:
                print(f"    {'+' if kind == 'added' else '-' if kind == 'removed' else '~'} {example}")
    return OK


def _diff_line(change: Change) -> str:
    if change.only_in is not None:
        return f"only in {'the first' if change.only_in == 'a' else 'the second'} snapshot"
    if change.same:
        return "no change"
    joined, left = ("added", "removed") if change.name == "leads" else ("joined", "left")
    parts = [f"{change.added:,} {joined}", f"{change.removed:,} {left}"]
    if change.name == "leads":
        fields = ", ".join(f"{k} {v:,}" for k, v in change.fields.most_common())
        parts.append(f"{change.changed:,} changed" + (f" ({fields})" if fields else ""))
    return ", ".join(parts)


def _diff_document(found: Diff) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(found)


@backup_app.command()
def restore(
    snapshot: Annotated[str, typer.Argument(help="BACKUP-ID[/SNAPSHOT].")],
    to: Annotated[Path, typer.Option("--to", help="The CSV file to write.")],
    list_name: Annotated[
        str | None, typer.Option("--list", help="The list to restore, by name or id.")
    ] = None,
    leads: Annotated[bool, typer.Option("--leads", help="Restore the leads file instead of a list.")] = False,
    format: Annotated[
        Format, typer.Option("--format", help="Column names for: marketo, hubspot, generic.")
    ] = Format.generic,
    plan_file: PlanOption = DEFAULT_PLAN,
) -> int:
    """Write a list (or the leads) of a snapshot as a CSV that Marketo or HubSpot imports."""
    from standby.backups.restore import restore as write
    from standby.core.timetext import at

    if (list_name is None) == (not leads):
        raise _fail("give --list NAME or --leads (one of them)")
    plan = _plan(plan_file)
    try:
        store, manifest, key = _snapshot(plan, snapshot)
        if not manifest.complete:
            raise _fail(
                f"{manifest.snapshot} failed when it was taken ({manifest.error}); restore from another"
            )
        entry = manifest.leads if leads else manifest.find_list(list_name or "")
        if entry is None:
            names = ", ".join(repr(e.name) for e in manifest.lists) or "none"
            what = "no leads file" if leads else f"no list {list_name!r} (it has {names})"
            raise _fail(f"{manifest.backup}/{manifest.snapshot} has {what}")
        rows = write(store, manifest, entry, to, format=format.value, key=key)
    except StandbyError as exc:
        code = getattr(exc, "exit_code", COULD_NOT)
        raise _fail(str(exc), code) from None
    taken = at(manifest.started_at, plan.timezone)
    print(f"wrote {rows:,} rows to {to} ({format.value} columns) from {manifest.backup}, taken {taken}")
    return OK


def register(app: typer.Typer) -> None:
    app.add_typer(backup_app, name="backup")
