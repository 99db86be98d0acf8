"""The chain of responsibility, resolved from the plan into people and addresses at the moment an
escalation starts. The snapshot is stored with the escalation (Grafana OnCall does the same), so an
edit of the plan mid-escalation never changes who is told next.

Rounds: each step's `after` counts from the start of its round. A round ends once its last step has
had as long to answer as the gap before it (30 minutes when that gap is zero or the chain has a single
step); the default chain (owner at 0, manager at 30 min) therefore has rounds of one hour.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import TypedDict

from standby.channels.people import Recipient, audience_urls, contacts
from standby.core.timetext import words
from standby.plan.model import Person, Plan, Step

DEFAULT_STEPS = (
    Step(after=timedelta(0), notify=["owner"]),
    Step(after=timedelta(minutes=30), notify=["owner.reports_to"]),
)
DEFAULT_REPEAT = 1
DEFAULT_WAIT = timedelta(minutes=30)


class StepPlan(TypedDict):
    after: int  # seconds from the start of the round
    targets: list[str]
    recipients: list[Recipient]
    notes: list[str]  # targets that name nobody, and why


class Chain(TypedDict):
    source: str  # "playbook ID" or "the default chain"
    organization: str
    timezone: str
    owner: Recipient | None
    steps: list[StepPlan]
    repeat: int
    round_seconds: int
    fingerprint: str  # of everything above: equal chains, equal fingerprints
    seen: str  # the fingerprint of the plan's chain when last compared (plan edits are noted once)


def snapshot(plan: Plan, *, asset: str, owner: str | None) -> Chain:
    playbook = plan.playbook_for(asset)
    steps = sorted(
        playbook.escalation if playbook and playbook.escalation else DEFAULT_STEPS, key=lambda s: s.after
    )
    people = {p.id: p for p in plan.people}
    owner_person = people.get(owner) if owner else None
    resolved = [_resolve_step(plan, step, asset, owner, people) for step in steps]
    last = steps[-1].after
    gap = last - steps[-2].after if len(steps) > 1 else timedelta(0)
    chain = Chain(
        source=f"playbook {playbook.id}" if playbook and playbook.escalation else "the default chain",
        organization=plan.organization,
        timezone=plan.timezone,
        owner=contacts(plan, owner_person) if owner_person else None,
        steps=resolved,
        repeat=playbook.repeat if playbook and playbook.escalation else DEFAULT_REPEAT,
        round_seconds=int((last + (gap if gap > timedelta(0) else DEFAULT_WAIT)).total_seconds()),
        fingerprint="",
        seen="",
    )
    return _fingerprinted(chain)


def of_people(plan: Plan, recipients: list[Recipient], *, source: str) -> Chain:
    """A one-step chain that tells `recipients` once, with no owner and no second round (Standby's
    own alerts to the people who run it)."""
    nobody = [] if recipients else ["nobody runs Standby: name operators in the plan"]
    step = StepPlan(after=0, targets=[r["id"] for r in recipients], recipients=recipients, notes=nobody)
    chain = Chain(
        source=source,
        organization=plan.organization,
        timezone=plan.timezone,
        owner=None,
        steps=[step],
        repeat=0,
        round_seconds=int(DEFAULT_WAIT.total_seconds()),
        fingerprint="",
        seen="",
    )
    return _fingerprinted(chain)


def _fingerprinted(chain: Chain) -> Chain:
    text = json.dumps(chain, sort_keys=True)
    chain["fingerprint"] = chain["seen"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return chain


def _resolve_step(
    plan: Plan, step: Step, asset: str, owner: str | None, people: dict[str, Person]
) -> StepPlan:
    audiences = {a.id: a for a in plan.audiences}
    recipients: dict[str, Recipient] = {}
    notes: list[str] = []
    for target in step.notify:
        if target == "owner" or target.startswith("owner."):
            person, note = _walk(target, asset, owner, people)
            if person is None:
                notes.append(note)
            else:
                recipients.setdefault(person.id, contacts(plan, person))
        elif target in people:
            recipients.setdefault(target, contacts(plan, people[target]))
        elif target in audiences:
            audience = audiences[target]
            for member in audience.members:
                if member in people:
                    recipients.setdefault(member, contacts(plan, people[member]))
            own = audience_urls(audience)
            if own is not None:
                recipients[own["id"]] = own
        else:
            notes.append(f"{target!r} is neither a person nor an audience in the plan")
    return StepPlan(
        after=int(step.after.total_seconds()),
        targets=list(step.notify),
        recipients=list(recipients.values()),
        notes=notes,
    )


def _walk(target: str, asset: str, owner: str | None, people: dict[str, Person]) -> tuple[Person | None, str]:
    """Follow `owner.reports_to.reports_to...`; when a link is missing, say where the chain stops."""
    if owner is None:
        return None, f"{asset} has no owner in the plan, so {target!r} names no one"
    person = people.get(owner)
    if person is None:
        return None, f"the owner {owner!r} is not a person in the plan, so {target!r} names no one"
    for _ in target.split(".")[1:]:
        boss = people.get(person.reports_to) if person.reports_to else None
        if boss is None:
            return (
                None,
                f"{person.name or person.id} reports to nobody in the plan, so {target!r} names no one",
            )
        person = boss
    return person, ""


def names(chain: Chain) -> dict[str, str]:
    """Every recipient id in the chain with the name to show for it."""
    out = {r["id"]: r["name"] for step in chain["steps"] for r in step["recipients"]}
    if chain["owner"]:
        out[chain["owner"]["id"]] = chain["owner"]["name"]
    return out


def display(chain: Chain, who: str) -> str:
    """How to name `who` (a recipient id) in a message."""
    if who.startswith("audience:"):
        return f"someone in the {who.partition(':')[2]} audience"
    return names(chain).get(who, who)


def describe(chain: Chain) -> str:
    """`Dana Reyes at once, Lee Park after 30 min; repeated once`: for the timeline."""
    parts = []
    for step in chain["steps"]:
        who = ", ".join(r["name"] for r in step["recipients"]) or "nobody"
        parts.append(f"{who} at once" if step["after"] == 0 else f"{who} after {_words(step['after'])}")
    repeat = {0: "not repeated", 1: "repeated once"}.get(chain["repeat"], f"repeated {chain['repeat']} times")
    return f"{'; '.join(parts)}; rounds of {_words(chain['round_seconds'])}, {repeat} ({chain['source']})"


def _words(seconds: int) -> str:
    return words(timedelta(seconds=seconds))
