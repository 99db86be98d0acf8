"""/incidents/N/report: the incident report as a page, as Markdown, and its chart as SVG."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from standby.incidents.models import Incident
from standby.recovery.pages import files
from standby.recovery.reports import incident as reports
from standby.web.api import Id
from standby.web.app import context, page

router = APIRouter()


def _report(request: Request, incident_id: int) -> reports.IncidentReport | None:
    ctx = context(request)
    with ctx.sessions() as session:
        found = session.get(Incident, incident_id)
        return reports.build(session, found, plan=ctx.plan(), now=ctx.clock.now()) if found else None


def _missing(request: Request, incident_id: int) -> Response:
    message = f"There is no incident #{incident_id}."
    return page(
        request, "alerts/notice.html", http_status=404, heading="No such incident", message=message, hint=""
    )


@router.get("/incidents/{incident_id}/report")
def report(request: Request, incident_id: Id) -> Response:
    built = _report(request, incident_id)
    if built is None:
        return _missing(request, incident_id)
    return page(request, "recovery/incident_report.html", section="incidents", r=built)


@router.get("/incidents/{incident_id}/report.md")
def report_markdown(request: Request, incident_id: Id) -> Response:
    built = _report(request, incident_id)
    if built is None:
        return _missing(request, incident_id)
    return files.markdown(built)


@router.get("/incidents/{incident_id}/timeline.svg")
def report_chart(request: Request, incident_id: Id) -> Response:
    built = _report(request, incident_id)
    if built is None:
        return _missing(request, incident_id)
    return files.svg(built)
