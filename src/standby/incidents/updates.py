"""Posting an update: one message per audience from the playbook's templates, into the outbox for
that audience's people and notify URLs, under a key per update × audience × person × channel.

Internal audiences get every update at once. External audiences get an update only when it is
public: a person published it explicitly, or it is Standby's own neutral words (automatic) after the
incident was opened to them (publish, or `external_after`). What each audience received is kept on
the update (`renders`), and the timeline says who was told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import Alert
from standby.channels import drill
from standby.channels.people import reach
from standby.channels.tell import Text, tell
from standby.core.errors import StandbyError
from standby.incidents import context, templates
from standby.incidents.audiences import Target, name, targets
from standby.incidents.models import AUTHOR, STATES, Incident, IncidentAlert, IncidentUpdate
from standby.incidents.timeline import event
from standby.plan.model import Plan


@dataclass(frozen=True)
class Delivery:
    """What one audience receives for an update (or would, in a preview)."""

    audience: str  # an audience id, or "lead"
    external: bool
    sent: bool  # False: held back, because it is not published
    subject: str
    body: str
    recipients: list[str]  # names
    template: str  # "plan" or "default"
    error: str | None = None  # why the plan's template was not used


def post(
    session: Session,
    incident: Incident,
    *,
    plan: Plan,
    state: str,
    know: str,
    dont_know: str,
    meanwhile: str | None,
    next_by: datetime | None,
    author: str,
    now: datetime,
    publish_by: str | None = None,
    automatic: bool = False,
    public_only: bool = False,
) -> IncidentUpdate:
    """Record an update, move the incident to its state, and send it to whoever may hear it now."""
    update = draft(
        incident,
        state=state,
        know=know,
        dont_know=dont_know,
        meanwhile=meanwhile,
        next_by=next_by,
        author=author,
        now=now,
        automatic=automatic,
    )
    update.public_only = public_only
    session.add(update)
    session.flush()
    if state != incident.state:
        event(session, incident, "state", f"{incident.state} → {state}", now=now, person=author)
        incident.state = state
    broken = incident.next_update_due_at is not None and incident.next_update_due_at <= now
    if not (automatic and broken):  # Standby's own words never excuse a broken promise: a person must post
        incident.next_update_due_at = next_by
    if state == "resolved":
        incident.resolved_at = now
    if not automatic:
        incident.last_update_at = now
    if publish_by is not None:
        open_to_public(session, incident, plan=plan, by=publish_by, now=now)
    public = incident.published and (publish_by is not None or automatic)
    if public:
        update.published_at, update.published_by = now, publish_by or AUTHOR
    who = "Standby" if automatic else name(plan, author)
    promised = next_by if state != "resolved" else None  # a resolved incident promises nothing more
    due = (
        f" (next update by {context.short_time(promised, plan.timezone, reference=now)})" if promised else ""
    )
    event(session, incident, "update", f"{who} posted update ({state}): {know}{due}", now=now, person=author)
    send(session, incident, update, plan=plan, internal=not public_only, external=public, now=now)
    return update


def draft(
    incident: Incident,
    *,
    state: str,
    know: str,
    dont_know: str,
    meanwhile: str | None,
    next_by: datetime | None,
    author: str,
    now: datetime,
    automatic: bool = False,
) -> IncidentUpdate:
    """An update not yet stored (posted, or only previewed); checks what every update must have."""
    if state not in STATES:
        raise StandbyError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
    if not know.strip():
        raise StandbyError("say what we know (--know): even 'nothing new yet' helps")
    if state != "resolved" and next_by is None:
        raise StandbyError(
            "promise the next update (--next 30m): it is required until the incident is resolved"
        )
    if next_by is not None and next_by <= now:
        raise StandbyError("the next update must be promised for a time still to come")
    return IncidentUpdate(
        incident_id=incident.id,
        state=state,
        what_we_know=know.strip(),
        what_we_dont_know=dont_know.strip(),
        what_you_can_do=(meanwhile or "").strip() or None,
        next_update_by=None if state == "resolved" else next_by,
        author=author,
        automatic=automatic,
        public_only=False,
        created_at=now,
        published_at=None,
        published_by=None,
        renders={},
    )


def open_to_public(session: Session, incident: Incident, *, plan: Plan, by: str, now: datetime) -> None:
    """From now on external audiences hear the incident's public updates."""
    if incident.published:
        return
    incident.published, incident.external_open_at = True, now
    who = "Standby (external_after)" if by == AUTHOR else name(plan, by)
    event(session, incident, "published", f"opened to external audiences by {who}", now=now, person=by)


