"""The reports' charts as server-side SVG, like the dashboard's: a timeline with one lane per person
(and one for the incident), and the DNS recovery curve. Colours come from CSS classes (the report's
own stylesheet, inline), every mark has a <title> in words, and every value is escaped (Markup)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup

WIDTH = 760
LEFT = 170  # the label column
RIGHT = 20
TOP = 26  # the time axis
ROW = 26
_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1440, 2880]  # minutes between ticks
CSS = Markup("""
svg.chart { width: 100%; max-width: 760px; height: auto; font: 11px system-ui, sans-serif; }
svg.chart.key { width: 14px; height: 14px; vertical-align: middle; }
svg.chart .axis { stroke: #999; } svg.chart .grid { stroke: #e4e4e4; } svg.chart text { fill: #333; }
svg.chart .wait { stroke: #f0b429; stroke-width: 4; opacity: .6; }
svg.chart .page { fill: #1f6feb; } svg.chart .ack { fill: #1a7f37; } svg.chart .word { fill: #8250df; }
svg.chart .failed { stroke: #cf222e; stroke-width: 2.5; } svg.chart .update { fill: #57606a; }
svg.chart .kept { fill: #1a7f37; } svg.chart .missed { fill: #cf222e; } svg.chart .open { fill: #bbb; }
svg.chart .curve { fill: none; stroke: #1a7f37; stroke-width: 2; }
""")
SHAPES = {
    "page": "message delivered",
    "ack": "acknowledged",
    "word": "first incident word",
    "failed": "delivery failed",
    "update": "update posted",
    "kept": "promise kept",
    "missed": "promise missed",
    "open": "promise not yet due",
}


@dataclass(frozen=True)
class Mark:
    at: datetime
    shape: str  # a key of SHAPES
    title: str


@dataclass(frozen=True)
class Lane:
    label: str
    marks: Sequence[Mark]
    wait: tuple[datetime, datetime] | None = None  # a bar: from the page to the answer (or the end)


def _ticks(start: datetime, end: datetime) -> list[datetime]:
    span = max((end - start).total_seconds() / 60, 1)
    step = next((s for s in _STEPS if span / s <= 8), _STEPS[-1])
    first = start.replace(second=0, microsecond=0)
    first += timedelta(minutes=(-first.minute) % step if step < 60 else 0)
    out, t = [], first
    while t <= end:
        if t >= start:
            out.append(t)
        t += timedelta(minutes=step)
    return out


class _Scale:
    def __init__(self, start: datetime, end: datetime) -> None:
        self.start, self.seconds = start, max((end - start).total_seconds(), 1.0)

    def x(self, when: datetime) -> float:
        offset = min(max((when - self.start).total_seconds(), 0.0), self.seconds)
        return LEFT + offset / self.seconds * (WIDTH - LEFT - RIGHT)


def _shape(kind: str, x: float, y: float, title: str) -> Markup:
    t = Markup("<title>{}</title>").format(title)
    if kind == "ack":
        return Markup('<path class="ack" d="M{:.1f} {:.1f} l6 -6 l6 6 l-6 6 z">{}</path>').format(x - 6, y, t)
    if kind == "word":
        return Markup('<rect class="word" x="{:.1f}" y="{:.1f}" width="9" height="9">{}</rect>').format(
            x - 4.5, y - 4.5, t
        )
    if kind == "failed":
        return Markup('<path class="failed" d="M{0:.1f} {1:.1f} l8 8 m0 -8 l-8 8">{2}</path>').format(
            x - 4, y - 4, t
        )
    if kind == "update":
        return Markup('<rect class="update" x="{:.1f}" y="{:.1f}" width="3" height="14">{}</rect>').format(
            x - 1.5, y - 7, t
        )
    if kind in ("kept", "missed", "open"):
        return Markup('<path class="{}" d="M{:.1f} {:.1f} l5 -9 l5 9 z">{}</path>').format(
            kind, x - 5, y + 4, t
        )
    return Markup('<circle class="page" cx="{:.1f}" cy="{:.1f}" r="4.5">{}</circle>').format(x, y, t)


def _axis(scale: _Scale, start: datetime, end: datetime, tz: str, bottom: float) -> list[Markup]:
    zone = ZoneInfo(tz)
    out = []
    for tick in _ticks(start, end):
        x = scale.x(tick)
        out.append(
            Markup('<line class="grid" x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2:.1f}"/>').format(
                x, TOP - 4, bottom
            )
        )
        out.append(
            Markup('<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>').format(
                x, TOP - 8, tick.astimezone(zone).strftime("%H:%M")
            )
        )
    return out


def timeline(lanes: Sequence[Lane], *, start: datetime, end: datetime, tz: str, title: str) -> Markup:
    scale = _Scale(start, end)
    height = TOP + ROW * len(lanes) + 8
    body = _axis(scale, start, end, tz, height - 8)
    for i, lane in enumerate(lanes):
        y = TOP + ROW * i + ROW / 2
        body.append(
            Markup('<text x="4" y="{:.1f}" dominant-baseline="middle">{}</text>').format(y, lane.label[:26])
        )
        body.append(
            Markup('<line class="axis" x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}"/>').format(
                LEFT, y, WIDTH - RIGHT, y
            )
        )
        if lane.wait is not None:
            a, b = lane.wait
            body.append(
                Markup('<line class="wait" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>').format(
                    scale.x(a), y, scale.x(b), y
                )
            )
        body += [_shape(m.shape, scale.x(m.at), y, m.title) for m in lane.marks]
    return _svg(height, title, body)


def curve(points: Sequence[tuple[datetime, int, int]], *, start: datetime, end: datetime, tz: str) -> Markup:
    """How many resolvers had the fix over time: (when, right, asked) per pass, as a step line."""
    scale = _Scale(start, end)
    height, bottom = 150, 130
    top = max((asked for _, _, asked in points), default=1) or 1

    def y(right: int) -> float:
        return bottom - right / top * (bottom - TOP)

    path: list[str] = []
    for when, right, _ in points:
        x = scale.x(when)
        path.append(
            f"{'M' if not path else 'H'}{x:.1f} V{y(right):.1f}" if path else f"M{x:.1f} {y(right):.1f}"
        )
    if points:
        path.append(f"H{scale.x(end):.1f}")
    line = " ".join(path)
    body = _axis(scale, start, end, tz, bottom)
    body.append(
        Markup('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            LEFT, bottom, WIDTH - RIGHT, bottom
        )
    )
    body.append(Markup('<text x="4" y="{:.1f}">all {} resolvers</text>').format(y(top) + 4, top))
    body.append(Markup('<text x="4" y="{}">none</text>').format(bottom))
    if line:
        body.append(Markup('<path class="curve" d="{}"/>').format(line))
    last = points[-1] if points else None
    label = (
        f"Resolvers with the fix: {last[1]} of {last[2]} at the last pass"
        if last
        else "No resolver was asked"
    )
    return _svg(height, label, body)


def _svg(height: int | float, title: str, body: list[Markup]) -> Markup:
    return Markup(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{t}"><title>{t}</title>{body}</svg>'
    ).format(w=WIDTH, h=height, t=title, body=Markup("").join(body))


def legend() -> Markup:
    items = [
        Markup('<svg class="chart key" viewBox="0 0 14 14" width="14" height="14">{}</svg> {}').format(
            _shape(k, 7, 7, v), v
        )
        for k, v in SHAPES.items()
    ]
    return Markup(" · ").join(items)


def standalone(svg: Markup) -> str:
    """An SVG as a file of its own, its styles inside it (the report's page supplies them otherwise)."""
    head, _, rest = str(svg).partition(">")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}><style>{CSS}</style>{rest}\n'
