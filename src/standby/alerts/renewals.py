"""Renewal cycles of domains and certificates: reminders, the owner's confirmation, and the checklist.

A cycle is one expiry date of one asset. Each `remind_at` threshold reminds the owner once per cycle
(several crossed at once make one message). Unconfirmed at `confirm_by`, the cycle opens an alert
that escalates like any other. When the expiry moves forward while the check is ok (so not the
registry's post-expiry auto-renewal, which the check reports as a warning or worse), the cycle ends:
its alert is resolved, the owner gets the after-renewal checklist, and a new cycle starts.

Where a registrar account holds the domain, the registrar confirms instead of a person: once the
registrar check verifies auto-renew (on, not lapsing, not behind the registry), the cycle is confirmed
"auto-renew verified at the registrar on …" and no one is asked. Should the registrar stop vouching
(auto-renew switched off, the check confirmed bad), that confirmation is withdrawn and the reminders
and the deadline apply again; a person's confirmation stands either way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts import links, messages, service
from standby.alerts.chain import describe, snapshot
from standby.alerts.models import Alert, Renewal
from standby.channels import people
from standby.channels.people import Recipient
from standby.channels.tell import enqueue_text
from standby.core.errors import StandbyError
from standby.core.timetext import at, words
from standby.engine.models import CheckState
from standby.plan.assets import label
from standby.plan.model import Plan
from standby.store.db import lock_for_write

log = logging.getLogger(__name__)
_LOCK = 0x5354_4E44_524E  # one PostgreSQL advisory lock: renewals run in one worker at a time
HOW = {
    "renewed": "is renewed",
    "auto-renew": "renews automatically (auto-renew is on, the card is valid)",
    "registrar": "renews automatically (auto-renew verified at the registrar)",
}
BY_REGISTRAR = "registrar"


@dataclass(frozen=True)
class Watched:
    asset: str
    kind: str
    check: str
    owner: str | None
    remind_at: list[timedelta]
    confirm_by: timedelta | None


def watched(plan: Plan) -> list[Watched]:
    out = [
        Watched(d.asset_id, "domain", "registration", d.owner, d.remind_at, d.confirm_by)
        for d in plan.domains
    ]
    out += [
        Watched(c.asset_id, "certificate", "certificate", c.owner, c.remind_at, c.confirm_by)
        for c in plan.certificates
    ]
    return out


def run_due(sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str) -> int:
    """Reminders, confirmation deadlines and renewals seen; returns how many of those happened."""
    items = {f"{w.asset}|{w.check}": w for w in watched(plan)}
    if not items:
        return 0
    with sessions.begin() as session:
        if not _exclusive(session):
            log.debug("renewals: another worker is on them; %s skips this round", worker)
            return 0
        states = list(session.scalars(select(CheckState).where(CheckState.key.in_(items))))
        wanted = [f"{w.asset}|registrar" for w in items.values() if w.kind == "domain"]
        vouching = {s.asset: s for s in session.scalars(select(CheckState).where(CheckState.key.in_(wanted)))}
        return sum(
            _one(session, items[state.key], state, vouching.get(state.asset), plan=plan, now=now)
            for state in states
        )


def _exclusive(session: Session) -> bool:
    if session.get_bind().dialect.name == "postgresql":
        return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _LOCK}).scalar())
    lock_for_write(session)
    return True


def current(session: Session, asset: str) -> Renewal | None:
    query = select(Renewal).where(Renewal.asset == asset, Renewal.renewed_at.is_(None))
    return session.scalars(query.order_by(Renewal.expires_at.desc()).with_for_update()).first()


def _one(
    session: Session,
    item: Watched,
    state: CheckState,
    registrar: CheckState | None,
    *,
    plan: Plan,
    now: datetime,
) -> int:
    raw = state.details.get("expires_at")
    if not raw:
        return 0  # expiry unknown: the check's own alert says so
    expires = datetime.fromisoformat(str(raw))
    cycle, done = current(session, item.asset), 0
    if cycle is None:
        cycle = _new_cycle(session, item, expires, now=now)
    elif expires > cycle.expires_at and state.status == "ok":
        cycle, done = _renewed(session, item, cycle, expires, plan=plan, now=now), 1
    elif expires < cycle.expires_at:
        cycle.expires_at = expires  # the registry corrected the date: same cycle, reminders kept
    _vouched(session, cycle, registrar, plan=plan, now=now)
    done += _deadline(session, item, cycle, plan=plan, now=now)
    return done + _remind(session, item, cycle, state, plan=plan, now=now)


def _vouched(
    session: Session, cycle: Renewal, state: CheckState | None, *, plan: Plan, now: datetime
) -> None:
    """Confirm the cycle from the registrar's verified state, or withdraw a confirmation it gave."""
    if state is None:
        return
    verified = state.status == "ok" and state.details.get("verified") is True
    if cycle.confirmation == BY_REGISTRAR and state.status != "ok":
        cycle.confirmed_at = cycle.confirmed_by = cycle.confirmation = None  # reminders apply again
        return
    if not verified or cycle.confirmed_at is not None:
        return
    registrar = f"{state.details.get('registrar')} ({state.details.get('account')})"
    cycle.confirmed_at, cycle.confirmed_by, cycle.confirmation = now, registrar, BY_REGISTRAR
    if cycle.alert_id is not None and (alert := session.get(Alert, cycle.alert_id)) is not None:
        name, when = label(cycle.asset), at(now, plan.timezone)
        why = f"auto-renew verified at the registrar on {when}: {registrar} will renew {name}"
        service.resolve(session, alert, why=why, now=now)


