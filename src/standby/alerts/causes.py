"""One alert per cause: which alert's cause explains another's (docs/escalation.md, "One alert per
cause"). The explained alert is attached to its root: shown and counted with it, acknowledged and
resolved with it, and never paged on its own while the root is open.

What explains what:

- a domain whose registration or delegation is critical explains every check of an asset at or under
  it (plan/hosts.py): endpoints, certificates, DNS records, a vendor's probes; and of the domain's own
  two checks, the registration explains the delegation;
- a name that does not resolve explains a certificate check failing because that name does not
  resolve: the DNS check of the name, or another check on the host failing the same way (the
  endpoint's page explains the endpoint's certificate).

A root can confirm a moment after what it explains (a domain is checked hourly, its endpoints every
minute; the engine checks a domain at once when something on it fails). So an alert whose possible
root is already seen failing, but not yet confirmed, waits `HOLD` before its first page: when the
root's alert opens meanwhile, it adopts it, and only the root pages.

A drill's alert (channels/drill.py) is never a root nor explained: a drill never joins a real cause,
and a real alert never joins a drill.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts import notify
from standby.alerts.models import Alert, Escalation
from standby.channels.drill import run_of
from standby.engine.models import CheckState
from standby.plan.hosts import foundations, hosts
from standby.plan.model import Plan

HOLD = timedelta(minutes=2)
LIVE = ("open", "acknowledged")
_ROOT_FIRST = {"registration": 0, "delegation": 1, "dns": 2}  # of several roots, the deepest cause


def _key(asset: str, check: str) -> str:
    return f"{asset}|{check}"


def _unresolved(state: CheckState) -> bool:
    return bool(state.details.get("unresolved"))


def explains(plan: Plan, root: CheckState, other: CheckState, *, seen: bool = False) -> bool:
    """Whether `root`'s failure explains `other`'s; with `seen`, judged on its latest observation
    (not yet confirmed) rather than its confirmed status."""
    if (root.observed if seen else root.status) != "critical" or root.key == other.key:
        return False
    if root.kind == "domain":
        if root.asset == other.asset:
            return root.check == "registration" and other.check == "delegation"
        return root.check in ("registration", "delegation") and root.asset in foundations(plan).get(
            other.asset, []
        )
    if other.check != "certificate" or not _unresolved(other) or root.check == "certificate":
        return False
    on = hosts(plan)
    shared = set(on.get(root.asset, [])) & set(on.get(other.asset, []))
    return bool(shared) and (root.kind == "dns" or _unresolved(root))


def _rank(state: CheckState) -> tuple[int, int]:
    return (0 if state.kind == "domain" else 1, _ROOT_FIRST.get(state.check, 3))


def state_of(session: Session, alert: Alert) -> CheckState | None:
    return session.scalars(select(CheckState).where(CheckState.key == _key(alert.asset, alert.check))).first()


def top(session: Session, alert: Alert) -> Alert:
    """The root at the top of `alert`'s chain of causes (itself when nothing explains it)."""
    seen = {alert.id}
    while alert.root_id is not None and alert.root_id not in seen:
        found = session.get(Alert, alert.root_id)
        if found is None:
            break
        seen.add(found.id)
        alert = found
    return alert


def root_of(session: Session, plan: Plan, state: CheckState) -> Alert | None:
    """The live alert whose confirmed cause explains `state`, at the top of its chain; None if none."""
    if run_of(state.details) is not None:
        return None
    query = select(Alert).where(
        Alert.state.in_(LIVE), Alert.reason == "check", Alert.root_id.is_(None), Alert.drill_run_id.is_(None)
    )
    found = []
    for alert in session.scalars(query):
        candidate = state_of(session, alert)
        if candidate is not None and explains(plan, candidate, state):
            found.append((_rank(candidate), alert.id, alert))
    return min(found, key=lambda f: f[:2])[2] if found else None


