"""Who follows what, in the order they run. A feature that reacts to the engine or to alerts adds
itself here with one line; the features themselves never call a feature above them.

- STATE_CHANGES: called in the engine's transaction when a check's damped status changes. Alerts
  first (they open, update or resolve the check's alert), then incidents (which follow that alert),
  then the DNS recovery tracker (a recovered delegation starts tracking, linked to that incident).
- TICK_JOBS: run once per engine tick, after the monitors, each in its own transactions. Drills
  first: a drill starts by telling the state-change subscribers above that its asset failed.
- ACKNOWLEDGED: told of an acknowledgement wherever it is made (link, dashboard, API, `standby ack`),
  in its transaction.
"""

from __future__ import annotations

from standby.alerts import escalation, renewals
from standby.alerts import service as alerts
from standby.alerts.service import Acknowledged
from standby.engine.subscribers import StateChange, TickJob, in_order
from standby.incidents import deadlines
from standby.incidents import lifecycle as incidents
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
    TickJob("drill", Drills(in_order(STATE_CHANGES))),  # start and end drills: a failure only they see
    TickJob("escalation", escalation.run_due),  # due steps of the chains of responsibility
    TickJob("renewal", renewals.run_due),  # reminders, confirmation deadlines, renewals seen
    TickJob("incident", deadlines.run_due),  # promised updates, external_after
    TickJob("dns recovery", dns_recovery.run_due),  # resolvers asked in the background, flips recorded
    TickJob("status page", status_page.publish_due),  # rebuilt from the states and incidents above
    TickJob("runbook", runbook.publish_due),  # re-published wherever it is out of date
)

ACKNOWLEDGED: tuple[Acknowledged, ...] = (incidents.on_alert_acknowledged,)
