"""What people read: every alert message says what is wrong, since when, who owns it, what the chain
does next and when, and how to acknowledge. Times are shown in the plan's time zone."""

from __future__ import annotations

from datetime import datetime

from standby.alerts.chain import Chain, display
from standby.alerts.models import Alert
from standby.channels.tell import Text
from standby.core.timetext import ago, at, words
from standby.core.words import plural
from standby.plan.assets import kind_of, label

Next = tuple[datetime, str]  # when, and what happens then ("Lee Park is told")


def _subject(tag: str, alert: Alert, text: str) -> str:
    line = " ".join(f"[{tag}] {label(alert.asset)}: {text}".split())
    return line if len(line) <= 150 else line[:149] + "…"


def _facts(alert: Alert, chain: Chain, now: datetime) -> list[str]:
    tz = chain["timezone"]
    if alert.reason == "standby":  # Standby's own alert (blind.py): its people are its operators
        owner = "the people who run Standby (the plan's operators)"
    elif chain["owner"]:
        owner = chain["owner"]["name"]
    else:
        owner = f"nobody (the plan names no owner for {alert.asset})"
    return [
        alert.summary,
        "",
        f"What:    {alert.asset} ({alert.check}), {alert.severity}",
        f"Since:   {at(alert.since, tz)} ({ago(now - alert.since)})",
        f"Owner:   {owner}",
    ]


def _ack(alert: Alert, person: str, link: str | None) -> list[str]:
    who = person if not person.startswith("audience:") else "YOUR-ID"
    command = f"standby ack {alert.id} --by {who}"
    if link:
        return [f"Acknowledge (stops the escalation): {link}", f"or run: {command}"]
    return [f"Acknowledge (stops the escalation): run `{command}`"]


def _notes(chain: Chain) -> list[str]:
    notes = [note for step in chain["steps"] for note in step["notes"]]
    return ["", *(f"Note: {note}." for note in notes)] if notes else []


def _same_cause(explained: list[str]) -> list[str]:
    """The failing checks this alert's cause explains (causes.py): people read them here, not in pages
    of their own."""
    if not explained:
        return []
    lines = [f"  {line}" for line in explained]
    return ["", f"Same cause, not paged separately ({plural(len(explained), 'check')}):", *lines]


def _footer(alert: Alert, chain: Chain) -> list[str]:
    return ["", f"-- Standby for {chain['organization']}, alert #{alert.id}"]


def page(
    alert: Alert,
    *,
    chain: Chain,
    person: str,
    step: int,
    round: int,
    next_step: Next | None,
    ack_link: str | None,
    confirm_link: str | None,
    now: datetime,
    same_cause: list[str] | None = None,
) -> Text:
    """The message a step sends: `person` is told because of step `step` (0-based) of round `round`;
    `same_cause` lists the failing checks its cause explains."""
    tz, steps = chain["timezone"], chain["steps"]
    why = f"step {step + 1} of {len(steps)} ({', '.join(steps[step]['targets'])})"
    if chain["repeat"]:
        why += f", round {round + 1} of {chain['repeat'] + 1}"
    lines = [*_facts(alert, chain, now), f"Why you: {why} of {chain['source']}"]
    if next_step is not None:
        lines.append(f"Next:    if nobody acknowledges by {at(next_step[0], tz)}, {next_step[1]}.")
    lines += _same_cause(same_cause or [])
    lines += ["", *_ack(alert, person, ack_link)]
    if alert.reason == "confirmation":
        how = f"standby confirm {alert.asset} --by {person} --how renewed|auto-renew"
        lines += [
            f"Confirm the renewal: {confirm_link}" if confirm_link else f"Confirm the renewal: run `{how}`"
        ]
    return Text(
        _subject(alert.severity, alert, alert.summary),
        "\n".join(lines + _notes(chain) + _footer(alert, chain)),
    )


