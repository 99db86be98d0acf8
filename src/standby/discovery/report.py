"""What discovery found, for people (a report per page) and for the plan (a snippet that adds what
nobody watches: each outside registrable domain as a domain monitor, each vendor with a known status
page as a vendor)."""

from __future__ import annotations

from datetime import datetime

import yaml

from standby.discovery.discover import Dependency, Target, Watch
from standby.plan.model import Domain, Plan, Vendor
from standby.plan.refs import check_references
from standby.plan.registrars import NO_ACCOUNT


def _line(dep: Dependency, watch: Watch) -> str:
    vendor = dep.vendor
    who = f" — {vendor.name}" + (f": {role}" if (role := vendor.role(dep.domain)) else "") if vendor else ""
    state = "watched" if watch.covers(dep) else "NOT WATCHED"
    hosts = ", ".join(sorted(dep.hosts)[:5]) + (
        f" and {len(dep.hosts) - 5} more" if len(dep.hosts) > 5 else ""
    )
    return f"  {dep.domain:<28} {state:<12} {'/'.join(sorted(dep.via))} from {hosts}{who}"


def render(targets: list[Target], watch: Watch) -> str:
    lines: list[str] = []
    for target in targets:
        lines.append(f"{target.label}" + ("" if target.page else " (host name of the plan)"))
        if target.error:
            lines.append(f"  {target.error}")
        for host, chain in sorted(target.chains.items()):
            lines.append(f"  {host} is an alias of {' → '.join(chain)}")
        deps = sorted(target.dependencies.values(), key=lambda d: (watch.covers(d), d.domain))
        if not deps and not target.error:
            lines.append("  loads nothing from outside its own domain")
        lines += [_line(d, watch) for d in deps]
        lines.append("")
    unwatched = unwatched_domains(targets, watch)
    vendors = sorted({d.vendor.name for t in targets for d in t.dependencies.values() if d.vendor})
    lines.append(
        f"{len(unwatched)} outside domain(s) nobody watches"
        + (f": {', '.join(unwatched)}" if unwatched else "")
        + (f"; vendors: {', '.join(vendors)}" if vendors else "")
    )
    return "\n".join(lines)


def unwatched_domains(targets: list[Target], watch: Watch) -> list[str]:
    return sorted({d.domain for t in targets for d in t.dependencies.values() if not watch.covers(d)})


def additions(targets: list[Target], plan: Plan | None) -> tuple[list[Domain], list[Vendor], dict[str, str]]:
    """The plan entries that watch what nobody watches, and a comment for each (why it is there)."""
    watch = Watch.of(plan)
    people = {p.id for p in plan.people} if plan else set()
    by_domain: dict[str, list[tuple[Target, Dependency]]] = {}
    for target in targets:
        for dep in target.dependencies.values():
            if not watch.covers(dep):
                by_domain.setdefault(dep.domain, []).append((target, dep))
    domains: list[Domain] = []
    vendors: dict[str, Vendor] = {}
    notes: dict[str, str] = {}
    for name, uses in sorted(by_domain.items()):
        owners = {t.owner for t, _ in uses if t.owner in people}
        vendor = uses[0][1].vendor
        entry: dict[str, object] = {"name": name}
        if len(owners) == 1:
            entry["owner"] = owners.pop()
        if plan is not None and plan.registrars:
            entry["registrar"] = NO_ACCOUNT  # someone else's registration: no account of ours holds it
        domains.append(Domain.model_validate(entry))
        pages = ", ".join(sorted({t.label for t, _ in uses}))
        notes[name] = (f"{vendor.name}: " if vendor else "") + f"used by {pages}"
        if vendor and vendor.statuspage and vendor.id not in watch.vendors and vendor.id not in vendors:
            fields: dict[str, object] = {
                "id": vendor.id,
                "name": vendor.name,
                "statuspage": vendor.statuspage,
            }
            if "owner" in entry:
                fields["owner"] = entry["owner"]
            vendors[vendor.id] = Vendor.model_validate(fields)
    if plan is not None:  # the snippet must fit the plan: the same reference checks `validate` makes
        merged = plan.model_copy(
            update={"domains": [*plan.domains, *domains], "vendors": [*plan.vendors, *vendors.values()]}
        )
        errors = [p for p in check_references(merged) if p.severity == "error"]
        assert not errors, f"discovery built entries the plan refuses: {errors}"
    return domains, list(vendors.values()), notes


def snippet(targets: list[Target], plan: Plan | None, now: datetime) -> str:
    domains, vendors, notes = additions(targets, plan)
    out = [
        f"# Written by `standby discover` on {now:%Y-%m-%d}: outside domains your pages depend on that the",
        "# plan does not watch. Add these entries under the plan's domains: and vendors: sections.",
    ]
    if not domains and not vendors:
        return "\n".join([*out, "# Nothing to add: the plan watches every outside domain found.", ""])
    out.append("domains:")
    for domain in domains:
        out.append(f"  # {notes[domain.name]}")
        data = domain.model_dump(mode="json", include={"name", "owner", "registrar"}, exclude_none=True)
        out += _item(data)
    if vendors:
        out.append("vendors:")
        for vendor in vendors:
            out += _item(
                vendor.model_dump(
                    mode="json", include={"id", "name", "owner", "statuspage"}, exclude_none=True
                )
            )
    return "\n".join(out) + "\n"


def _item(data: dict[str, object]) -> list[str]:
    lines = yaml.safe_dump([data], sort_keys=False, width=1000).splitlines()
    return ["  " + line for line in lines]
