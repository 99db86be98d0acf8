"""How many leads were captured and what became of them, from what the destinations acknowledged:
"142 leads captured, 140 delivered, 2 skipped: 1006 Field 'x' not found". The CLI, the admin page
and incidents all say it this way."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from standby.leads.models import STATES, Submission


@dataclass(frozen=True)
class Counts:
    by_state: Counter[str] = field(default_factory=Counter)  # pending, delivered, skipped, failed
    reasons: Counter[str] = field(default_factory=Counter)  # why skipped or failed → how many

    @property
    def captured(self) -> int:
        return sum(self.by_state.values())

    def sentence(self) -> str:
        """Every state with leads in it, reasons for the refused ones (the three most common)."""
        n = self.captured
        parts = [f"{n} {'lead' if n == 1 else 'leads'} captured"]
        for state in ("delivered", "pending", "skipped", "failed"):
            if self.by_state[state] or state == "delivered":
                parts.append(f"{self.by_state[state]} {'waiting' if state == 'pending' else state}")
        text = ", ".join(parts)
        if self.reasons:
            top = self.reasons.most_common(3)
            text += ": " + "; ".join(r if c == 1 else f"{r} ({c})" for r, c in top)
            if len(self.reasons) > 3:
                text += f"; and {len(self.reasons) - 3} other reasons"
        return text


def counts(
    session: Session,
    *,
    forms: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Counts:
    """Submissions (to `forms`, received in [since, until)) by delivery state, with the reasons."""
    where: list[ColumnElement[bool]] = []
    if forms is not None:
        where.append(Submission.form_id.in_(list(forms)))
    if since is not None:
        where.append(Submission.received_at >= since)
    if until is not None:
        where.append(Submission.received_at < until)
    states = session.execute(select(Submission.state, func.count()).where(*where).group_by(Submission.state))
    by_state = Counter({state: int(n) for state, n in states if state in STATES})
    refused = select(Submission.reason, func.count()).where(
        *where, Submission.state.in_(("skipped", "failed"))
    )
    reasons = Counter(
        {str(r or "no reason given"): int(n) for r, n in session.execute(refused.group_by(Submission.reason))}
    )
    return Counts(by_state, reasons)
