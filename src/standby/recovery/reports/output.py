"""Where a report goes from the command line: stdout, or a file — and for Markdown, the timeline chart
as an SVG beside it, which the Markdown shows as an image."""

from __future__ import annotations

from pathlib import Path

from standby.core.errors import StandbyError
from standby.recovery.reports.render import Document

FORMATS = ("md", "html")


def write(report: Document, *, format: str, out: Path | None) -> None:
    if format not in FORMATS:
        raise StandbyError(f"--format {format!r}: use md or html")
    if format == "html":
        text = report.html()
        if out is None:
            print(text)
            return
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
        return
    if out is None:
        print(report.markdown())
        return
    chart = out.with_name(f"{out.stem}-timeline.svg")
    chart.write_text(report.svg(), encoding="utf-8")
    out.write_text(report.markdown(chart.name), encoding="utf-8")
    print(f"wrote {out} and {chart}")
