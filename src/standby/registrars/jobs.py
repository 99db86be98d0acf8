"""The registrar check as a probe job per domain: hourly in `standby serve`, which costs the
registrar one listing per account a day (accounts.py) and hourly reads only around an expiry."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from standby.plan.model import Plan
from standby.probes.run import Job
from standby.registrars.accounts import accounts_for
from standby.registrars.check import check_registrar

EVERY = timedelta(hours=1)


def registrar_jobs(plan: Plan) -> list[Job]:
    """One job per domain some account of the plan may hold (not `registrar: none`)."""
    out = []
    for domain in plan.domains:
        if accounts_for(domain, plan.registrars):
            run = partial(check_registrar, domain, list(plan.registrars))
            out.append(Job(domain.asset_id, "domain", "registrar", domain.name, domain.owner, run, EVERY))
    return out
