"""The wiring's list of probe jobs: every one a plan asks for, for `standby check` and `standby serve`.

The probes' own jobs (probes/run.py) plus the features that probe beside them: the registrar check
of each domain, each backup's freshness read at its target (backups/monitor.py), and — in `standby
serve` only — the weekly discovery of each endpoint page's outside dependencies. Features add their
jobs here; nothing below this module needs to know them.
"""

from __future__ import annotations

from standby.backups.monitor import backup_jobs
from standby.discovery.jobs import discovery_jobs
from standby.plan.model import Plan
from standby.probes.run import Job, jobs_for
from standby.registrars.jobs import registrar_jobs


def check_jobs(plan: Plan, only: set[str] | None = None) -> list[Job]:
    jobs = jobs_for(plan) + registrar_jobs(plan) + backup_jobs(plan)
    return [j for j in jobs if only is None or j.kind in only]


def serve_jobs(plan: Plan) -> list[Job]:
    return check_jobs(plan) + discovery_jobs(plan)
