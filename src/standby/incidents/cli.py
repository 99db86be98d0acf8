"""`standby incident open|update|resolve|publish|list|show`.

Commands use the plan `standby serve` runs (the newest good load recorded in the database) unless
`--plan` names one; messages go into the outbox, and the running engine delivers them within a
second. Mistakes (an unknown system, no --next, a resolved incident) print why and exit 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from standby.core.errors import StandbyError
from standby.core.words import plural
from standby.store.cli import DbOption

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from standby.incidents.service import Preview
    from standby.plan.model import Plan

incident_app = typer.Typer(help="Incidents: updates with next-update promises.", no_args_is_help=True)
Id = Annotated[int, typer.Argument(metavar="ID", help="The incident's number (see `standby incident list`).")]
PlanOption = Annotated[
    Path | None, typer.Option("--plan", help="The plan file; default: the one `standby serve` runs.")
]
By = Annotated[str | None, typer.Option("--by", help="Who you are (person id); default: the lead.")]
Know = Annotated[str, typer.Option("--know", help="What we know.")]
DontKnow = Annotated[str, typer.Option("--dont-know", help="What we don't know yet.")]
Publish = Annotated[
    bool, typer.Option("--publish", help="Also tell external audiences and the status page (your decision).")
]
Public = Annotated[
    str | None,
    typer.Option(
        "--public",
        help="What outsiders read once published (default: the playbook's public text for the state; "
        "--preview shows it). Nothing else you write goes outside.",
    ),
]


@contextmanager
def _session(db: str | None, plan_file: Path | None) -> Iterator[tuple[Session, Plan, datetime]]:
    from standby.core.clock import SystemClock
    from standby.engine.running import running_plan
    from standby.store.open import transaction

    with transaction(db, lock=True) as session:
        plan, _ = running_plan(session, plan_file)
        yield session, plan, SystemClock().now()


def _person(plan: Plan, who: str | None, fallback: str | None) -> str:
    from standby.engine.running import person

    return person(plan, who or fallback)


def _next(text: str | None, now: datetime) -> datetime | None:
    from standby.core.timetext import parse_duration

    if text is None:
        return None
    try:
        return now + parse_duration(text)
    except ValueError as exc:
        raise StandbyError(f"--next: {exc}") from None


@incident_app.command("open")
def open_(
    title: Annotated[str, typer.Option("--title", help="What is wrong, in a few words.")],
    systems: Annotated[str, typer.Option("--systems", help="Affected systems: vendor:marketo[,endpoint:ID]")],
    severity: Annotated[str | None, typer.Option("--severity", help="minor, major or critical.")] = None,
    lead: Annotated[str | None, typer.Option("--lead", help="Person id; default: the owner.")] = None,
    by: By = None,
    db: DbOption = None,
    plan: PlanOption = None,
) -> None:
    """Open an incident by hand: the internal audiences hear at once."""
    from standby.incidents import rules, service

    with _session(db, plan) as (session, loaded, now):
        found = rules.resolve_systems(loaded, systems.split(","))
        actor = _person(loaded, by, lead or rules.default_lead(loaded, found))
        done = service.open_incident(
            session,
            plan=loaded,
            title=title,
            systems=found,
            severity=severity,
            lead=lead,
            actor=actor,
            now=now,
        )
    print(done.message)


@incident_app.command()
def update(
    incident_id: Id,
    know: Know,
    dont_know: DontKnow,
    meanwhile: Annotated[
        str | None, typer.Option("--meanwhile", help="What people can do meanwhile.")
    ] = None,
    next: Annotated[str | None, typer.Option("--next", help="Next update within, e.g. 30m.")] = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state", help="investigating, identified or monitoring (resolve: `incident resolve`)."
        ),
    ] = None,
    public: Public = None,
    publish: Publish = False,
    preview: Annotated[
        bool, typer.Option("--preview", help="Show what each audience gets; send nothing.")
    ] = False,
    by: By = None,
    db: DbOption = None,
    plan: PlanOption = None,
) -> None:
    """Post an update: what we know, what we don't know yet, when the next update comes."""
    from standby.incidents import service

    with _session(db, plan) as (session, loaded, now):
        incident = service.get(session, incident_id, unresolved=True)
        actor = _person(loaded, by, incident.lead)
        fields: dict[str, Any] = {
            "plan": loaded, "incident_id": incident_id, "actor": actor, "now": now,
            "next_by": _next(next, now), "publish": publish, "know": know, "dont_know": dont_know,
            "meanwhile": meanwhile, "state": state, "public": public,
        }  # fmt: skip
        if preview:
            _print_preview(service.preview(session, **fields))  # a preview writes nothing
            return
        done = service.update_incident(session, **fields)
    print(done.message)


