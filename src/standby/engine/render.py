"""How `standby history` shows an asset's findings: a table for people, JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session, sessionmaker

from standby.core.errors import StandbyError
from standby.core.expiry import iso
from standby.core.status import STYLES, Status
from standby.engine.history import findings_of, known_assets
from standby.engine.models import FindingRecord
from standby.plan.assets import label
from standby.plan.issues import suggest


def resolve_asset(asset: str, known: list[str]) -> str:
    """`asset` as the store knows it; `demo-page` finds `endpoint:demo-page` when that is the only one."""
    if asset in known:
        return asset
    ends = [k for k in known if label(k) == asset]
    if len(ends) == 1:
        return ends[0]
    if not known:
        raise StandbyError(f"no asset {asset!r}: nothing has been checked yet (is `standby serve` running?)")
    listed = ", ".join(known[:20]) + (" …" if len(known) > 20 else "")
    hint = suggest(asset, known) or f"; known assets: {listed}"
    raise StandbyError(f"no asset {asset!r}{hint}")


def as_table(asset: str, findings: Sequence[FindingRecord]) -> Table:
    table = Table(title=asset, header_style="bold", expand=False)
    for column in ("observed (UTC)", "check", "status", "summary"):
        table.add_column(column, overflow="fold", no_wrap=column != "summary")
    for f in findings:
        table.add_row(iso(f.observed_at), f.check, Text(f.status, style=STYLES[Status(f.status)]), f.summary)
    return table


def as_document(asset: str, findings: Sequence[FindingRecord]) -> dict[str, object]:
    return {
        "asset": asset,
        "findings": [
            {
                "observed_at": iso(f.observed_at),
                "check": f.check,
                "status": f.status,
                "summary": f.summary,
                "details": f.details,
            }
            for f in findings
        ],
    }


def print_history(sessions: sessionmaker[Session], asset: str, *, limit: int, as_json: bool) -> None:
    with sessions() as session:
        asset = resolve_asset(asset, known_assets(session))
        findings = findings_of(session, asset, limit=limit)
    if as_json:
        print(json.dumps(as_document(asset, findings), indent=2))
    elif not findings:
        print(f"{asset}: no findings kept (they are pruned after settings.retention)")
    else:
        Console().print(as_table(asset, findings))
