"""The backups pages: `/backups` (each backup's last good snapshot, its age and counts, the latest run,
the next one, the trend of its counts), `/backups/{id}` (every snapshot kept), and for admins the
download of a restore CSV (`/backups/{id}/{snapshot}/restore.csv?list=...&format=...`). Everything is
read from each backup's target, as the CLI does; a target that cannot be read is shown as such."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from standby.backups.catalog import resolve
from standby.backups.errors import BackupFailed
from standby.backups.prepare import store_of
from standby.backups.restore import FORMATS, Format, restore
from standby.backups.storage import StoreError
from standby.backups.view import backups_view, running
from standby.core.errors import StandbyError
from standby.web.app import context, page, problem
from standby.web.auth.deps import current_user, require_admin

router = APIRouter(include_in_schema=False)
_FORMAT: dict[str, Format] = {f: f for f in FORMATS}


def _page(request: Request, template: str, /, *, status: int = 200, **values: Any) -> Response:
    user = current_user(request)
    can_act = user is not None and user.is_admin
    return page(request, template, http_status=status, section="backups", can_act=can_act, **values)


@router.get("/backups")
def backups(request: Request) -> Response:
    ctx = context(request)
    plan = ctx.plan()
    with ctx.sessions() as session:
        runs = running(session)
    found = backups_view(plan, now=ctx.clock.now(), runs=runs)
    return _page(request, "backups/list.html", found=found, tz=plan.timezone)


@router.get("/backups/{ident}")
def backup(request: Request, ident: str) -> Response:
    ctx = context(request)
    plan = ctx.plan()
    with ctx.sessions() as session:
        runs = running(session)
    found = backups_view(plan, now=ctx.clock.now(), runs=runs, only=ident)
    if not found:
        message = f"The plan has no backup {ident!r}."
        return page(request, "alerts/notice.html", http_status=404, heading="No such backup", message=message)
    return _page(request, "backups/backup.html", view=found[0], formats=FORMATS)


@router.get("/backups/{ident}/{snapshot}/restore.csv", dependencies=[Depends(require_admin)])
def restore_csv(
    request: Request,
    ident: str,
    snapshot: str,
    list_id: Annotated[str | None, Query(alias="list", max_length=200)] = None,
    format: Annotated[str, Query(pattern="^(marketo|hubspot|generic)$")] = "generic",
) -> Response:
    """The list (or, without `list`, the leads) of a snapshot as an importable CSV."""
    plan = context(request).plan()
    backup = next((b for b in plan.backups if b.id == ident), None)
    if backup is None:
        return problem(404, f"the plan has no backup {ident!r}")
    store = store_of(backup)
    try:
        manifest = resolve(store, snapshot, backup.id)
        entry = manifest.find_list(list_id) if list_id is not None else manifest.leads
        if entry is None or manifest.snapshot != snapshot or not manifest.complete:
            return problem(
                404,
                f"{ident}/{snapshot} has no complete {'list ' + repr(list_id) if list_id else 'leads file'}",
            )
    except (StoreError, StandbyError) as exc:
        return problem(502, str(exc))
    scratch = Path(tempfile.mkdtemp(prefix="standby-restore-"))
    out = scratch / "restore.csv"
    try:
        restore(store, manifest, entry, out, format=_FORMAT[format], key=backup.key)
    except (StoreError, StandbyError) as exc:
        shutil.rmtree(scratch, True)
        failed = isinstance(exc, BackupFailed) and exc.problem
        return problem(409 if failed else 502, str(exc))
    name = f"{ident}-{snapshot}-{getattr(entry, 'name', 'leads')}-{format}.csv"
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    cleanup = BackgroundTask(shutil.rmtree, scratch, True)
    return FileResponse(out, media_type="text/csv; charset=utf-8", filename=safe, background=cleanup)
