"""How reports are written: times to the second in the plan's zone, durations in words, and the two
Jinja environments — HTML (escaped; a standalone file carries its own styles and fetches nothing) and
Markdown (plain text, ready to paste into a post-mortem)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import ClassVar
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from standby.core.timetext import words
from standby.recovery.reports import chart as charts


def clock(when: datetime | None, tz: str) -> str:
    """`09:03:12 EST`; a dash when it never happened."""
    return when.astimezone(ZoneInfo(tz)).strftime("%H:%M:%S %Z") if when is not None else "—"


def after(when: datetime | None, since: datetime, *, never: str = "—") -> str:
    """`4 min` after `since` (to the second under a minute), or `never` when it did not happen."""
    return words(when - since, seconds=True) if when is not None else never


@cache
def html_env() -> Environment:
    return Environment(
        loader=PackageLoader("standby.recovery", "templates"), autoescape=select_autoescape(["html"])
    )


@cache
def markdown_env() -> Environment:
    return Environment(
        loader=PackageLoader("standby.recovery", "templates"),
        autoescape=False,  # noqa: S701 - Markdown text, never served as HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def cell(text: str) -> str:
    """A value safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


class Document:
    """A report as files: Markdown (its chart beside it, as an image), one HTML file that fetches
    nothing, and the chart alone as SVG. A report's dataclass names its templates (`KIND`)."""

    KIND: ClassVar[str]  # "drill" | "incident": recovery/{KIND}_report.md, recovery/{KIND}_document.html
    chart: Markup

    def markdown(self, chart_file: str | None = None) -> str:
        template = markdown_env().get_template(f"recovery/{self.KIND}_report.md")
        return template.render(r=self, cell=cell, chart_file=chart_file)

    def html(self) -> str:
        return html_env().get_template(f"recovery/{self.KIND}_document.html").render(r=self, css=charts.CSS)

    def svg(self) -> str:
        return charts.standalone(self.chart)
