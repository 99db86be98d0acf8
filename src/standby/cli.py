"""The `standby` command: a Typer root to which each feature adds its own commands (part of the
wiring, like standby/app/: it may import any package, and nothing imports it).

Exit codes: commands return their own (see `standby check`); a user mistake prints a message and
exits 1; an unexpected error is a bug in Standby and exits 3 with a traceback to report.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer

from standby import __version__
from standby.alerts.cli import register as register_alerts
from standby.app.cli import register as register_process
from standby.backups.cli import register as register_backups
from standby.check.cli import JobsFor
from standby.check.cli import register as register_check
from standby.core.errors import StandbyError
from standby.discovery.cli import register as register_discovery
from standby.engine.cli import register as register_engine
from standby.incidents.cli import incident_app
from standby.incidents.cli import register as register_incidents
from standby.leads.cli import register as register_leads
from standby.plan.cli import register as register_plan
from standby.recovery.dns.cli import register as register_recovery
from standby.recovery.drills.cli import register as register_drills
from standby.recovery.notify_cli import register as register_notify
from standby.recovery.reports.cli import register as register_incident_report
from standby.recovery.runbook.cli import register as register_runbook
from standby.statuspage.cli import register as register_status_page
from standby.store.cli import register as register_store
from standby.web.auth.cli import register as register_auth

if TYPE_CHECKING:
    from standby.alerts.service import Acknowledged


def _acknowledged() -> Sequence[Acknowledged]:
    from standby.app.subscribers import ACKNOWLEDGED  # every feature: loaded for `standby ack` only

    return ACKNOWLEDGED


def _check_jobs() -> JobsFor:
    from standby.app.monitors import check_jobs  # probes, registrars: loaded only when `check` runs

    return check_jobs


app = typer.Typer(
    name="standby",
    help="See the lapse coming, know who owns it, tell everyone fast, keep working on Plan B.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
register_plan(app)
register_check(app, jobs=_check_jobs)
register_discovery(app)
register_store(app)
register_alerts(app, followers=_acknowledged)
register_incidents(app)
register_incident_report(incident_app)
register_status_page(app)
register_leads(app)
register_backups(app)
register_recovery(app)
register_runbook(app)
register_notify(app)
register_drills(app)
register_process(app)
register_engine(app)
register_auth(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"standby {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    pass


def main(argv: Sequence[str] | None = None) -> int:
    try:
        result = app(
            args=list(argv) if argv is not None else None, prog_name="standby", standalone_mode=False
        )
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        return 130
    except StandbyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - anything else is our bug: say so and show where
        if _is_usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            return 1
        traceback.print_exc()
        print("\nThis is a bug in Standby; please report it with the traceback above.", file=sys.stderr)
        return 3
    return result if isinstance(result, int) else 0


def _is_usage_error(exc: Exception) -> bool:
    # Typer vendors Click privately; its ClickException (bad option, missing argument) has `show()`.
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)