@incident_app.command()
def resolve(
    incident_id: Id,
    know: Know,
    public: Public = None,
    publish: Publish = False,
    by: By = None,
    db: DbOption = None,
    plan: PlanOption = None,
) -> None:
    """Resolve the incident (a person decides it is over; recovery only moves it to monitoring)."""
    from standby.incidents import service

    with _session(db, plan) as (session, loaded, now):
        actor = _person(loaded, by, service.get(session, incident_id).lead)
        done = service.resolve_incident(
            session, plan=loaded, incident_id=incident_id, know=know, actor=actor, now=now,
            publish=publish, public=public,
        )  # fmt: skip
    print(done.message)


@incident_app.command("publish")
def publish_(incident_id: Id, by: By = None, db: DbOption = None, plan: PlanOption = None) -> None:
    """Tell external audiences: the latest update now, and Standby's automatic ones from then on."""
    from standby.incidents import service

    with _session(db, plan) as (session, loaded, now):
        actor = _person(loaded, by, service.get(session, incident_id).lead)
        done = service.publish_incident(session, plan=loaded, incident_id=incident_id, actor=actor, now=now)
    print(done.message)


@incident_app.command("list")
def list_(
    all: Annotated[bool, typer.Option("--all", help="Also resolved ones (the latest 50).")] = False,
    db: DbOption = None,
    plan: PlanOption = None,
) -> None:
    """Unresolved incidents, with the next promised update."""
    from sqlalchemy import select

    from standby.incidents.models import Incident
    from standby.incidents.view import view

    with _session(db, plan) as (session, loaded, now):
        query = select(Incident).order_by(Incident.opened_at.desc(), Incident.id.desc())
        query = query.limit(50) if all else query.where(Incident.state != "resolved")
        found = [view(session, i, plan=loaded, now=now) for i in session.scalars(query)]
    if not found:
        print("No incidents." if all else "No open incidents.")
    for shown in found:
        mark = "  DRILL" if shown.drill_run else ""
        print(f"#{shown.id}  {shown.severity}  {shown.state}  {shown.title}{mark}")
        print(f"    lead {shown.lead}; next update: {shown.next_update}")
        print(f"    first word: inside {shown.first_internal}; outside {shown.first_public}")


@incident_app.command()
def show(incident_id: Id, db: DbOption = None, plan: PlanOption = None) -> None:
    """One incident: the promise in force, time to first word, and its timeline."""
    from standby.incidents import service
    from standby.incidents.view import view

    with _session(db, plan) as (session, loaded, now):
        shown = view(session, service.get(session, incident_id), plan=loaded, now=now)
    print(
        f"#{shown.id}  {shown.title}{f'  (DRILL: drill run #{shown.drill_run})' if shown.drill_run else ''}"
    )
    print(f"    state:        {shown.state} ({shown.severity})")
    print(f"    systems:      {', '.join(shown.systems)}")
    print(f"    lead:         {shown.lead}; opened {shown.opened}")
    print(f"    next update:  {shown.next_update}")
    print(f"    first word:   inside {shown.first_internal}; outside {shown.first_public}")
    print(f"    outside:      {shown.outside}")
    print("\nWho heard (only a delivered message counts):")
    for line in shown.heard or ["nobody has been sent anything yet"]:
        print(f"  {line}")
    print(f"\nTimeline ({plural(shown.updates, 'update')}):")
    for entry in shown.timeline:
        print(f"  {entry.at}  {entry.kind:<14} {entry.text}")


def _print_preview(preview: Preview) -> None:
    for warning in preview.warnings:
        print(f"WARNING: {warning}")
    for outside in (False, True):
        print(f"##### {'Outside the company' if outside else 'Inside the company'}")
        if outside:
            page = f" ({preview.status_page})" if preview.status_page else ""
            print(f"Public text{page}:\n{preview.public_text}\n")
        for d in (d for d in preview.deliveries if d.external == outside):
            status = "would be queued" if d.goes else "NOT SENT (external: needs --publish)"
            whom = ", ".join(d.reachable) or "nobody it can reach"
            print(f"=== {d.audience}: {status} for {whom}")
            for line in d.unreachable:
                print(f"    cannot reach {line}")
            for line in d.failing:
                print(f"    failing lately: {line}")
            if d.error:
                print(f"    (the plan's template failed, the default is used: {d.error})")
            print(f"Subject: {d.subject}\n\n{d.body}")
    print("Preview only: nothing was sent.")


def register(app: typer.Typer) -> None:
    app.add_typer(incident_app, name="incident")
