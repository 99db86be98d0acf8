"""Posting an update: one message per audience from the playbook's templates, into the outbox for
that audience's people and notify URLs, under a key per update × audience × person × channel.

Internal audiences get every update at once. External audiences get an update only when it is
public: a person published it explicitly, or it is Standby's own neutral words (automatic) after the
incident was opened to them (publish, or `external_after`). Outsiders' messages are made of the
update's public text and neutral values only (context.py). What each audience was sent, and whom it
addressed, is kept on the update (`renders`); the timeline says what was queued, and who actually
heard is read from the outbox (reach.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import Alert
from standby.channels import drill
from standby.channels.people import Recipient, reach
from standby.channels.receipts import lately
from standby.channels.tell import Text, tell
from standby.core.errors import StandbyError
from standby.incidents import context, templates
from standby.incidents.audiences import Target, name, targets
from standby.incidents.models import AUTHOR, STATES, Incident, IncidentAlert, IncidentUpdate
from standby.incidents.timeline import event
from standby.plan.model import Plan


@dataclass(frozen=True)
class Delivery:
    """What one audience receives for an update (or would, in a preview), and whom it can reach."""

    audience: str  # an audience id, or "lead"
    external: bool
    goes: bool  # False: held back, because it is not published
    subject: str
    body: str
    reachable: list[str]  # "Dana Reyes (email)": who has a channel it would be queued on
    unreachable: list[str]  # "Lee Park: has no email address ...": who it cannot reach, and why
    template: str  # "plan" or "default"
    error: str | None = None  # why the plan's template was not used
    failing: list[str] = field(default_factory=list)  # channels whose latest message was not delivered

    @property
    def warning(self) -> str | None:
        """Said before posting when this audience would hear nothing."""
        if not self.goes:
            return None
        if not self.reachable:
            why = "; ".join(self.unreachable) or "it has no members and no notify URL"
            return f"Nobody in {self.audience} can be reached ({why}): this update would reach no one there."
        if len(self.failing) >= len(self.reachable):
            return (
                f"Every channel to {self.audience} failed lately ({'; '.join(self.failing)}): "
                "this update may reach no one there."
            )
        return None


def post(
    session: Session,
    incident: Incident,
    *,
    plan: Plan,
    state: str,
    know: str,
    dont_know: str,
    meanwhile: str | None,
    public: str | None,
    next_by: datetime | None,
    author: str,
    now: datetime,
    publish_by: str | None = None,
    automatic: bool = False,
    public_only: bool = False,
) -> IncidentUpdate:
    """Record an update, move the incident to its state, and send it to whoever may hear it now.
    `public` is the text outsiders read (None: the playbook's starting text for the state)."""
    update = draft(
        incident,
        plan=plan,
        state=state,
        know=know,
        dont_know=dont_know,
        meanwhile=meanwhile,
        public=public,
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
    public_now = incident.published and (publish_by is not None or automatic)
    if public_now:
        update.published_at, update.published_by = now, publish_by or AUTHOR
    who = "Standby" if automatic else name(plan, author)
    promised = next_by if state != "resolved" else None  # a resolved incident promises nothing more
    due = (
        f" (next update by {context.short_time(promised, plan.timezone, reference=now)})" if promised else ""
    )
    event(session, incident, "update", f"{who} posted update ({state}): {know}{due}", now=now, person=author)
    send(session, incident, update, plan=plan, internal=not public_only, external=public_now, now=now)
    return update


def draft(
    incident: Incident,
    *,
    plan: Plan,
    state: str,
    know: str,
    dont_know: str,
    meanwhile: str | None,
    public: str | None,
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
    playbook = plan.playbook(incident.playbook)
    public_text = (public or "").strip() or context.public_words(plan, playbook, incident.systems, state)
    return IncidentUpdate(
        incident_id=incident.id,
        state=state,
        what_we_know=know.strip(),
        what_we_dont_know=dont_know.strip(),
        what_you_can_do=(meanwhile or "").strip() or None,
        public_text=public_text,
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
    """Every audience's message for `update`; `goes` says who gets it with these permissions, and
    each says whom it can reach and whose channels failed lately."""
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
        reachable = [f"{r['name']} ({reach(r)})" for r in target.recipients if r["contacts"]]
        unreachable = [
            f"{r['name']}: {r['problem'] or 'has no working channel'}"
            for r in target.recipients
            if not r["contacts"]
        ]
        delivery = Delivery(
            target.audience,
            target.external,
            external if target.external else internal,
            done.text.subject,
            done.text.body,
            reachable,
            unreachable,
            done.template,
            done.error,
            [f for r in target.recipients if (f := _failing(session, r)) is not None],
        )
        out.append((target, delivery))
    return out


def _failing(session: Session, recipient: Recipient) -> str | None:
    """`Lee Park: the last message to json://… was not delivered (failed: HTTP 500)` when the latest
    message on every channel of the recipient went wrong; None when one works or was never tried."""
    latest = [lately(session, c["channel"], c["address"]) for c in recipient["contacts"]]
    if not latest or any(r is None or r.outcome in ("delivered", "sending") for r in latest):
        return None
    why = "; ".join(f"the last message to {r.address} was not delivered ({r.why_not})" for r in latest if r)
    return f"{recipient['name']}: {why}"


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
    """Queue each audience's message for everyone it can reach; record whom each audience addressed
    (and why anyone could not be reached) on the update. Who heard is the outbox's to say (reach.py)."""
    renders = dict(update.renders or {})
    topic = f"incident:{incident.id}"
    run = drill.get(session, incident.drill_run_id)
    for target, delivery in deliveries(
        session, incident, update, plan=plan, internal=internal, external=external
    ):
        if not delivery.goes:
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
        queued = []
        for recipient in target.recipients:
            key = f"u{update.id}/{target.audience}"
            missing = tell(session, recipient, topic=topic, key=key, text=text, now=now, drill=run)
            if missing is not None:
                event(session, incident, "no_channel", missing, now=now, person=recipient["id"])
            else:
                queued.append(f"{recipient['name']} ({reach(recipient)})")
        renders[target.audience] = {
            "subject": delivery.subject,
            "body": delivery.body,
            "template": delivery.template,
            "external": target.external,
            "recipients": [r["name"] for r in target.recipients],
            "people": [
                {"id": r["id"], "name": r["name"], "problem": None if r["contacts"] else r["problem"]}
                for r in target.recipients
            ],
            "at": now.isoformat(),
        }
        where = f"{target.audience} (outside)" if target.external else target.audience
        said = f"queued for {', '.join(queued)}" if queued else "nobody in it can be reached: nothing queued"
        event(session, incident, "queued", f"{where}: {said}", now=now)
    update.renders = renders


def _alert_lines(session: Session, incident: Incident) -> list[str]:
    query = select(Alert).join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
    query = query.where(IncidentAlert.incident_id == incident.id).order_by(Alert.id)
    return [f"#{a.id} {a.asset}: {a.summary} ({a.state})" for a in session.scalars(query)]
