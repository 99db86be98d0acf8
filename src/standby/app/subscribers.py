"""Who follows what, in the order they run. A feature that reacts to the engine or to alerts adds
itself here with one line; the features themselves never call a feature above them.

- STATE_CHANGES: called in the engine's transaction when a check's damped status changes. Alerts
  first (they open, update or resolve the check's alert), then incidents (which follow that alert),
  then the DNS recovery tracker (a recovered delegation starts tracking, linked to that incident).
- TICK_JOBS: run once per engine tick, after the monitors, each in its own transactions — those with a
  `pending` condition only when it holds (engine/chores.py: one query asks them all). Drills
  first: a drill starts by telling the state-change subscribers above that its asset failed. Lead
  replay only starts its (long) passes: they run in the background (leads/replay/job.py).
- ACKNOWLEDGED: told of an acknowledgement wherever it is made (link, dashboard, API, `standby ack`),
  in its transaction.
- RECLAIMS: run when an engine starts, to take back the features' rows a dead process had claimed
  (engine/restart.py; the monitors and the outbox are the engine's own).
- SIGHT: told when Standby itself goes blind or sees again (engine/sight.py), in the engine's
  transaction: the operators' one alert.
"""

from __future__ import annotations

from standby.alerts import blind, escalation, renewals
from standby.alerts import service as alerts
from standby.alerts.service import Acknowledged
from standby.backups.due import Scheduler
from standby.engine.subscribers import Reclaim, SightChange, StateChange, TickJob, in_order
from standby.incidents import deadlines
from standby.incidents import lifecycle as incidents
from standby.leads import tally
from standby.leads.replay.job import ReplayJob
from standby.recovery.dns import tracking as dns_recovery
from standby.recovery.drills.service import Runner as Drills
from standby.recovery.runbook import publish as runbook
from standby.statuspage import pipeline as status_page

STATE_CHANGES: tuple[StateChange, ...] = (
    alerts.on_state_change,
    incidents.on_state_change,
    dns_recovery.on_state_change,
)

TICK_JOBS: tuple[TickJob, ...] = (
    TickJob("drill", Drills(in_order(STATE_CHANGES)), Drills.pending),  # start and end drills
    TickJob("escalation", escalation.run_due, escalation.pending),  # due steps of the chains
    TickJob("renewal", renewals.run_due),  # reminders, confirmation deadlines, renewals seen
    TickJob("incident", deadlines.run_due, deadlines.pending),  # promised updates, external_after
    TickJob("lead replay", ReplayJob()),  # starts a replay pass in the background when a platform is back
    TickJob("plan b", tally.record_due),  # what the fallback forms captured, on incidents' timelines
    TickJob("backup", (BACKUPS := Scheduler()).run_due),  # scheduled backups, each in a thread of its own
    TickJob("dns recovery", dns_recovery.run_due, dns_recovery.pending),  # surveyed in the background
    TickJob("status page", status_page.publish_due),  # rebuilt from the states and incidents above
    TickJob("runbook", runbook.publish_due),  # re-published wherever it is out of date
)

ACKNOWLEDGED: tuple[Acknowledged, ...] = (incidents.on_alert_acknowledged,)

# steps, and watches being surveyed, claimed by a process that died
RECLAIMS: tuple[Reclaim, ...] = (escalation.reclaim, dns_recovery.reclaim)
SIGHT: tuple[SightChange, ...] = (blind.on_sight_change,)
