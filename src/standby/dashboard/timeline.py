"""The expiry timeline: the next twelve months as server-side SVG, one row per domain or certificate.

Each row runs from today to its expiry, coloured by status through CSS classes (so the stylesheet and
dark mode decide the colours), and always says its status in words too. A diamond marks the date the
owner must confirm the renewal by. The markup is built from `Markup` templates, so every value put in
(names come from the plan and the store) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

WIDTH = 760
LEFT = 200  # the label column
RIGHT = 40  # room for an arrow past the end of the window
TOP = 48  # years and months above the rows
ROW = 28
SPAN = 365  # days shown
_LABEL = 25  # characters of a label before it is cut (the <title> keeps the whole name)


@dataclass(frozen=True)
class Expiry:
    label: str
    kind: str  # domain | certificate | endpoint (an endpoint's certificate)
    status: str  # ok | warning | unknown | critical | pending
    expires: date  # where the marker goes
    days_left: int  # what it says (core.expiry.days_left: counted to the hour, not the calendar day)
    href: str
    confirm_by: date | None = None
    confirmed: bool = False  # the owner confirmed this expiry's renewal


def _x(day: date, today: date) -> float:
    offset = min(max((day - today).days, 0), SPAN)
    return LEFT + offset * (WIDTH - LEFT - RIGHT) / SPAN


def _months(today: date) -> list[date]:
    """The first day of every month after today, within the window."""
    out: list[date] = []
    year, month = today.year, today.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        first = date(year, month, 1)
        if (first - today).days > SPAN:
            return out
        out.append(first)


def _cut(text: str) -> str:
    return text if len(text) <= _LABEL else text[: _LABEL - 1] + "…"


def _when(entry: Expiry) -> str:
    days = entry.days_left
    if days < 0:
        return f"expired {-days} d ago"
    return "expires today" if days == 0 else f"{days} d"


def _confirm_note(entry: Expiry, today: date) -> str:
    if entry.confirm_by is None:
        return ""
    if entry.confirmed:
        return "renewal confirmed"
    if entry.confirm_by < today:
        return "confirmation overdue"
    return f"confirm by {entry.confirm_by:%d %b}"


def _title(entry: Expiry, today: date) -> str:
    verb = "expired" if entry.expires < today else "expires"
    when = f"{verb} on {entry.expires:%Y-%m-%d} ({_when(entry)})"
    text = f"{entry.label} ({entry.kind}): {entry.status}; {when}"
    if entry.confirm_by is None:
        return text
    if entry.confirmed:
        return f"{text}; renewal confirmed"
    overdue = "overdue since" if entry.confirm_by < today else "due by"
    return f"{text}; confirmation of the renewal {overdue} {entry.confirm_by:%Y-%m-%d}"


_ROW = Markup(
    '<g class="row {status}"><title>{title}</title>'
    '<a href="{href}"><text class="label" x="{lx}" y="{ty:.1f}" text-anchor="end">{label}</text></a>'
    '<line class="bar" x1="{x0:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y:.1f}"/>{marker}{confirm}'
    '<text class="note" x="{nx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{note}</text></g>'
)
_DOT = Markup('<circle class="marker" cx="{x:.1f}" cy="{y:.1f}" r="6"/>')
_ARROW = Markup('<path class="marker" d="M{x:.1f} {top:.1f}l12 6l-12 6z"/>')  # later than the window
_DIAMOND = Markup('<path class="confirm" d="M{x:.1f} {top:.1f}l6 7l-6 7l-6 -7z"/>')


def _row(entry: Expiry, index: int, today: date) -> Markup:
    y = TOP + index * ROW + ROW / 2
    x0, x = _x(today, today), _x(entry.expires, today)
    later = (entry.expires - today).days > SPAN
    marker = _ARROW.format(x=x - 6, top=y - 6) if later else _DOT.format(x=x, y=y)
    confirm = Markup("")
    if entry.confirm_by is not None and today <= entry.confirm_by <= entry.expires:
        confirm = _DIAMOND.format(x=_x(entry.confirm_by, today), top=y - 7)
    # Past the middle, the note goes before the marker, over the bar (the stylesheet gives it a halo).
    anchor, nx = ("end", x - 12) if x > LEFT + (WIDTH - LEFT - RIGHT) / 2 else ("start", x + 12)
    note = " · ".join(p for p in (_when(entry), entry.status, _confirm_note(entry, today)) if p)
    return _ROW.format(
        status=entry.status,
        title=_title(entry, today),
        href=entry.href,
        lx=LEFT - 10,
        ty=y + 4,
        label=_cut(entry.label),
        x0=x0,
        x=x,
        y=y,
        marker=marker,
        confirm=confirm,
        nx=nx,
        anchor=anchor,
        note=note,
    )


_HEAD = Markup(
    '<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
    'role="img" aria-labelledby="timeline-title timeline-desc">'
    '<title id="timeline-title">Expiry timeline: the next 12 months</title>'
    '<desc id="timeline-desc">{desc}</desc>'
)
_MONTH = Markup(
    '<line class="tick" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}"/>'
    '<text class="month" x="{tx:.1f}" y="{ty}">{name}</text>'
)
_YEAR = Markup('<text class="year" x="{x:.1f}" y="{y}">{year}</text>')
_TODAY = Markup(
    '<line class="today" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}"/>'
    '<text class="today-label" x="{x:.1f}" y="{ty}" text-anchor="middle">today</text>'
)
_EMPTY = Markup('<text class="note" x="{x}" y="{y}">Nothing known expires in the next 12 months.</text>')
_LEGEND = Markup(
    '<g class="legend"><circle class="marker" cx="{x:.1f}" cy="{cy}" r="5"/>'
    '<text x="{tx:.1f}" y="{y}">expiry</text>'
    '<path class="confirm" d="M{dx:.1f} {dy}l5 6l-5 6l-5 -6z"/>'
    '<text x="{dtx:.1f}" y="{y}">confirm the renewal by</text></g>'
)


def timeline(entries: Sequence[Expiry], *, today: date) -> Markup:
    """The SVG for `entries` (sorted here, soonest first), for the year starting `today`."""
    rows = sorted(entries, key=lambda e: (e.expires, e.label))
    height = TOP + max(len(rows), 1) * ROW + 34
    top, bottom = TOP - 8, height - 30
    end = today + timedelta(days=SPAN)
    desc = f"{len(rows)} expiry dates; the chart runs from {today:%d %B %Y} to {end:%d %B %Y}"
    out = [_HEAD.format(width=WIDTH, height=height, desc=desc)]
    for first in _months(today):
        x = _x(first, today)
        # A month starting within days would print over "today": its tick stays, unnamed.
        name = f"{first:%b}" if (first - today).days >= 12 else ""
        out.append(_MONTH.format(x=x, top=top, bottom=bottom, tx=x + 3, ty=TOP - 14, name=name))
        if first.month == 1:
            out.append(_YEAR.format(x=x + 3, y=TOP - 30, year=first.year))
    out.append(_TODAY.format(x=_x(today, today), top=top, bottom=bottom, ty=TOP - 14))
    out.append(_YEAR.format(x=_x(today, today) - 14, y=TOP - 30, year=today.year))
    if not rows:
        out.append(_EMPTY.format(x=LEFT, y=TOP + ROW // 2 + 4))
    out += [_row(entry, i, today) for i, entry in enumerate(rows)]
    y = height - 12
    out.append(
        _LEGEND.format(x=LEFT + 6, cy=y - 4, tx=LEFT + 16, y=y, dx=LEFT + 86, dy=y - 10, dtx=LEFT + 96)
    )
    out.append(Markup("</svg>"))
    return Markup("").join(out)
