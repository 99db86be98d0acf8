"""Checks that need the whole plan: unique ids, known references, chains without loops."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from standby.plan.assets import Asset
from standby.plan.drills import FAILURE_KINDS, Scenario
from standby.plan.issues import Path, dotted, suggest
from standby.plan.model import Plan
from standby.plan.registrars import NO_ACCOUNT
from standby.plan.status_page import ASSET_KINDS
from standby.plan.templates import internal_fields

_CHAIN = re.compile(r"^owner(\.reports_to)*$")


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    severity: str = "error"
    key: bool = False  # point at the key rather than the value


def _duplicates(items: Iterable[tuple[Path, str]], what: str) -> list[Problem]:
    seen: dict[str, Path] = {}
    out = []
    for path, ident in items:
        if ident in seen:
            first = seen[ident]
            out.append(
                Problem(path, f"duplicate {what} {ident!r} (already at {_where(first)}); ids must be unique")
            )
        else:
            seen[ident] = path
    return out


def _where(path: Path) -> str:
    """The list item a path lies in: `people[0]`, `status_page.components[2]`."""
    items = [i for i, part in enumerate(path) if isinstance(part, int)]
    return dotted(path[: items[-1] + 1]) if items else dotted(path)


def _ref(path: Path, value: str, known: set[str], what: str, hint: str) -> list[Problem]:
    if value in known:
        return []
    return [Problem(path, f"unknown {what} {value!r}{suggest(value, known)}; {hint}")]


def check_references(plan: Plan) -> list[Problem]:
    people = {p.id for p in plan.people}
    audiences = {a.id for a in plan.audiences}
    playbooks = {p.id for p in plan.playbooks}
    out: list[Problem] = []
    out += _duplicates(((("people", i, "id"), p.id) for i, p in enumerate(plan.people)), "person id")
    out += _duplicates(((("audiences", i, "id"), a.id) for i, a in enumerate(plan.audiences)), "audience id")
    out += _duplicates(((("playbooks", i, "id"), p.id) for i, p in enumerate(plan.playbooks)), "playbook id")
    out += _duplicates(((("endpoints", i, "id"), e.id) for i, e in enumerate(plan.endpoints)), "endpoint id")
    out += _duplicates(((("vendors", i, "id"), v.id) for i, v in enumerate(plan.vendors)), "vendor id")
    out += _duplicates(((("domains", i, "name"), d.name) for i, d in enumerate(plan.domains)), "domain")
    certs = ((("certificates", i, "host"), f"{c.host}:{c.port}") for i, c in enumerate(plan.certificates))
    out += _duplicates(certs, "certificate")
    out += _duplicates(
        ((("dns", i, "name"), f"{d.name} {d.type}") for i, d in enumerate(plan.dns)), "dns check"
    )
    for i, audience in enumerate(plan.audiences):
        if audience.id in people:
            out.append(
                Problem(("audiences", i, "id"), f"{audience.id!r} is both a person and an audience id")
            )
        for j, member in enumerate(audience.members):
            out += _ref(("audiences", i, "members", j), member, people, "person", "list people by their id")
    for i, operator in enumerate(plan.operators):
        out += _ref(("operators", i), operator, people, "person", "operators are the ids of who runs Standby")
    out += _duplicates(
        ((("registrars", i, "id"), r.id) for i, r in enumerate(plan.registrars)), "registrar account id"
    )
    accounts = {r.id for r in plan.registrars}
    for i, domain in enumerate(plan.domains):
        if domain.registrar is not None and domain.registrar != NO_ACCOUNT:
            hint = "name an id under registrars, or none when its registrar has no API"
            out += _ref(("domains", i, "registrar"), domain.registrar, accounts, "registrar account", hint)
    out += _chain_problems(plan, people)
    out += _channel_problems(plan)
    out += _asset_problems(plan, people, playbooks)
    out += _playbook_problems(plan, people, audiences)
    out += _status_page_problems(plan)
    out += _drill_problems(plan, people, audiences)
    return out


def _chain_problems(plan: Plan, people: set[str]) -> list[Problem]:
    out: list[Problem] = []
    boss = {p.id: p.reports_to for p in plan.people}
    walked: dict[str, bool] = {}  # person id → still on the current walk up (else: done, no loop above)
    for i, person in enumerate(plan.people):
        if person.reports_to is not None:
            out += _ref(
                ("people", i, "reports_to"),
                person.reports_to,
                people,
                "person",
                "reports_to names a person id",
            )
        if not person.email and not person.notify:
            out.append(
                Problem(
                    ("people", i, "id"),
                    f"{person.id} has no email and no notify URL: nobody can reach them; add one",
                    "warning",
                )
            )
        # Each person is walked once, whoever's chain reaches them first: linear in the people.
        chain: list[str] = []
        current: str | None = person.id
        while current is not None and current in boss and current not in walked:
            walked[current] = True
            chain.append(current)
            current = boss[current]
        looped = current if current is not None and walked.get(current, False) else None
        walked.update(dict.fromkeys(chain, False))
        if looped is not None:
            loop = [*chain[chain.index(looped) :], looped]
            out.append(
                Problem(
                    ("people", i, "reports_to"),
                    "reports_to goes round in a circle ("
                    + " → ".join(loop)
                    + "); the top of the chain must report to nobody",
                )
            )
    return out


def _channel_problems(plan: Plan) -> list[Problem]:
    """People whose only address is an email, in a plan that configures no way to send one."""
    if plan.settings.email is not None:
        return []
    mailed = [(i, p) for i, p in enumerate(plan.people) if p.email and not p.notify]
    if not mailed:
        return []
    names = ", ".join(str(p.id) for _, p in mailed)
    message = (
        f"settings.email is not configured, so Standby can send no email: {names} "
        f"{'has' if len(mailed) == 1 else 'have'} only an email address and would hear nothing (no alert, "
        "no incident update); add settings.email (your SMTP relay) or give them a notify URL"
    )
    return [Problem(("people", mailed[0][0], "email"), message, "warning")]


def _asset_problems(plan: Plan, people: set[str], playbooks: set[str]) -> list[Problem]:
    out: list[Problem] = []
    pins: dict[str, tuple[str, Path]] = {}
    sections = ("domains", "certificates", "dns", "endpoints", "vendors")
    for section in sections:
        for i, asset in enumerate(getattr(plan, section)):
            if asset.owner is None:
                out.append(
                    Problem(
                        (section, i),
                        "no owner: nobody is responsible for this; add owner: <person id>",
                        "warning",
                    )
                )
            else:
                out += _ref((section, i, "owner"), asset.owner, people, "person", "owner must be a person id")
            if asset.playbook is not None:
                out += _ref(
                    (section, i, "playbook"),
                    asset.playbook,
                    playbooks,
                    "playbook",
                    "define it under playbooks",
                )
            warn, crit = getattr(asset, "warn_within", None), getattr(asset, "critical_within", None)
            if warn is not None and crit is not None and crit > warn:
                out.append(
                    Problem(
                        (section, i, "critical_within"),
                        "critical_within is longer than warn_within; make warn_within the larger one",
                    )
                )
            host, address = _pin(section, asset)
            if host and address:
                if host in pins and pins[host][0] != address:
                    out.append(
                        Problem(
                            (section, i, "address"),
                            f"{host} is pinned to {pins[host][0]} at "
                            f"{_where(pins[host][1])} and to {address} here; pin it to one address",
                        )
                    )
                pins.setdefault(host, (address, (section, i)))
    return out


def _pin(section: str, asset: object) -> tuple[str | None, str | None]:
    address = getattr(asset, "address", None)
    if section == "certificates":
        return getattr(asset, "host", None), address
    url = getattr(asset, "url", None)
    return (url.host.lower() if url is not None and url.host else None), address


def _neutral(path: Path, source: str | None, who: str) -> list[Problem]:
    """An outsiders' template may use only neutral values: what insiders wrote never goes outside."""
    used = internal_fields(source) if source else []
    if not used:
        return []
    return [
        Problem(
            path,
            f"{who} read outside the company, so it may not use {', '.join(used)} (written for insiders); "
            "use update.public_text, the text a person writes for outsiders, and the neutral values "
            "(incident.public_title, incident.public_systems, update.state_label, update.next_update_by)",
        )
    ]


