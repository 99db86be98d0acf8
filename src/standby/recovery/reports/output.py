"""Where a report goes from the command line: stdout, or a file — and for Markdown, the timeline chart
as an SVG beside it, which the Markdown shows as an image."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from standby.core.errors import StandbyError

FORMATS = ("md", "html")


def write(
    *,
    format: str,
    out: Path | None,
    markdown: Callable[[str | None], str],
    html: Callable[[], str],
    svg: Callable[[], str],
) -> None:
    if format not in FORMATS:
        raise StandbyError(f"--format {format!r}: use md or html")
    if format == "html":
        text = html()
        if out is None:
            print(text)
            return
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
        return
    if out is None:
        print(markdown(None))
        return
    chart = out.with_name(f"{out.stem}-timeline.svg")
    chart.write_text(svg(), encoding="utf-8")
    out.write_text(markdown(chart.name), encoding="utf-8")
    print(f"wrote {out} and {chart}")