def deliveries(
    session: Session,
    incident: Incident,
    update: IncidentUpdate,
    *,
    plan: Plan,
    internal: bool,
    external: bool,
) -> list[tuple[Target, Delivery]]:
    """Every audience's message for `update`; `sent` says who gets it with these permissions."""
    playbook = plan.playbook(incident.playbook)
    found = targets(plan, playbook, incident.lead)
    alerts = _alert_lines(session, incident)
    outsiders = [t.audience for t in found if t.external]
    if not outsiders:
        outside = "this playbook has no external audience"
    elif external or update.published_at is not None:
        outside = f"sent to {', '.join(outsiders)} too"
    elif update.state == "resolved" and incident.published:
        outside = f"{', '.join(outsiders)} hear only that it is resolved, in Standby's words (not published)"
    else:
        outside = f"not sent to {', '.join(outsiders)}: outside the company they hear only what is published"
    out = []
    for target in found:
        values = context.build(
            plan,
            incident,
            update,
            audience=target.audience,
            external=target.external,
            alerts=[] if target.external else alerts,
            outside=outside,
        )
        done = templates.render(
            plan, playbook, audience=target.audience, external=target.external, context=values
        )
        sent = external if target.external else internal
        names = [r["name"] for r in target.recipients]
        delivery = Delivery(
            target.audience,
            target.external,
            sent,
            done.text.subject,
            done.text.body,
            names,
            done.template,
            done.error,
        )
        out.append((target, delivery))
    return out


def send(
    session: Session,
    incident: Incident,
    update: IncidentUpdate,
    *,
    plan: Plan,
    internal: bool,
    external: bool,
    now: datetime,
) -> None:
    renders = dict(update.renders or {})
    topic = f"incident:{incident.id}"
    run = drill.get(session, incident.drill_run_id)
    for target, delivery in deliveries(
        session, incident, update, plan=plan, internal=internal, external=external
    ):
        if not delivery.sent or not target.recipients:
            continue
        text = Text(delivery.subject, delivery.body)
        if delivery.error:
            event(
                session,
                incident,
                "template_error",
                f"the {target.audience} template failed, the default was sent instead: {delivery.error}",
                now=now,
            )
        told = []
        for recipient in target.recipients:
            key = f"u{update.id}/{target.audience}"
            missing = tell(session, recipient, topic=topic, key=key, text=text, now=now, drill=run)
            if missing is not None:
                event(session, incident, "no_channel", missing, now=now, person=recipient["id"])
            else:
                told.append(f"{recipient['name']} ({reach(recipient)})")
        if not told:
            continue
        renders[target.audience] = {
            "subject": delivery.subject,
            "body": delivery.body,
            "template": delivery.template,
            "external": target.external,
            "recipients": delivery.recipients,
            "at": now.isoformat(),
        }
        if target.external:
            incident.first_public_at = incident.first_public_at or now
        else:
            incident.first_internal_at = incident.first_internal_at or now
        event(session, incident, "told", f"{target.audience}: told {', '.join(told)}", now=now)
    update.renders = renders


def _alert_lines(session: Session, incident: Incident) -> list[str]:
    query = select(Alert).join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
    query = query.where(IncidentAlert.incident_id == incident.id).order_by(Alert.id)
    return [f"#{a.id} {a.asset}: {a.summary} ({a.state})" for a in session.scalars(query)]
