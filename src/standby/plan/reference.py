"""The plan-file field reference (docs/plan-reference.md), generated from the models so it stays true.

Regenerate with `python -m standby.plan.reference > docs/plan-reference.md`; a test fails when stale.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import timedelta

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from standby.core.timetext import format_duration
from standby.plan import (
    accounts,
    backups,
    drills,
    forms,
    impact,
    model,
    registrars,
    resolvers,
    runbook,
    status_page,
    templates,
)

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("plan (top level)", model.Plan),
    ("settings", model.Settings),
    ("settings.email", model.Email),
    ("settings.public_resolvers[]", resolvers.PublicResolver),
    ("people[]", model.Person),
    ("audiences[]", model.Audience),
    ("domains[]", model.Domain),
    ("certificates[]", model.Certificate),
    ("dns[]", model.DnsCheck),
    ("endpoints[]", model.Endpoint),
    ("endpoints[].expect, vendors[].endpoints[].expect", model.Expect),
    ("vendors[]", model.Vendor),
    ("vendors[].endpoints[]", model.VendorEndpoint),
    ("playbooks[]", model.Playbook),
    ("playbooks[].escalation[]", model.Step),
    ("playbooks[].templates.AUDIENCE", templates.AudienceTemplate),
    ("playbooks[].impact", impact.Impact),
    ("registrars[]", registrars.RegistrarAccount),
    ("status_page", status_page.StatusPage),
    ("status_page.publish[]", status_page.PublishTarget),
    ("status_page.components[]", status_page.StatusComponent),
    ("forms[]", forms.Form),
    ("forms[].fields[]", forms.FormField),
    ("forms[].destination", forms.Destination),
    ("forms[].destination.marketo", forms.MarketoDestination),
    ("forms[].destination.hubspot", forms.HubSpotDestination),
    ("forms[].destination.webhook", forms.WebhookDestination),
    ("fallback", forms.Fallback),
    ("fallback.rate_limit", forms.RateLimit),
    ("backups[]", backups.Backup),
    ("backups[].source", backups.BackupSource),
    ("backups[].source.marketo", accounts.MarketoAccount),
    ("backups[].source.hubspot", accounts.HubSpotAccount),
    ("backups[].leads (a mapping)", backups.LeadsFilter),
    ("backups[].keep", backups.Keep),
    ("backups[].target", status_page.PublishTarget),
    ("drills[]", drills.Drill),
    ("drills[].scenario", drills.Scenario),
    ("drills[].schedule", drills.Schedule),
    ("runbook", runbook.Runbook),
    ("runbook.publish[]", status_page.PublishTarget),
]


def _type(annotation: object) -> str:
    text = str(annotation).replace("typing.", "").replace("standby.plan.model.", "")
    # A calendar schedule is written as a string (plan/schedule.py); a drill's schedule is a section.
    text = text.replace("standby.plan.schedule.Schedule", "schedule")
    for module in (
        "model",
        "status_page",
        "templates",
        "forms",
        "backups",
        "accounts",
        "drills",
        "impact",
        "resolvers",
        "runbook",
        "registrars",
    ):
        text = text.replace(f"standby.plan.{module}.", "")
    text = text.replace("Union[Literal['all'], LeadsFilter, NoneType]", "'all' or LeadsFilter or null")
    text = text.replace("datetime.datetime", "date")
    text = text.replace("datetime.timedelta", "duration").replace("pathlib.Path", "path")
    text = text.replace("pydantic.networks.AnyHttpUrl", "URL").replace("<class '", "").replace("'>", "")
    text = text.replace("Annotated[", "").split(", BeforeValidator")[0].split(", PlainSerializer")[0]
    return text.replace(" | None", " or null").replace(" | ", " or ")


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    value = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
    if value is PydanticUndefined or value is None:
        return "—"
    if isinstance(value, timedelta):
        return f"`{format_duration(value)}`"
    if isinstance(value, list) and value and isinstance(value[0], timedelta):
        return "`[" + ", ".join(format_duration(v) for v in value) + "]`"
    if isinstance(value, BaseModel):
        return "(defaults)"
    if dataclasses.is_dataclass(value):  # a value the plan writes as a string (a schedule)
        return f"`{value}`"
    return f"`{value!r}`" if value not in ([], {}) else "empty"


def render() -> str:
    lines = [
        "# Plan file reference",
        "",
        "Generated from `src/standby/plan/model.py` by `python -m standby.plan.reference`; do not edit.",
        "Durations are strings like `90s`, `15m`, `6h`, `30d`. Unknown keys are errors.",
    ]
    for title, cls in SECTIONS:
        lines += ["", f"## `{title}`", "", "| field | type | default | meaning |", "|---|---|---|---|"]
        for name, field in cls.model_fields.items():
            annotation = typing.get_type_hints(cls, include_extras=False).get(name, field.annotation)
            description = (field.description or "").replace("|", "\\|")
            lines.append(
                f"| `{field.alias or name}` | {_type(annotation)} | {_default(field)} | {description} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
