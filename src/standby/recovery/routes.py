"""The recovery pages: drills (the plan's drills, their runs, run and end them), a drill run's report
(HTML, Markdown, its chart) and its own status page, the incident report, the DNS recovery tracker's
watches, and the crisis runbook as it would be published. Signed-in people read; admins act."""

from __future__ import annotations

from fastapi import APIRouter

from standby.recovery.pages import dns, drills, reports, runbook

router = APIRouter(include_in_schema=False)
router.include_router(drills.router)
router.include_router(reports.router)
router.include_router(dns.router)
router.include_router(runbook.router)
