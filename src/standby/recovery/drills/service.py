"""A drill's life: requested (by `standby drill run` or the web), started by the engine's next tick —
which tells its state-change subscribers that the asset failed, exactly as a probe's confirmed change
would, so the chain, the incident with its playbook and every promise follow for real — and ended when
its time is up, when the team resolves its incident, or by hand, by telling them the asset recovered.

The failure lives only in the drill's own transaction: no check state, finding or probe is touched,
and the real checks of the same asset go on as before (a real alert never joins a drill's incident).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts.models import Alert
from standby.channels.drill import KEY, DrillRun, sink_contact
from standby.channels.people import audience_urls
from standby.core.errors import StandbyError
from standby.core.timetext import at, words
from standby.engine.models import CheckState
from standby.engine.subscribers import StateChange
from standby.incidents.lifecycle import automatic
from standby.incidents.models import Incident
from standby.plan.drills import Drill
from standby.plan.issues import suggest
from standby.plan.model import Plan
from standby.recovery.drills.scenarios import failure
from standby.store.db import lock_for_write

log = logging.getLogger("standby.recovery")
ACTIVE = ("requested", "running")


def participants(plan: Plan, drill: Drill) -> list[str]:
    """Who may be told, as recipient ids: each person, each audience's members, and an audience's own
    notify URLs (`audience:ID`)."""
    audiences = {a.id: a for a in plan.audiences}
    out: list[str] = []
    for ident in drill.participants:
        audience = audiences.get(ident)
        found = [ident] if audience is None else list(audience.members)
        if audience is not None and (own := audience_urls(audience)) is not None:
            found.append(own["id"])
        out += [f for f in found if f not in out]
    return out


def request(
    session: Session, *, plan: Plan, drill_id: str, dry_run: bool, by: str | None, now: datetime
) -> DrillRun:
    """Ask the running engine to start drill `drill_id` at its next tick."""
    drill = plan.drill(drill_id)
    if drill is None:
        known = {d.id for d in plan.drills}
        hint = suggest(drill_id, known) or (
            f"; the plan's drills: {', '.join(sorted(known))}" if known else ""
        )
        raise StandbyError(f"there is no drill {drill_id!r} in the plan{hint}")
    busy = session.scalars(
        select(DrillRun).where(DrillRun.drill == drill_id, DrillRun.state.in_(ACTIVE))
    ).first()
    if busy is not None:
        raise StandbyError(
            f"drill {drill_id} is already {busy.state} as run #{busy.id}; `standby drill end {busy.id}`"
        )
    asset = next((a for a in plan.assets() if a.id == drill.scenario.asset), None)
    if asset is None:  # validate refuses this; a plan edited since may still be running
        raise StandbyError(f"drill {drill_id}: {drill.scenario.asset} is not an asset of the plan")
    failed = failure(drill.scenario.failure, asset)
    run = DrillRun(
        drill=drill.id,
        title=drill.title,
        dry_run=dry_run,
        participants=participants(plan, drill),
        sink=[dict(sink_contact(a)) for a in drill.sink] if dry_run else [],
        scenario={
            "asset": asset.id,
            "kind": asset.kind,
            "target": asset.target,
            "owner": asset.owner,
            "failure": drill.scenario.failure,
            "check": failed.check,
            "status": failed.status,
            "summary": failed.summary,
            "details": failed.details,
            "duration": int(drill.duration.total_seconds()),
        },
        state="requested",
        requested_at=now,
        requested_by=by,
    )
    session.add(run)
    session.flush()
    return run


def end(session: Session, run_id: int, *, by: str, now: datetime) -> DrillRun:
    """Stop a drill: a running one ends at the engine's next tick, a requested one never starts."""
    run = session.get(DrillRun, run_id, with_for_update=True)
    if run is None:
        raise StandbyError(f"there is no drill run #{run_id}; `standby drill list` shows them")
    if run.state == "requested":
        run.state, run.ended_at, run.end_reason = "cancelled", now, f"cancelled by {by} before it started"
    elif run.state == "running":  # the engine's clock decides when: it ends the drill at its next tick
        run.end_reason = f"ended by {by}"
    else:
        raise StandbyError(f"drill run #{run_id} is {run.state} already")
    return run


