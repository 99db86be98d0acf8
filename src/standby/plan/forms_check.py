"""Checks of the `forms:` and `fallback:` sections that need the whole plan: unique form ids, known
vendors, playbooks' `plan_b` naming forms, a capture URL to build pages with, and secrets that must
come from the environment (`${VAR}`), never be written in the plan file kept in git."""

from __future__ import annotations

from collections.abc import Set

from standby.plan.issues import Path, suggest
from standby.plan.model import Plan
from standby.plan.refs import Problem

SECRETS = (("marketo", "client_secret"), ("hubspot", "token"), ("webhook", "secret"))


def form_problems(plan: Plan) -> list[Problem]:
    out: list[Problem] = []
    vendors = {v.id for v in plan.vendors}
    seen: dict[str, int] = {}
    for i, form in enumerate(plan.forms):
        if form.id in seen:
            out.append(
                Problem(("forms", i, "id"), f"duplicate form id {form.id!r} (already forms[{seen[form.id]}])")
            )
        seen.setdefault(form.id, i)
        if form.vendor is not None and form.vendor not in vendors:
            out.append(
                Problem(
                    ("forms", i, "vendor"),
                    f"unknown vendor {form.vendor!r}{suggest(form.vendor, vendors)}; name a vendor of this "
                    "plan: its monitor says when the platform is back and replay may start",
                )
            )
        if form.vendor is None and form.destination.kind != "webhook":
            out.append(
                Problem(
                    ("forms", i, "destination"),
                    f"no vendor: replay to {form.destination.kind} waits on no monitor, so it retries "
                    "on its own schedule; add vendor: <the vendor id of the platform>",
                    "warning",
                )
            )
    for i, playbook in enumerate(plan.playbooks):
        for j, name in enumerate(playbook.plan_b):
            if name not in seen:
                out.append(
                    Problem(
                        ("playbooks", i, "plan_b", j),
                        f"unknown form {name!r}{suggest(name, seen)}; plan_b names the forms under forms: "
                        "whose fallback pages this playbook switches to",
                    )
                )
    if (
        plan.forms
        and plan.settings.base_url is None
        and (plan.fallback is None or plan.fallback.capture_url is None)
    ):
        out.append(
            Problem(
                ("forms",),
                "no capture URL: pages built by `standby pages build` would not know where to post; "
                "set fallback.capture_url (the public URL of this Standby) or settings.base_url",
                "warning",
                key=True,
            )
        )
    return out


def clear_secrets(plan: Plan, substituted: Set[Path]) -> list[Problem]:
    """An error for each destination secret written in the plan instead of as `${VAR}`."""
    out = []
    for i, form in enumerate(plan.forms):
        for kind, name in SECRETS:
            destination = getattr(form.destination, kind)
            path: Path = ("forms", i, "destination", kind, name)
            if destination is not None and getattr(destination, name) is not None and path not in substituted:
                out.append(
                    Problem(
                        path,
                        f"{name} is written in clear; write it as ${{VARIABLE}} and export the variable: "
                        "the plan file lives in git, secrets must not",
                    )
                )
    return out