def _playbook_problems(plan: Plan, people: set[str], audiences: set[str]) -> list[Problem]:
    out: list[Problem] = []
    targets = people | audiences
    outsiders = {a.id for a in plan.audiences if a.external}
    for i, playbook in enumerate(plan.playbooks):
        for j, audience in enumerate(playbook.audiences):
            out += _ref(
                ("playbooks", i, "audiences", j), audience, audiences, "audience", "define it under audiences"
            )
        for name, template in playbook.templates.items():
            out += _ref(
                ("playbooks", i, "templates", name),
                name,
                set(playbook.audiences),
                "audience",
                "templates are per audience: name one of this playbook's audiences",
            )
            if name in outsiders:
                for part in ("subject", "body"):
                    out += _neutral(("playbooks", i, "templates", name, part), getattr(template, part),
                                    f"the {name} audience is external")  # fmt: skip
        out += _neutral(("playbooks", i, "public_text"), playbook.public_text, "the public text is")
        for j, step in enumerate(playbook.escalation):
            for k, target in enumerate(step.notify):
                if _CHAIN.match(target):
                    continue
                out += _ref(
                    ("playbooks", i, "escalation", j, "notify", k),
                    target,
                    targets | {"owner", "owner.reports_to"},
                    "person or audience",
                    "use a person id, an audience id, owner or owner.reports_to",
                )
    return out


