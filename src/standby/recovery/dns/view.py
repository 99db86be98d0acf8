"""What the tracker concludes from the resolvers' answers: per resolver, right or not, the TTL it has
left, and the time by which it must have the fix; and the headline, "N of M resolvers have the fix;
all will by T at the latest".

A resolver with the old answer must drop it when the TTL it reports runs out, so its time is now +
that TTL. When it reports none (it could not say), the bound is the delegation's: the parent zone's
NS TTL from the moment the fix reached the parent. A resolver that could not be asked is neither
right nor wrong, and no time is made up for it: the headline says how many could not be asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from standby.core.errors import StandbyError
from standby.core.timetext import at
from standby.plan.resolvers import PublicResolver
from standby.recovery.dns.ask import Answer, ParentView, normalise

RDTYPES = ("NS", "A", "AAAA", "CNAME", "MX", "TXT")


@dataclass(frozen=True)
class Expectation:
    """The right answers: record type → the exact set."""

    records: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, wanted: Mapping[str, Sequence[str]]) -> Expectation:
        records = {
            t.upper(): tuple(sorted({normalise(t.upper(), v) for v in vs})) for t, vs in wanted.items()
        }
        return cls(tuple(sorted(records.items())))

    @classmethod
    def parse(cls, options: Sequence[str]) -> Expectation:
        """`["NS=ns1.example.net,ns2.example.net", "A=192.0.2.1"]`, as `--expect` gives them."""
        wanted: dict[str, list[str]] = {}
        for option in options:
            rdtype, sep, values = option.partition("=")
            rdtype = rdtype.strip().upper()
            found = [v.strip() for v in values.split(",") if v.strip()]
            if not sep or rdtype not in RDTYPES or not found:
                raise StandbyError(
                    f"--expect {option!r}: write TYPE=VALUE[,VALUE...], e.g. NS=ns1.example.net,"
                    f"ns2.example.net or A=192.0.2.1 (types: {', '.join(RDTYPES)})"
                )
            wanted.setdefault(rdtype, []).extend(found)
        return cls.of(wanted)

    def as_dict(self) -> dict[str, list[str]]:
        return {t: list(vs) for t, vs in self.records}

    def shown(self) -> str:
        return "; ".join(f"{t} {', '.join(vs)}" for t, vs in self.records)


@dataclass(frozen=True)
class Row:
    resolver: PublicResolver
    answers: dict[str, Answer]  # by record type
    verdict: str  # "right" | "wrong" | "unknown"
    remaining: int | None  # seconds of TTL left on the old answer (wrong rows)
    at_latest: datetime | None  # when it must have the fix (wrong rows)

    def shown(self) -> str:
        return "; ".join(
            (a.shown() if len(self.answers) == 1 else f"{t} {a.shown()}") for t, a in self.answers.items()
        )


@dataclass(frozen=True)
class Recovery:
    domain: str
    expected: Expectation
    rows: list[Row]
    parent: ParentView | None
    checked_at: datetime

    @property
    def right(self) -> int:
        return sum(r.verdict == "right" for r in self.rows)

    @property
    def wrong(self) -> list[Row]:
        return [r for r in self.rows if r.verdict == "wrong"]

    @property
    def unknown(self) -> int:
        return sum(r.verdict == "unknown" for r in self.rows)

    @property
    def done(self) -> bool:
        """Every resolver that answered has the fix (and at least one answered)."""
        return not self.wrong and self.right > 0

    @property
    def at_latest(self) -> datetime | None:
        """When the last resolver with the old answer must have the fix; None if any cannot be told."""
        times = [r.at_latest for r in self.wrong]
        return None if not times or any(t is None for t in times) else max(t for t in times if t)

    def headline(self, tz: str) -> str:
        total = len(self.rows) - self.unknown
        asked = f" ({self.unknown} could not be asked)" if self.unknown else ""
        if total == 0:
            return f"No resolver could be asked about {self.domain}{asked}."
        if self.done:
            return f"All {total} resolvers have the fix{asked}."
        head = f"{self.right} of {total} resolvers have the fix"
        latest = self.at_latest
        if latest is not None:
            return f"{head}; all will by {at(latest, tz)} at the latest{asked}."
        timed = [r.at_latest for r in self.wrong if r.at_latest is not None]
        untimed = len(self.wrong) - len(timed)
        when = f"; {len(timed)} more will by {at(max(timed), tz)} at the latest" if timed else ""
        return f"{head}{when}; for {untimed} Standby cannot tell when (no TTL given){asked}."


def judge(
    domain: str,
    expected: Expectation,
    answers: Sequence[tuple[PublicResolver, dict[str, Answer]]],
    *,
    parent: ParentView | None,
    fixed_at: datetime | None,
    now: datetime,
) -> Recovery:
    """Each resolver's verdict and time. `fixed_at`: when the parent zone was first seen with the fix."""
    wanted = dict(expected.records)
    bound = None
    if parent is not None and parent.ttl is not None:
        bound = (fixed_at or now) + timedelta(seconds=parent.ttl)
    rows = []
    for resolver, got in answers:
        if any(a.kind == "error" for a in got.values()):
            rows.append(Row(resolver, got, "unknown", None, None))
            continue
        stale = [a for t, a in got.items() if not (a.kind == "answer" and a.values == wanted[t])]
        if not stale:
            rows.append(Row(resolver, got, "right", None, None))
            continue
        ttls = [a.ttl for a in stale]
        if all(t is not None for t in ttls):
            remaining = max(t for t in ttls if t is not None)
            rows.append(Row(resolver, got, "wrong", remaining, now + timedelta(seconds=remaining)))
        else:
            left = None if bound is None else max(int((bound - now).total_seconds()), 0)
            rows.append(Row(resolver, got, "wrong", left, bound))
    return Recovery(domain, expected, rows, parent, now)