def _new_cycle(session: Session, item: Watched, expires: datetime, *, now: datetime) -> Renewal:
    cycle = Renewal(
        asset=item.asset, kind=item.kind, owner=item.owner, expires_at=expires, reminded=[], created_at=now
    )
    session.add(cycle)
    session.flush()
    return cycle


def _owner(plan: Plan, item: Watched) -> Recipient | None:
    return people.person(plan, item.owner)


def _remind(
    session: Session, item: Watched, cycle: Renewal, state: CheckState, *, plan: Plan, now: datetime
) -> int:
    if cycle.confirmed_at is not None or cycle.alert_id is not None:
        return 0  # confirmed; or the confirmation alert is open, and its messages take over
    thresholds = sorted({int(t.total_seconds()) for t in item.remind_at}, reverse=True)
    crossed = [
        t for t in thresholds if now >= cycle.expires_at - timedelta(seconds=t) and t not in cycle.reminded
    ]
    if not crossed:
        return 0
    cycle.reminded = sorted({*cycle.reminded, *crossed}, reverse=True)  # a new list: JSON columns need one
    owner = _owner(plan, item)
    if owner is None or not owner["contacts"]:
        why = "it has no owner" if owner is None else f"{owner['name']} {owner['problem']}"
        log.warning("no reminder for %s can be sent: %s", item.asset, why)
        return 0
    link = links.confirm(session, cycle, owner["id"], base=links.base_url(plan), now=now)
    chain = snapshot(plan, asset=item.asset, owner=item.owner)
    text = messages.reminder(
        asset=item.asset,
        expires_at=cycle.expires_at,
        summary=state.summary,
        person=owner["id"],
        link=link,
        deadline=cycle.expires_at - item.confirm_by if item.confirm_by else None,
        chain=describe(chain),
        later=[_before(t) for t in thresholds if t < crossed[-1]],
        organization=plan.organization,
        tz=plan.timezone,
        now=now,
    )
    enqueue_text(
        session, topic=f"renewal:{cycle.id}", key=f"remind/{crossed[-1]}", recipient=owner, text=text, now=now
    )
    return 1


def _deadline(session: Session, item: Watched, cycle: Renewal, *, plan: Plan, now: datetime) -> int:
    if item.confirm_by is None or cycle.confirmed_at is not None or cycle.alert_id is not None:
        return 0
    due = cycle.expires_at - item.confirm_by
    if now < due:
        return 0
    tz, name = plan.timezone, label(item.asset)
    owner = _owner(plan, item)
    asked = f"{owner['name'] if owner else 'its owner'} was asked to confirm by {at(due, tz)}"
    summary = (
        f"Nobody has confirmed that {name} is renewed or on auto-renew with a valid card; it expires on "
        f"{at(cycle.expires_at, tz)}. {asked}."
    )
    service.open_alert(
        session,
        reason="confirmation",
        asset=item.asset,
        kind=item.kind,
        check=item.check,
        owner=item.owner,
        severity="warning",
        summary=summary,
        since=due,
        plan=plan,
        now=now,
        renewal=cycle,
    )
    return 1


def _renewed(
    session: Session, item: Watched, cycle: Renewal, expires: datetime, *, plan: Plan, now: datetime
) -> Renewal:
    cycle.renewed_at = now
    tz = plan.timezone
    if cycle.alert_id is not None and (alert := session.get(Alert, cycle.alert_id)) is not None:
        why = f"the renewal was seen: {label(item.asset)} now expires on {at(expires, tz)}"
        service.resolve(session, alert, why=why, now=now)
    owner = _owner(plan, item)
    if owner is not None and owner["contacts"]:
        text = messages.checklist(
            asset=item.asset, old=cycle.expires_at, new=expires, organization=plan.organization, tz=tz
        )
        enqueue_text(
            session, topic=f"renewal:{cycle.id}", key="checklist", recipient=owner, text=text, now=now
        )
    return _new_cycle(session, item, expires, now=now)


def _before(seconds: int) -> str:
    return words(timedelta(seconds=seconds))


def find_asset(session: Session, name: str) -> str:
    """`acme.example`, `domain:acme.example`, `www.acme.example[:443]` → the asset with a live cycle."""
    live = set(session.scalars(select(Renewal.asset).where(Renewal.renewed_at.is_(None))))
    for candidate in (name, f"{name}:443"):  # an asset id, a domain, a host:port, a host
        found = sorted(a for a in live if candidate in (a, label(a)))
        if found:
            return found[0]
    known = ", ".join(sorted(label(a) for a in live)) or "none yet"
    raise StandbyError(
        f"no renewal cycle for {name!r}: Standby tracks renewals once `standby serve` has read the expiry "
        f"of a domain or certificate in the plan (tracked now: {known})"
    )


def confirm(session: Session, cycle: Renewal, *, person: str, how: str, now: datetime, via: str) -> str:
    """Record the owner's confirmation for this cycle (and resolve its alert); returns what to say."""
    if how not in HOW:
        raise StandbyError(f"--how {how!r}: use renewed or auto-renew")
    name = label(cycle.asset)
    if cycle.confirmed_at is not None:
        when = f"{cycle.confirmed_at:%Y-%m-%d %H:%M} UTC"
        by = f"{cycle.confirmed_by} on {when} ({cycle.confirmation})"
        return f"{name} was already confirmed by {by}; nothing changed."
    cycle.confirmed_at, cycle.confirmed_by, cycle.confirmation = now, person, how
    if cycle.alert_id is not None and (alert := session.get(Alert, cycle.alert_id)) is not None:
        service.resolve(session, alert, why=f"{person} confirmed that {name} {HOW[how]} ({via})", now=now)
    return f"Confirmed: {name} {HOW[how]}. No more reminders for this expiry date."
