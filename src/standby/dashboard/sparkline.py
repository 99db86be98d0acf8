"""An endpoint's latency over its recent checks, as a small server-side SVG line.

Failed checks have no latency: they leave a gap in the line and a mark on the baseline, so an outage
shows as what it is rather than as a fast answer. The <title> says the numbers in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from markupsafe import Markup

WIDTH = 300
HEIGHT = 48
PAD = 4

_SVG = Markup(
    '<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
    'role="img" aria-label="{title}"><title>{title}</title>'
    '<line class="base" x1="0" y1="{base}" x2="{width}" y2="{base}"/>{body}</svg>'
)
_FAILED = Markup('<rect class="failed" x="{x:.1f}" y="{y}" width="4" height="8"/>')
_DOT = Markup('<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>')
_LINE = Markup('<polyline class="line" points="{points}"/>')


def describe(latencies: Sequence[int | None]) -> str:
    known = [v for v in latencies if v is not None]
    failed = len(latencies) - len(known)
    text = f"Latency of the last {len(latencies)} checks"
    if known:
        text += f": {min(known)}–{max(known)} ms, median {round(median(known))} ms"
        latest = latencies[-1]
        text += f", latest {latest} ms" if latest is not None else ", the latest failed"
    if failed:
        text += f"; {failed} failed without an answer"
    return text


def sparkline(latencies: Sequence[int | None]) -> Markup:
    """`latencies` oldest first, in milliseconds; None where the check got no answer."""
    top = max((v for v in latencies if v is not None), default=1) or 1
    step = (WIDTH - 2 * PAD) / max(len(latencies) - 1, 1)
    segments: list[list[tuple[float, float]]] = [[]]
    marks = []
    for i, value in enumerate(latencies):
        x = PAD + i * step
        if value is None:
            marks.append(_FAILED.format(x=x - 2, y=HEIGHT - PAD - 8))
            segments.append([])
        else:
            segments[-1].append((x, HEIGHT - PAD - value / top * (HEIGHT - 2 * PAD)))
    body = Markup("").join([_segment(points) for points in segments if points] + marks)
    return _SVG.format(width=WIDTH, height=HEIGHT, title=describe(latencies), base=HEIGHT - PAD, body=body)


def _segment(points: list[tuple[float, float]]) -> Markup:
    if len(points) == 1:  # a lone answer between failures: a dot, since a line needs two
        return _DOT.format(x=points[0][0], y=points[0][1])
    return _LINE.format(points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points))
