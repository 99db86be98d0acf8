"""Every next-update promise an incident made, and whether it was kept.

A promise is each distinct `next update by` its updates announced, from the update that first
announced it. A person's update posted after it was made and by its time keeps it (Standby's own
automatic words never do: a person must speak). One not kept by its time was missed; one whose time
had not come when the incident ended (or when the report was made) is still open, and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from standby.incidents.models import IncidentUpdate


@dataclass(frozen=True)
class Promise:
    made_at: datetime
    due: datetime
    made_by: str  # a person id, or "standby"
    kept_at: datetime | None
    kept_by: str | None
    state: str  # "kept" | "missed" | "open"


def promises(updates: Sequence[IncidentUpdate], *, until: datetime) -> list[Promise]:
    """The promises of `updates` (one incident's, any order), judged as of `until`."""
    ordered = sorted(updates, key=lambda u: (u.created_at, u.id))
    seen: set[datetime] = set()
    out = []
    for update in ordered:
        due = update.next_update_by
        if due is None or due in seen:
            continue
        seen.add(due)
        keeper = next(
            (
                u
                for u in ordered
                if not u.automatic and update.created_at < u.created_at <= due and u.id != update.id
            ),
            None,
        )
        state = "kept" if keeper is not None else "missed" if due <= until else "open"
        out.append(
            Promise(
                update.created_at,
                due,
                update.author,
                keeper.created_at if keeper else None,
                keeper.author if keeper else None,
                state,
            )
        )
    return out