def _status_page_problems(plan: Plan) -> list[Problem]:
    if plan.status_page is None:
        return []
    known = {a.id for a in plan.assets() if a.kind in ASSET_KINDS}
    components = plan.status_page.components
    paths = [("status_page", "components", i, "asset") for i in range(len(components))]
    out = _duplicates(zip(paths, (c.asset for c in components), strict=True), "status page component")
    for path, component in zip(paths, components, strict=True):
        out += _ref(path, component.asset, known, "asset", "list a vendor, endpoint or domain of this plan")
    return out


def _drill_problems(plan: Plan, people: set[str], audiences: set[str]) -> list[Problem]:
    out = _duplicates(((("drills", i, "id"), d.id) for i, d in enumerate(plan.drills)), "drill id")
    assets = {a.id: a for a in plan.assets()}
    for i, drill in enumerate(plan.drills):
        if drill.scenario is not None:  # None only in a plan with errors, which name it already
            out += _scenario_problems(drill.scenario, ("drills", i, "scenario", "asset"), assets)
        for j, who in enumerate(drill.participants):
            out += _ref(
                ("drills", i, "participants", j), who, people | audiences, "person or audience",
                "participants are person or audience ids",
            )  # fmt: skip
        for j, address in enumerate(drill.sink):
            if "://" not in address and not address.startswith("mailto:"):
                if "@" not in address:
                    message = f"{address!r} is neither an email address nor an Apprise URL"
                    out.append(Problem(("drills", i, "sink", j), message))
                elif plan.settings.email is None:
                    message = "an email sink needs settings.email (the relay to send through)"
                    out.append(Problem(("drills", i, "sink", j), message))
    return out


def _scenario_problems(scenario: Scenario, where: Path, assets: dict[str, Asset]) -> list[Problem]:
    if scenario.asset is None or scenario.failure is None:  # a plan with errors, which name them
        return []
    asset = assets.get(scenario.asset)
    if asset is None:
        return _ref(where, scenario.asset, set(assets), "asset", "name an asset of this plan by its id")
    if asset.kind not in FAILURE_KINDS[scenario.failure]:
        kinds = " or ".join(FAILURE_KINDS[scenario.failure])
        return [Problem(where, f"{scenario.failure} happens to a {kinds}, not to {scenario.asset}")]
    if asset.playbook is None:
        message = (
            f"{scenario.asset} has no playbook: the drill rehearses only its chain of responsibility "
            "(no incident, no updates, no promises); give the asset a playbook to rehearse those too"
        )
        return [Problem(where, message, "warning")]
    return []
