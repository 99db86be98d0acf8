"""Alert messages into the outbox (channels/tell.py: one row per person × channel × address, each under
a key that makes sending it twice impossible), and the alert's timeline rows that say who was told,
or why not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from standby.alerts.chain import Chain, display, names
from standby.alerts.models import Alert, AlertEvent, Escalation
from standby.channels import drill
from standby.channels.models import Message
from standby.channels.people import Recipient, reach
from standby.channels.tell import Text, tell


def topic(alert: Alert) -> str:
    return f"alert:{alert.id}"


def event(
    session: Session, alert: Alert, kind: str, text: str, *, now: datetime, person: str | None = None
) -> None:
    session.add(AlertEvent(alert_id=alert.id, at=now, kind=kind, person=person, text=text))


def send(
    session: Session,
    alert: Alert,
    recipient: Recipient,
    *,
    key: str,
    compose: Callable[[], Text],
    now: datetime,
    record: str | None = None,
) -> None:
    """Enqueue `compose()` for every contact of `recipient` under `alert:{id}/{key}/...`.

    A recipient without a working channel gets a `no_channel` event instead (the chain goes on);
    with `record`, a `notified` event names the channels.
    """
    run = drill.get(session, alert.drill_run_id)
    missing = tell(session, recipient, topic=topic(alert), key=key, text=compose, now=now, drill=run)
    if missing is not None:
        event(session, alert, "no_channel", missing, now=now, person=recipient["id"])
    elif record:
        told = f"{record}: told {recipient['name']} by {reach(recipient)}"
        event(session, alert, "notified", told, now=now, person=recipient["id"])


def told(session: Session, alert: Alert, chain: Chain) -> list[Recipient]:
    """Everyone a message about `alert` was addressed to so far, with those addresses."""
    rows = session.execute(
        select(Message.recipient, Message.channel, Message.address)
        .where(Message.topic == topic(alert), Message.recipient.is_not(None))
        .distinct()
        .order_by(Message.recipient)
    ).all()
    people: dict[str, Recipient] = {}
    shown_names = names(chain)
    for rid, channel, address in rows:
        assert rid is not None  # filtered by the query
        entry = people.setdefault(
            rid, Recipient(id=rid, name=shown_names.get(rid, rid), contacts=[], problem=None)
        )
        entry["contacts"].append({"channel": channel, "address": address})
    return list(people.values())


def _unrecorded() -> ColumnElement[bool]:
    """The alert messages the outbox gave up on that no `delivery_failed` event tells yet."""
    return and_(
        Message.state == "failed",
        Message.topic.like("alert:%"),
        ~exists().where(AlertEvent.message_id == Message.id),
    )


def failures_pending() -> ColumnElement[bool]:
    return exists().where(_unrecorded())


def record_failures(session: Session, *, now: datetime) -> int:
    """A `delivery_failed` event for each alert message the outbox gave up on, once per message."""
    query = select(Message).where(_unrecorded())
    recorded = 0
    for message in session.scalars(query):
        alert_id = int(message.topic.partition(":")[2])
        chain = session.scalars(select(Escalation.chain).where(Escalation.alert_id == alert_id)).one()
        who = display(cast(Chain, chain), message.recipient or "someone")
        text = f"could not deliver to {who} by {message.shown_address}: {message.last_error}"
        try:
            with session.begin_nested():  # another worker may record the same failure at once
                session.add(
                    AlertEvent(
                        alert_id=alert_id,
                        at=now,
                        kind="delivery_failed",
                        person=message.recipient,
                        text=text,
                        message_id=message.id,
                    )
                )
            recorded += 1
        except IntegrityError:
            continue
    return recorded


def in_doubt(session: Session, alert_id: int) -> list[Message]:
    """The alert's messages whose outcome is unknown: handed to the relay, never confirmed."""
    query = select(Message).where(Message.topic == f"alert:{alert_id}", Message.state == "unknown")
    return list(session.scalars(query.order_by(Message.id)))


def failures(session: Session, alert_id: int) -> list[Message]:
    """The alert's messages the outbox gave up on (permanent errors, or retries exhausted)."""
    query = select(Message).where(Message.topic == f"alert:{alert_id}", Message.state == "failed")
    return list(session.scalars(query.order_by(Message.id)))
