"""The drill report as people read it (web page, `standby drill report`): a headline that names who was
slow and who could not be reached, a table per person, the promises, Plan B, the timeline chart and
the timeline. HTML (on the web, or as one standalone file) and Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.channels.drill import DrillRun
from standby.channels.receipts import Receipt
from standby.core.timetext import at
from standby.incidents import reach
from standby.incidents.audiences import name
from standby.plan.model import Plan
from standby.recovery.drills.figures import DrillFigures, PersonFigures, measure
from standby.recovery.reports import chart
from standby.recovery.reports.render import Document, after, clock
from standby.statuspage.incidents import page_id
from standby.statuspage.models import StatusPageFile


@dataclass(frozen=True)
class Row:
    name: str
    paged: str
    answered: str
    word: str
    delivered: str
    verdict: str  # "slow: …", "could not be reached: …", "answered first", "fine", "not told"


@dataclass(frozen=True)
class DrillReport(Document):
    KIND: ClassVar[str] = "drill"
    figures: DrillFigures
    title: str
    heading: str  # "Drill run #3: example.com lapses (dry run)"
    when: str
    scenario: str
    headline: list[str]
    rows: list[Row]
    promises: list[tuple[str, str, str, str]]  # made, by, due, outcome
    timeline: list[tuple[str, str]]
    chart: Markup
    legend: Markup


def _verdict(p: PersonFigures) -> str:
    if p.unreachable:
        return f"could not be reached: {p.unreachable}"
    if p.slow:
        return f"slow: {p.slow}"
    if p.first:
        return "answered first"
    return "fine" if p.told else "not told (the drill did not need them)"


def _answered(p: PersonFigures, tz: str) -> str:
    if p.paged is not None:
        return after(p.answered, p.paged, never="did not answer")
    return f"at {clock(p.answered, tz)} (not paged)" if p.answered else "not paged"


def public_untouched(session: Session, figures: DrillFigures) -> bool:
    """The public status page shows none of the drill's incidents (statuspage/incidents.py)."""
    if figures.incident is None:
        return True
    marker = page_id(figures.incident).encode()
    return not any(marker in f.content for f in session.scalars(select(StatusPageFile)))


def build(session: Session, run: DrillRun, *, plan: Plan, now: datetime) -> DrillReport:
    f = measure(session, run, plan=plan, now=now)
    tz, start = plan.timezone, f.started
    kind = "dry run: messages went to the sink, not to people" if run.dry_run else "live: people were told"
    lines = [f"{run.title}: {run.scenario['summary']}"]
    first = next((p for p in f.people if p.first), None)
    if first is not None and first.answered and first.paged:
        lines.append(f"{first.name} acknowledged first, {after(first.answered, first.paged)} after the page.")
    elif f.alert is not None:
        lines.append("Nobody acknowledged the alert.")
    slow = [f"{p.name} ({p.slow})" for p in f.people if p.slow and not p.unreachable]
    lines.append(f"Slow: {'; '.join(slow)}." if slow else "Nobody was slow.")
    lost = [f"{p.name} ({p.unreachable})" for p in f.people if p.unreachable]
    lines.append(f"Could not be reached: {'; '.join(lost)}." if lost else "Everyone Standby tried reached.")
    if f.incident is not None:
        lines.append(f"First internal word: {after(f.first_word, start, never='never')} after the failure.")
        counts = {s: sum(p.state == s for p in f.promises) for s in ("kept", "missed", "open")}
        kept, missed, due = counts["kept"], counts["missed"], counts["open"]
        lines.append(f"Promises of an update: {kept} kept, {missed} missed, {due} not yet due.")
    else:
        lines.append("No incident opened: the asset's playbook names no audiences (or it has none).")
    lines.append(f"Plan B: {f.plan_b}.")
    untouched = public_untouched(session, f)
    lines.append(
        "The public status page was not touched." if untouched else "The public page SHOWS this drill."
    )
    rows = [
        Row(
            p.name,
            clock(p.paged, tz),
            _answered(p, tz),
            after(p.word, start, never="—"),
            f"{p.delivered} delivered" + (f", {len(p.failures)} failed" if p.failures else ""),
            _verdict(p),
        )
        for p in f.people
    ]
    promises = [
        (
            clock(p.made_at, tz),
            name(plan, p.made_by),
            clock(p.due, tz),
            {
                "kept": f"kept at {clock(p.kept_at, tz)} by {name(plan, p.kept_by)}",
                "missed": "MISSED",
                "open": "not yet due when it ended",
            }[p.state],
        )
        for p in f.promises
    ]
    ended = f"ended {at(run.ended_at, tz)} ({run.end_reason})" if run.ended_at else "still running"
    return DrillReport(
        figures=f,
        title=run.title,
        heading=f"Drill run #{run.id}: {run.title}" + (" (dry run)" if run.dry_run else ""),
        when=f"started {at(start, tz)}, {ended}; {kind}",
        scenario=f"{run.scenario['failure'].replace('_', ' ')} of {run.scenario['asset']}",
        headline=lines,
        rows=rows,
        promises=promises,
        timeline=[(clock(e.at, tz), e.text) for e in f.timeline],
        chart=chart.timeline(
            _lanes(f), start=start, end=f.until, tz=tz, title=f"Drill run #{run.id}, in time"
        ),
        legend=chart.legend(),
    )


def _word(f: DrillFigures, receipt: Receipt) -> bool:
    """An incident update's message (a word), not a page of the chain."""
    return f.incident is not None and reach.update_of(receipt, f.incident.id) is not None


def _lanes(f: DrillFigures) -> list[chart.Lane]:
    lanes = []
    for p in f.people:
        mine = [r for r in f.sent if r.recipient == p.id]
        marks = [
            chart.Mark(r.at, "word" if _word(f, r) else "page", f"{p.name}: {r.subject}")
            for r in mine
            if r.delivered
        ]
        marks += [chart.Mark(r.at, "failed", f"{p.name}: {r.error}") for r in mine if r.outcome == "failed"]
        if p.answered is not None:
            marks.append(chart.Mark(p.answered, "ack", f"{p.name} acknowledged"))
        wait = (p.paged, p.answered or f.until) if p.paged else None
        lanes.append(chart.Lane(p.name, marks, wait))
    if f.incident is not None:
        marks = [chart.Mark(p.due, p.state, f"update promised for this time: {p.state}") for p in f.promises]
        marks += [chart.Mark(e.at, "update", e.text) for e in f.timeline if e.kind == "update"]
        lanes.append(chart.Lane(f"incident #{f.incident.id}", marks))
    return lanes
