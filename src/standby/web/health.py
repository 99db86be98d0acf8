"""`/healthz` (the process and its database answer) and `/readyz` (and the schema is this
version's: a new release waiting for `standby db upgrade` is alive but not ready). Both public."""

from __future__ import annotations

import logging

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from standby.store import migrate
from standby.web.app import context, problem
from standby.web.auth import public

log = logging.getLogger(__name__)
router = APIRouter()
public.declare("/healthz")
public.declare("/readyz")


@router.get("/healthz")
def healthz(request: Request) -> Response:
    try:
        with context(request).sessions() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("health check: the database did not answer: %s", exc)
        return problem(503, "the database did not answer")
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> Response:
    try:
        with context(request).sessions() as session:
            revision = MigrationContext.configure(session.connection()).get_current_revision()
    except SQLAlchemyError as exc:
        log.warning("readiness check: the database did not answer: %s", exc)
        return problem(503, "the database did not answer")
    if revision != migrate.head():
        return problem(503, f"the database schema is at {revision or 'nothing'}; run `standby db upgrade`")
    return JSONResponse({"status": "ready", "schema": revision})
