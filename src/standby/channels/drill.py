"""Drills as delivery sees them: every message of a drill is marked DRILL, goes only to the drill's
participants, and in a dry run goes to the drill's sink instead of to them.

A drill run is a row here, low in the graph, because everything that tells people (alerts, incidents)
must honour it, and they sit below the drill feature (recovery/drills), which owns the rest of the
row's life: when it starts and ends, and what it measured. Alerts, incidents and outbox messages of a
drill carry its `drill_run_id`, which is also how real figures and /metrics leave drills out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ColumnElement, String, Text
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from standby.channels.people import Contact, Recipient, shown
from standby.store.base import Base, intpk

MARK = "DRILL"
SINK = "sink"  # the channel of a dry run with no sink address: recorded as delivered, sent nowhere
KEY = "drill_run"  # how a drill's injected failure names its run in a check state's details


class DrillRun(Base):
    __tablename__ = "drill_run"

    id: Mapped[intpk]
    drill: Mapped[str] = mapped_column(String(255), index=True)  # the plan's drill id
    title: Mapped[str] = mapped_column(Text)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    participants: Mapped[list[str]] = mapped_column(JSON, default=list)  # person ids, "audience:ID"
    sink: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # Contacts
    scenario: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # asset, failure, check, summary
    # The drill feature's (recovery/drills): requested → running → ended (or cancelled).
    state: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime]
    requested_by: Mapped[str | None] = mapped_column(String(255))
    started_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(Text)


def run_of(details: Mapping[str, Any]) -> int | None:
    """The drill run a check state's details name, if the state is a drill's injected failure."""
    value = details.get(KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def same_run(column: InstrumentedAttribute[int | None], run_id: int | None) -> ColumnElement[bool]:
    """Rows of drill run `run_id`, or the real ones (no drill) when it is None."""
    return column.is_(None) if run_id is None else column == run_id


def get(session: Session, run_id: int | None) -> DrillRun | None:
    return session.get(DrillRun, run_id) if run_id is not None else None


def route(run: DrillRun, recipient: Recipient) -> Recipient | str:
    """Where a drill message for `recipient` goes: to them (a live drill), to the sink (a dry run), or
    nowhere, with why (they do not take part)."""
    if recipient["id"] not in run.participants:
        return f"{recipient['name']} does not take part in drill {run.drill}: not told"
    if not run.dry_run:
        return recipient
    sink = [Contact(channel=c["channel"], address=c["address"]) for c in run.sink]
    if not sink:  # recorded only: one row per contact the person has, addressed to nobody
        sink = [_kept(c) for c in recipient["contacts"]]
    return Recipient(id=recipient["id"], name=recipient["name"], contacts=sink, problem=recipient["problem"])


def _kept(contact: Contact) -> Contact:
    if contact["channel"] == SINK:
        return contact
    return Contact(channel=SINK, address=f"{contact['channel']}:{contact['address']}")


def marked(run: DrillRun, recipient: Recipient, subject: str, body: str) -> tuple[str, str]:
    """The message as a drill sends it: DRILL in the subject and a first paragraph that says so."""
    banner = f"{MARK}: this is an exercise ({run.title}, drill run #{run.id}). Nothing is really down."
    if run.dry_run:
        reach = ", ".join(shown(c["channel"], c["address"]) for c in recipient["contacts"]) or "no channel"
        banner += f" Dry run: this message is for {recipient['name']} ({reach})."
        return f"[{MARK} dry run → {recipient['name']}] {subject}", f"{banner}\n\n{body}"
    return f"[{MARK}] {subject}", f"{banner}\n\n{body}"


def sink_contact(address: str) -> Contact:
    """A sink address from the plan: an Apprise URL, or an email address."""
    if "://" in address or address.startswith("mailto:"):
        return Contact(channel="apprise", address=address)
    return Contact(channel="email", address=address)
