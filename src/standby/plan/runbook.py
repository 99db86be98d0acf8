"""The plan's `runbook:` section: where the crisis runbook (`standby runbook`) is published.

The runbook lists every contact, so publish it to private storage (a bucket only the team can read,
a shared drive) that does not depend on anything the plan monitors: it is what the team opens when
everything else is down. `standby serve` publishes it again after every change.
"""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from standby.plan.status_page import PublishTarget

FILE = "runbook.html"


class Runbook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: AnyHttpUrl | None = Field(None, description="where the team opens the published runbook")
    publish: list[PublishTarget] = Field(
        default_factory=list,
        description=f"where {FILE} is written (the status page's publisher): private storage, off the "
        "domains you monitor",
    )