def _state(run: DrillRun, *, status: str, now: datetime, alert: Alert | None = None) -> CheckState:
    """The failure (or its recovery) as the engine reports a confirmed change — held by no session."""
    s = run.scenario
    summary = s["summary"] if status != "ok" else f"{s['target']} is fine again: the drill is over."
    return CheckState(
        key=f"{s['asset']}|{s['check']}",
        monitor=f"drill:{run.id}",
        asset=s["asset"],
        kind=s["kind"],
        check=s["check"],
        target=s["target"],
        owner=s["owner"],
        status=status,
        since=now,
        observed=status,
        streak=0,
        streak_since=None,
        summary=summary,
        details={**s["details"], KEY: run.id},
        observed_at=now,
        alert_id=alert.id if alert is not None and alert.state != "resolved" else None,
    )


class Runner:
    """The tick job: start requested drills, end those whose time is up. `notify` is the engine's
    state-change subscribers in order (the wiring hands them over: standby/app/subscribers.py)."""

    def __init__(self, notify: StateChange) -> None:
        self.notify = notify

    @staticmethod
    def pending(now: ColumnElement[datetime]) -> ColumnElement[bool]:
        """Whether a drill is to start or may end (most ticks have none: engine/chores.py)."""
        return exists().where(DrillRun.state.in_(ACTIVE))

    def __call__(self, sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str) -> int:
        done = 0
        with sessions.begin() as session:
            lock_for_write(session)
            query = select(DrillRun).where(DrillRun.state.in_(ACTIVE)).order_by(DrillRun.id)
            for run in session.scalars(query.with_for_update(skip_locked=True)):
                if run.state == "requested":
                    self._start(session, run, plan=plan, now=now)
                    done += 1
                elif (why := _over(session, run, plan=plan, now=now)) is not None:
                    self._end(session, run, why, plan=plan, now=now)
                    done += 1
        return done

    def _start(self, session: Session, run: DrillRun, *, plan: Plan, now: datetime) -> None:
        run.state, run.started_at = "running", now
        run.ends_at = now + timedelta(seconds=run.scenario["duration"])
        state = _state(run, status=run.scenario["status"], now=now)
        try:
            with session.begin_nested():  # a failure here must not retry the drill every tick
                self.notify(session, state=state, previous="ok", plan=plan, now=now)
        except Exception:
            log.exception("drill run #%s could not start", run.id)
            run.state, run.ended_at = "ended", now
            run.end_reason = "it could not start: Standby hit an internal error (see its log)"

    def _end(self, session: Session, run: DrillRun, why: str, *, plan: Plan, now: datetime) -> None:
        alert = session.scalars(select(Alert).where(Alert.drill_run_id == run.id).order_by(Alert.id)).first()
        if alert is not None and alert.state != "resolved":
            state = _state(run, status="ok", now=now, alert=alert)
            self.notify(session, state=state, previous=run.scenario["status"], plan=plan, now=now)
        for incident in session.scalars(select(Incident).where(Incident.drill_run_id == run.id)):
            if incident.state != "resolved":
                know = f"The drill is over ({why}). Nothing was really down; thank you for taking part."
                automatic(session, incident, plan=plan, state="resolved", know=know, dont_know="", now=now)
        run.state, run.ended_at, run.end_reason = "ended", now, why


def _over(session: Session, run: DrillRun, *, plan: Plan, now: datetime) -> str | None:
    """Why a running drill ends now, if it does."""
    if run.end_reason is not None:  # someone ended it
        return run.end_reason
    if run.ends_at is not None and now >= run.ends_at:
        return f"its {words(timedelta(seconds=run.scenario['duration']))} were up"
    query = select(Incident).where(Incident.drill_run_id == run.id, Incident.state == "resolved")
    resolved = session.scalars(query).first()
    if resolved is not None and resolved.resolved_at is not None:
        return f"the team resolved its incident at {at(resolved.resolved_at, plan.timezone)}"
    return None
