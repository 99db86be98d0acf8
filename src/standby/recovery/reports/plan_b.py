"""Plan B in a report: what the playbook's fallback forms (`plan_b`, docs/plan-b.md) did while the
incident or drill lasted — their fallback pages, who was told them (an update listing the pages, as
delivered: incidents/reach.py), and the leads the forms captured in that window with what became of
them, as the destinations acknowledged (leads/counts.py, the words the incident's timeline uses).

Standby switches nothing by itself: the switch script shows Standby's form in each visitor's browser
when the platform's does not load. The team's part is to send people to the pages, so that is what a
report measures, with the leads that came in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.channels.receipts import Receipt, of_topic
from standby.incidents import reach
from standby.incidents.models import Incident, IncidentUpdate
from standby.leads.counts import Counts, counts
from standby.plan.fallback import LivePage, live_pages
from standby.plan.model import Plan
from standby.recovery.reports.render import clock


@dataclass(frozen=True)
class Told:
    id: str  # a person id (or an audience's own channel)
    name: str
    at: datetime  # when the first update listing the pages reached them


@dataclass(frozen=True)
class PlanB:
    forms: list[str]
    pages: list[LivePage]
    told: list[Told]  # in the order they heard
    leads: Counts  # the forms' submissions received in the window, by what became of them

    def pages_text(self) -> str:
        return "; ".join(f"{p.title}: {p.url}" for p in self.pages) or "none (the plan has no such form)"

    def told_text(self, tz: str) -> str:
        if not self.told:
            return "no update listing them was delivered to anyone"
        return "in updates delivered to " + ", ".join(f"{t.name} ({clock(t.at, tz)})" for t in self.told)


def measure(
    session: Session, plan: Plan, incident: Incident | None, *, since: datetime, until: datetime | None
) -> PlanB | None:
    """None when the incident's playbook names no Plan B; the leads counted are those received in
    [since, until) (until None: up to now)."""
    playbook = plan.playbook(incident.playbook) if incident is not None else None
    if incident is None or playbook is None or not playbook.plan_b:
        return None
    pages = live_pages(plan, playbook.plan_b)
    leads = counts(session, forms=playbook.plan_b, since=since, until=until)
    return PlanB(list(playbook.plan_b), pages, _told(session, incident, pages), leads)


def _told(session: Session, incident: Incident, pages: list[LivePage]) -> list[Told]:
    """Everyone a delivered update named the pages to, with when it first reached them."""
    if not pages:
        return []
    receipts: list[Receipt] = of_topic(session, f"incident:{incident.id}")
    query = select(IncidentUpdate).where(IncidentUpdate.incident_id == incident.id)
    first: dict[str, Told] = {}
    for update in session.scalars(query.order_by(IncidentUpdate.id)):
        listing = {
            audience
            for audience, render in (update.renders or {}).items()
            if any(page.url in str(render.get("body", "")) for page in pages)
        }
        for audience in reach.of_update(update, receipts):
            if audience.audience not in listing:
                continue
            for person in audience.heard:
                when = person.receipt.at if person.receipt is not None else None
                if when is not None and (person.id not in first or when < first[person.id].at):
                    first[person.id] = Told(person.id, person.name, when)
    return sorted(first.values(), key=lambda t: (t.at, t.name))
