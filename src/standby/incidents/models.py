"""Incidents: what is wrong from the audiences' point of view, the updates promised and posted about
it, and a timeline of everything that happened (docs/incidents.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from standby.channels.drill import DrillRun
from standby.store.base import Base, intpk

State = Literal["investigating", "identified", "monitoring", "resolved"]
STATES: tuple[State, ...] = ("investigating", "identified", "monitoring", "resolved")
Severity = Literal["minor", "major", "critical"]
SEVERITIES: tuple[Severity, ...] = ("minor", "major", "critical")
AUTHOR = "standby"  # the author of automatic updates


class Incident(Base):
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_due", "state", "next_update_due_at"),)

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(Text)
    systems: Mapped[list[str]] = mapped_column(JSON, default=list)  # asset ids: "vendor:marketo"
    severity: Mapped[str] = mapped_column(String(16))  # minor | major | critical (the page's impact)
    state: Mapped[str] = mapped_column(String(16))  # investigating | identified | monitoring | resolved
    lead: Mapped[str | None] = mapped_column(String(255))  # person id
    playbook: Mapped[str | None] = mapped_column(String(255))
    opened_by: Mapped[str] = mapped_column(String(255))  # a person id, or "standby" when automatic
    started_at: Mapped[datetime]  # when the problem began (the first alert's onset)
    detected_at: Mapped[datetime]  # when Standby knew (the alert opened) or a person opened it
    opened_at: Mapped[datetime]
    # Who heard, and when, is read from the outbox (incidents/reach.py): only a delivery counts.
    page_shown_at: Mapped[datetime | None]  # first rendered on the status page
    next_update_due_at: Mapped[datetime | None]  # the promise in force; None once resolved
    last_update_at: Mapped[datetime | None]  # the last update written by a person
    resolved_at: Mapped[datetime | None]
    published: Mapped[bool] = mapped_column(Boolean, default=False)  # external audiences are told
    external_open_at: Mapped[datetime | None]  # when that began (publish, or external_after)
    reminded_for: Mapped[datetime | None]  # the promise the lead was reminded of
    missed_for: Mapped[datetime | None]  # the promise found broken
    missed_level: Mapped[int] = mapped_column(default=0)  # how far up the chain the miss went
    # A drill's incident (channels/drill.py): only the drill's participants hear of it, it is shown on
    # the drill's status page, never the public one, and it counts in no real figure.
    drill_run_id: Mapped[int | None] = mapped_column(ForeignKey(DrillRun.id, ondelete="CASCADE"), index=True)


class IncidentAlert(Base):
    """The alerts an incident is about; an alert belongs to one incident at most."""

    __tablename__ = "incident_alert"

    id: Mapped[intpk]
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"), index=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), unique=True)
    added_at: Mapped[datetime]


class IncidentUpdate(Base):
    """One structured update: the internal fields, and `public_text`, the only words of a person's that
    outsiders read (once published). `renders` records what each audience was sent: {audience:
    {subject, body, template, external, recipients, people, at}}, `people` being every person
    addressed with why they could not be reached; `published_at` is when it went outside the company."""

    __tablename__ = "incident_update"

    id: Mapped[intpk]
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    what_we_know: Mapped[str] = mapped_column(Text)
    what_we_dont_know: Mapped[str] = mapped_column(Text)
    what_you_can_do: Mapped[str | None] = mapped_column(Text)
    public_text: Mapped[str] = mapped_column(Text)  # what the status page and external audiences read
    next_update_by: Mapped[datetime | None]  # required until resolved
    author: Mapped[str] = mapped_column(String(255))  # person id, or "standby"
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)  # Standby's own neutral words
    public_only: Mapped[bool] = mapped_column(Boolean, default=False)  # not sent to internal audiences
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(255))
    renders: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IncidentEvent(Base):
    """The timeline: alert, acknowledged, update, told, published, state, reminded, missed, ..."""

    __tablename__ = "incident_event"

    id: Mapped[intpk]
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    person: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
