"""Who heard an incident's updates, from the outbox: only a delivered message counts.

An update records whom it addressed in each audience (`renders[audience]["people"]`, with why a person
could not be reached); its messages carry the key `incident:{id}/u{update}/{audience}/{person}/...`.
Together they say, per audience, who was told (delivered, by which channel, when) and who was not and
why (no channel, sending, failing, failed, outcome unknown), and when the first word reached someone
inside and outside the company. Nothing here is stored: it is read afresh, so it is always what the
outbox delivered (docs/incidents.md, "Who heard").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.channels.receipts import Receipt, best, of_topic
from standby.core.timetext import at, words
from standby.incidents.models import Incident, IncidentUpdate

NOBODY = "not yet — nobody reached"
_UPDATE = re.compile(r"^u(\d+)/")


@dataclass(frozen=True)
class Person:
    """One person (or an audience's own channel) an update addressed, and what became of it."""

    id: str
    name: str
    receipt: Receipt | None  # the best of their messages; None: there was no channel to send on
    problem: str | None  # why nobody could send to them (no channel), from the plan

    @property
    def heard(self) -> bool:
        return self.receipt is not None and self.receipt.delivered

    def text(self, tz: str) -> str:
        """`Dana Reyes (email, 09:02 EST)`, `Lee Park (no channel: has no email address ...)`."""
        if self.receipt is None:
            return f"{self.name} (no channel: {self.problem or 'has no working channel'})"
        if self.heard:
            return f"{self.name} ({self.receipt.channel}, {at(self.receipt.at, tz)})"
        return f"{self.name} ({self.receipt.address}: {self.receipt.why_not})"


@dataclass(frozen=True)
class AudienceReach:
    audience: str  # an audience id, or "lead"
    external: bool
    people: list[Person]

    @property
    def heard(self) -> list[Person]:
        return [p for p in self.people if p.heard]

    @property
    def missed(self) -> list[Person]:
        return [p for p in self.people if not p.heard]

    def text(self, tz: str) -> str:
        """`marketing: told Dana Reyes (email, 09:02 EST); not told: Sam Ortiz (… sending)`."""
        told = ", ".join(p.text(tz) for p in self.heard) or "nobody"
        where = f"{self.audience} (outside)" if self.external else self.audience
        missed = "; not told: " + ", ".join(p.text(tz) for p in self.missed) if self.missed else ""
        return f"{where}: told {told}{missed}"


def update_of(receipt: Receipt, incident_id: int) -> tuple[int, str] | None:
    """(update id, audience) of an update's message; None for the incident's other messages."""
    rest = receipt.key.removeprefix(f"incident:{incident_id}/")
    found = _UPDATE.match(rest)
    if found is None or receipt.recipient is None:
        return None
    tail = f"/{receipt.recipient}/{receipt.channel}/"
    audience, sep, _ = rest[found.end() :].rpartition(tail)
    return (int(found.group(1)), audience) if sep else None


def _addressed(render: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(id, name, problem) of everyone an audience's render addressed."""
    return [(p["id"], p["name"], p.get("problem")) for p in render.get("people", [])]


def of_update(update: IncidentUpdate, receipts: Iterable[Receipt]) -> list[AudienceReach]:
    """Each audience `update` was sent to, with what became of every person's messages."""
    mine: dict[tuple[str, str], list[Receipt]] = {}
    for r in receipts:
        where = update_of(r, update.incident_id)
        if where is not None and where[0] == update.id and r.recipient is not None:
            mine.setdefault((where[1], r.recipient), []).append(r)
    out = []
    for audience, render in (update.renders or {}).items():
        people = [
            Person(ident, name, best(mine.get((audience, ident), [])), problem)
            for ident, name, problem in _addressed(render)
        ]
        out.append(AudienceReach(audience, bool(render.get("external")), people))
    return out


@dataclass(frozen=True)
class IncidentReach:
    """The whole incident: per audience, who has heard at least once; and the first word in and out."""

    audiences: list[AudienceReach]
    first_inside: datetime | None  # the first delivery to someone of an internal audience
    first_outside: datetime | None  # ... of an external one
    receipts: list[Receipt]  # every message of the incident, for the timeline

    def first(self, detected: datetime, *, outside: bool) -> str:
        """`12 s after detection (09:02 EST)`, or `not yet — nobody reached`."""
        moment = self.first_outside if outside else self.first_inside
        return NOBODY if moment is None else f"{words(moment - detected, seconds=True)} after detection"


def of_incident(session: Session, incident: Incident) -> IncidentReach:
    receipts = of_topic(session, f"incident:{incident.id}")
    query = select(IncidentUpdate).where(IncidentUpdate.incident_id == incident.id)
    updates = list(session.scalars(query.order_by(IncidentUpdate.id)))
    merged: dict[str, tuple[bool, dict[str, Person]]] = {}
    firsts: dict[bool, datetime] = {}
    for update in updates:
        for reach in of_update(update, receipts):
            _, people = merged.setdefault(reach.audience, (reach.external, {}))
            for person in reach.people:
                people[person.id] = _better(people.get(person.id), person)
                if person.heard and person.receipt is not None:
                    moment = person.receipt.at
                    firsts[reach.external] = min(firsts.get(reach.external, moment), moment)
    audiences = [AudienceReach(a, ext, list(people.values())) for a, (ext, people) in merged.items()]
    audiences.sort(key=lambda a: a.external)  # stable: inside first, in the order they were told
    return IncidentReach(audiences, firsts.get(False), firsts.get(True), receipts)


def _better(old: Person | None, new: Person) -> Person:
    """Across updates a person counts as heard once any message reached them; else their latest."""
    return old if old is not None and old.heard else new


def timeline(
    reach: IncidentReach, incident_id: int, names: dict[str, str]
) -> list[tuple[datetime, str, str]]:
    """(when, kind, text) for each message delivered, failing or given up on: the timeline's truth
    about deliveries, next to the "queued" rows written when the messages were made."""
    out = []
    for r in reach.receipts:
        where = update_of(r, incident_id)
        about = f"update #{where[0]} to {where[1]}" if where else _about(r.key, incident_id)
        who = names.get(r.recipient or "", r.recipient or "someone")
        if r.delivered:
            out.append((r.at, "delivered", f"{about}: delivered to {who} by {r.channel} ({r.address})"))
        elif r.outcome in ("failed", "unknown", "failing"):
            said = f"{about}: not delivered to {who} by {r.address}: {r.why_not}"
            out.append((r.at, "not_delivered", said))
    return out


def _about(key: str, incident_id: int) -> str:
    kind = key.removeprefix(f"incident:{incident_id}/").partition("/")[0]
    return {"remind": "reminder", "missed": "overdue notice"}.get(kind, kind)
