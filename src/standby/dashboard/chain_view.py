"""The chain of responsibility as the asset page shows it: each step, who it reaches and how
(Apprise URLs redacted), and notes where the chain names nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from standby.alerts.chain import Chain
from standby.channels.people import shown
from standby.core.timetext import words


@dataclass(frozen=True)
class StepView:
    after: str  # "at once", "after 30 min"
    people: list[str]  # "Dana Reyes (email dana@acme.example)"
    notes: list[str]


@dataclass(frozen=True)
class ChainView:
    heading: str
    source: str
    steps: list[StepView]
    repeat: str


def _after(seconds: int) -> str:
    return "at once" if seconds == 0 else f"after {words(timedelta(seconds=seconds))}"


def chain_view(chain: Chain, heading: str) -> ChainView:
    steps = [
        StepView(
            after=_after(step["after"]),
            people=[
                f"{r['name']} ({', '.join(shown(c['channel'], c['address']) for c in r['contacts'])})"
                if r["contacts"]
                else f"{r['name']} — cannot be reached: {r['problem'] or 'no working channel'}"
                for r in step["recipients"]
            ],
            notes=step["notes"],
        )
        for step in chain["steps"]
    ]
    rounds = chain["repeat"] + 1
    repeat = (
        f"{rounds} round{'s' if rounds > 1 else ''} of {words(timedelta(seconds=chain['round_seconds']))}"
    )
    return ChainView(heading, chain["source"], steps, repeat)
