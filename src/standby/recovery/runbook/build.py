"""The crisis runbook as values: everything the team needs when the monitoring itself is down — who
owns what and whom to call next (with every way to reach them), renewal dates and who confirmed
them, each playbook's audiences, words and promises, the status page's address, and the drills with
their last results. Read from the plan, and from the store when there is one (renewals, drills).

Secrets never appear: notify URLs are shown as channels/redact.py masks them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.chain import describe, snapshot
from standby.alerts.models import Renewal
from standby.channels.drill import DrillRun
from standby.channels.people import Recipient, contacts, reach, shown
from standby.core.timetext import at, words
from standby.engine.models import CheckState
from standby.plan.fallback import LivePage, live_pages
from standby.plan.model import Person, Plan, Playbook
from standby.plan.templates import AudienceTemplate
from standby.recovery.drills.figures import measure, summary


@dataclass(frozen=True)
class Who:
    id: str
    name: str
    reach: str  # "dana@acme.example, slack://T…/#ops", or why nobody can reach them


@dataclass(frozen=True)
class AssetCard:
    name: str
    kind: str
    target: str
    owner: Who | None
    chain: list[Who]  # the owner, then whom they report to, upwards
    escalation: str  # the steps, in words
    playbook: str | None
    expires: str | None  # "2027-03-01 09:00 EST" when a check has read it
    renewal: str | None  # who confirmed the renewal, or that nobody has


@dataclass(frozen=True)
class AudienceCard:
    id: str
    external: bool
    status_page: bool
    members: list[Who]
    notify: list[str]
    template: AudienceTemplate | None


@dataclass(frozen=True)
class PlaybookCard:
    id: str
    severity: str
    first_update: str
    update_every: str
    external_after: str
    audiences: list[AudienceCard]
    impact: str | None
    plan_b: list[LivePage]  # the fallback pages of its forms (docs/plan-b.md)


@dataclass(frozen=True)
class DrillCard:
    id: str
    title: str
    scenario: str
    participants: list[str]
    schedule: str
    last: str  # the last run, in a sentence


@dataclass(frozen=True)
class Runbook:
    organization: str
    timezone: str
    as_of: str | None
    status_page: str | None
    runbook_url: str | None
    people: list[Who]
    assets: list[AssetCard]
    playbooks: list[PlaybookCard]
    drills: list[DrillCard]
    fingerprint: str = field(default="")  # of the plan: which version this is


def _who(plan: Plan, person: Person) -> Who:
    found: Recipient = contacts(plan, person)
    ways = reach(found) or (person.email or "")
    if not found["contacts"]:
        ways = f"{ways} — {found['problem']}".strip(" —")
    return Who(person.id, person.name or person.id, ways)


def _chain(plan: Plan, owner: str | None) -> list[Who]:
    people = {p.id: p for p in plan.people}
    out: list[Who] = []
    current = people.get(owner) if owner else None
    while current is not None and all(w.id != current.id for w in out):
        out.append(_who(plan, current))
        current = people.get(current.reports_to) if current.reports_to else None
    return out


def _playbook(plan: Plan, playbook: Playbook) -> PlaybookCard:
    people = {p.id: p for p in plan.people}
    audiences = {a.id: a for a in plan.audiences}
    cards = []
    for ident in playbook.audiences:
        audience = audiences.get(ident)
        if audience is None:
            continue
        members = [_who(plan, people[m]) for m in audience.members if m in people]
        notify = [shown("apprise", url) for url in audience.notify]
        cards.append(
            AudienceCard(
                ident, audience.external, audience.status_page, members, notify, playbook.templates.get(ident)
            )
        )
    impact = playbook.impact
    cost = None
    if impact is not None:
        unit = impact.currency
        cost = f"{impact.hourly:,.0f} {unit} an hour"
        if impact.leads_per_hour is not None and impact.value_per_lead is not None:
            cost += f" ({impact.leads_per_hour:g} leads an hour at {impact.value_per_lead:,.0f} {unit})"
    return PlaybookCard(
        playbook.id,
        playbook.severity,
        words(playbook.first_update_within) if playbook.first_update_within else "30 min (default)",
        words(playbook.update_every) if playbook.update_every else "30 min (default)",
        words(playbook.external_after) if playbook.external_after else "only when published by hand",
        cards,
        cost,
        live_pages(plan, playbook.plan_b) if playbook.plan_b else [],
    )


def _drill_cards(plan: Plan, session: Session | None, today: date) -> list[DrillCard]:
    names = {p.id: p.name or p.id for p in plan.people} | {
        a.id: f"the {a.id} audience" for a in plan.audiences
    }
    cards = []
    for drill in plan.drills:
        schedule = "not scheduled"
        if drill.schedule is not None:
            schedule = f"{drill.schedule.every}, next on {next(drill.schedule.dates(today)):%Y-%m-%d}"
        last = "never run"
        if session is not None:
            query = select(DrillRun).where(DrillRun.drill == drill.id, DrillRun.state == "ended")
            run = session.scalars(query.order_by(DrillRun.id.desc()).limit(1)).first()
            if run is not None and run.started_at is not None:
                kind = "dry run" if run.dry_run else "live"
                found = summary(measure(session, run, plan=plan, now=run.ended_at or run.started_at))
                last = f"#{run.id}, {kind}, on {at(run.started_at, plan.timezone)}: {found}"
        scenario = f"{drill.scenario.failure.replace('_', ' ')} of {drill.scenario.asset}"
        cards.append(
            DrillCard(
                drill.id, drill.title, scenario, [names.get(p, p) for p in drill.participants], schedule, last
            )
        )
    return cards


def _renewals(session: Session | None, plan: Plan) -> tuple[dict[str, str], dict[str, str]]:
    """Per asset: the expiry a check has read, and what the owner confirmed about renewing it."""
    if session is None:
        return {}, {}
    expires: dict[str, str] = {}
    for state in session.scalars(
        select(CheckState).where(CheckState.check.in_(("registration", "certificate")))
    ):
        raw = state.details.get("expires_at")
        if raw:
            expires[state.asset] = at(datetime.fromisoformat(str(raw)), plan.timezone)
    confirmed: dict[str, str] = {}
    people = {p.id: p.name or p.id for p in plan.people}
    for cycle in session.scalars(select(Renewal).where(Renewal.renewed_at.is_(None)).order_by(Renewal.id)):
        if cycle.confirmed_at is not None:
            who = people.get(cycle.confirmed_by or "", cycle.confirmed_by or "someone")
            how = "auto-renew is on" if cycle.confirmation == "auto-renew" else "renewed"
            confirmed[cycle.asset] = f"{how}: confirmed by {who} on {at(cycle.confirmed_at, plan.timezone)}"
        else:
            confirmed[cycle.asset] = "not confirmed yet"
    return expires, confirmed


def build(plan: Plan, *, session: Session | None, now: datetime, as_of: datetime | None = None) -> Runbook:
    """The runbook for `plan` on `now`'s date; `as_of` is the time its data speaks for, if known (it is
    not `now`: the file must stay the same, and unpublished, until something in it changes)."""
    expires, confirmed = _renewals(session, plan)
    assets = []
    for asset in plan.assets():
        owner = next((p for p in plan.people if p.id == asset.owner), None)
        chain = snapshot(plan, asset=asset.id, owner=asset.owner)
        assets.append(
            AssetCard(
                asset.name,
                asset.kind,
                asset.target,
                _who(plan, owner) if owner else None,
                _chain(plan, asset.owner),
                describe(chain),
                asset.playbook,
                expires.get(asset.id),
                confirmed.get(asset.id),
            )
        )
    page = plan.status_page
    text = plan.model_dump_json(by_alias=True)
    return Runbook(
        organization=plan.organization,
        timezone=plan.timezone,
        as_of=at(as_of, plan.timezone) if as_of else None,
        status_page=str(page.url) if page else None,
        runbook_url=str(plan.runbook.url) if plan.runbook and plan.runbook.url else None,
        people=[_who(plan, p) for p in plan.people],
        assets=assets,
        playbooks=[_playbook(plan, p) for p in plan.playbooks],
        drills=_drill_cards(plan, session, now.date()),
        fingerprint=hashlib.sha256(text.encode()).hexdigest()[:12],
    )
