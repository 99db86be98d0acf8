"""The runbook as one self-contained HTML file: styles inline, no script, no image, no font or sheet
from anywhere — it must open from a USB stick or a bucket when everything else is down, and print."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from standby.recovery.runbook.build import Runbook


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("standby.recovery", "templates"), autoescape=select_autoescape(["html"])
    )


def render(book: Runbook) -> bytes:
    return _env().get_template("recovery/runbook.html").render(book=book).encode()