def exhausted(
    alert: Alert, *, chain: Chain, person: str, told: list[str], ack_link: str | None, now: datetime
) -> Text:
    rounds = chain["repeat"] + 1
    lines = [
        f"Nobody acknowledged alert #{alert.id}: the chain of responsibility is exhausted.",
        "",
        *_facts(alert, chain, now),
        f"Told:    {', '.join(told) or 'nobody could be reached'} "
        f"({plural(rounds, 'round')} of {chain['source']})",
        "",
        "Standby will page nobody else about it. The alert stays open until someone acknowledges it "
        "or the check recovers.",
        "",
        *_ack(alert, person, ack_link),
    ]
    return Text(
        _subject("chain exhausted", alert, "nobody acknowledged"),
        "\n".join(lines + _notes(chain) + _footer(alert, chain)),
    )


def resolved(
    alert: Alert, *, chain: Chain, why: str, now: datetime, dependents: list[Alert] | None = None
) -> Text:
    tz = chain["timezone"]
    lasted = words(now - alert.since)
    if alert.acknowledged_by:
        when = at(alert.acknowledged_at or now, tz)
        handled = f"{display(chain, alert.acknowledged_by)} had acknowledged it at {when}."
    else:
        handled = "Nobody had acknowledged it."
    lines = [
        f"Alert #{alert.id} about {alert.asset} is resolved ({at(now, tz)}), after {lasted}: {why}",
        "",
        f"It was: {alert.summary}",
        handled,
    ]
    if dependents:
        names = ", ".join(f"#{d.id} {d.asset} ({d.check})" for d in dependents)
        lines.append(f"Resolved with it (the same cause): {names}.")
    return Text(
        _subject("resolved", alert, f"resolved after {lasted}"), "\n".join(lines + _footer(alert, chain))
    )


def acknowledged(alert: Alert, *, chain: Chain, now: datetime) -> Text:
    who = display(chain, alert.acknowledged_by or "someone")
    lines = [
        f"{who} acknowledged alert #{alert.id} about {alert.asset} at {at(now, chain['timezone'])}; "
        "the escalation has stopped.",
        "",
        alert.summary,
    ]
    return Text(_subject("acknowledged", alert, f"{who} has it"), "\n".join(lines + _footer(alert, chain)))


def reminder(
    *,
    asset: str,
    expires_at: datetime,
    summary: str,
    person: str,
    link: str | None,
    deadline: datetime | None,
    chain: str,
    later: list[str],
    organization: str,
    tz: str,
    now: datetime,
) -> Text:
    """The owner's reminder; `later` lists the reminders still to come (`14 days`, ...)."""
    name, left = label(asset), words(expires_at - now)
    if expires_at > now:
        headline, first = f"{name} expires in {left}", f"{name} expires on {at(expires_at, tz)} (in {left})."
    else:
        headline, first = f"{name} has expired", f"{name} expired on {at(expires_at, tz)}."
    command = f"standby confirm {asset} --by {person} --how renewed   (or --how auto-renew)"
    lines = [
        first,
        f"Latest check: {summary}",
        "",
        f"You own it in {organization}'s plan. Renew it, or make sure auto-renew is on and the card on "
        "file is valid, then confirm:",
        f"  {link}" if link else f"  {command}",
    ]
    if link:
        lines.append(f"  or run: {command}")
    if deadline is not None:
        lines += [
            "",
            f"If nobody confirms by {at(deadline, tz)}, an alert escalates along the chain: {chain}.",
        ]
    if later:
        lines.append(f"Reminders still to come, unless you confirm: {', '.join(later)} before.")
    lines += ["", f"-- Standby for {organization}"]
    return Text(f"[reminder] {headline}", "\n".join(lines))


def checklist(*, asset: str, old: datetime, new: datetime, organization: str, tz: str) -> Text:
    name = label(asset)
    if kind_of(asset) == "domain":
        checks = [
            f"the website at {name} (and www.{name}) loads as it should",
            f"DNS for {name} answers as expected: nameservers, A/AAAA, MX records",
            f"email to and from @{name} still arrives",
        ]
    else:
        checks = [f"the website on {name} loads without a certificate warning, on every name it serves"]
    lines = [
        f"{name} was renewed: it now expires on {at(new, tz)} (it was {at(old, tz)}).",
        "",
        "Renewals are when things quietly break (a registrar resets the nameservers, a new certificate "
        "misses a name). Please confirm that the website, DNS and email are all set:",
        *(f"  [ ] {check}" for check in checks),
        "",
        f"-- Standby for {organization}",
    ]
    return Text(f"[renewed] {name}: please check the website, DNS and email", "\n".join(lines))