def pending(session: Session, plan: Plan, state: CheckState) -> CheckState | None:
    """A check seen failing that would explain `state` and has no alert yet: its confirmation may be
    a moment away (see the module's docstring)."""
    if run_of(state.details) is not None:
        return None
    query = select(CheckState).where(CheckState.observed == "critical", CheckState.key != state.key)
    for candidate in session.scalars(query):
        live = candidate.alert_id is not None and _live(session, candidate.alert_id)
        if not live and explains(plan, candidate, state, seen=True):
            return candidate
    return None


def _live(session: Session, alert_id: int) -> bool:
    alert = session.get(Alert, alert_id)
    return alert is not None and alert.state in LIVE


def same_cause(session: Session, plan: Plan, root: Alert) -> list[str]:
    """What a page about `root` lists as explained by its cause: every failing check it explains,
    with its alert when it has one. Checks confirmed in the same pass as the root may not have their
    alert yet; they are listed all the same."""
    state = state_of(session, root)
    if state is None or root.root_id is not None or root.drill_run_id is not None:
        return []
    out = []
    for other in session.scalars(
        select(CheckState).where(CheckState.observed != "ok").order_by(CheckState.key)
    ):
        if explains(plan, state, other):
            joined = f", alert #{other.alert_id}" if other.alert_id is not None else ""
            out.append(f"{other.asset} ({other.check}, {other.observed}{joined}): {other.summary}")
    return out


def dependents(session: Session, root: Alert, *, live_only: bool = False) -> list[Alert]:
    query = select(Alert).where(Alert.root_id == root.id)
    if live_only:
        query = query.where(Alert.state.in_(LIVE))
    return list(session.scalars(query.order_by(Alert.id)))


def adopt(session: Session, plan: Plan, alert: Alert, state: CheckState, *, now: datetime) -> int:
    """Attach to `alert` (or its root) every live alert its cause explains; returns how many."""
    if alert.drill_run_id is not None:
        return 0
    root = top(session, alert)
    query = select(Alert).where(
        Alert.state.in_(LIVE),
        Alert.reason == "check",
        Alert.root_id.is_(None),
        Alert.id != root.id,
        Alert.drill_run_id.is_(None),
    )
    adopted = 0
    for other in list(session.scalars(query)):
        other_state = state_of(session, other)
        if other_state is not None and explains(plan, state, other_state):
            attach(session, other, root, now=now)
            adopted += 1
    return adopted


def attach(session: Session, alert: Alert, root: Alert, *, now: datetime) -> None:
    """`alert` (and whatever was attached to it) joins `root`: its own chain stops paging."""
    alert.root_id = root.id
    running = session.scalars(select(Escalation).where(Escalation.alert_id == alert.id)).first()
    if running is not None and running.state == "running":
        running.state, running.next_at = "stopped", None
    why = f"{root.asset} ({root.check}) is failing, which explains this"
    notify.event(session, alert, "attached",
                 f"attached to alert #{root.id}: {why}; it is not paged on its own while #{root.id} is open",
                 now=now)  # fmt: skip
    notify.event(session, root, "dependent",
                 f"alert #{alert.id} {alert.asset} ({alert.check}) has the same cause: {alert.summary}",
                 now=now)  # fmt: skip
    for below in dependents(session, alert):
        below.root_id = root.id
    if root.state == "acknowledged" and alert.state == "open":
        alert.state, alert.acknowledged_at, alert.acknowledged_by = "acknowledged", now, root.acknowledged_by
        notify.event(session, alert, "acknowledged", f"acknowledged with alert #{root.id}", now=now,
                     person=root.acknowledged_by)  # fmt: skip


def detach(session: Session, alert: Alert, root: Alert, *, now: datetime) -> None:
    """The root is resolved but `alert`'s check still fails: it is a problem of its own now (the caller
    starts its chain again from the first step)."""
    alert.root_id = None
    notify.event(session, alert, "detached",
                 f"alert #{root.id} is resolved but this check still fails: it now has its own chain",
                 now=now)  # fmt: skip
    if alert.state == "acknowledged":  # acknowledged with the root's cause, not for this one
        alert.state, alert.acknowledged_at, alert.acknowledged_by = "open", None, None
