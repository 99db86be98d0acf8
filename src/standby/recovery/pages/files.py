"""A report's files on the web: its Markdown (with the chart beside it as `timeline.svg`) and its chart."""

from __future__ import annotations

from fastapi import Response

from standby.recovery.reports.render import Document

MARKDOWN = "text/markdown; charset=utf-8"
SVG = "image/svg+xml"


def markdown(report: Document) -> Response:
    return Response(report.markdown(chart_file="timeline.svg"), media_type=MARKDOWN)


def svg(report: Document) -> Response:
    return Response(report.svg(), media_type=SVG)
