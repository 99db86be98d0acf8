"""`standby incident ...`: open, update (with --preview and --publish), resolve, list, show; user
mistakes print why and exit 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from standby.channels.models import Message
from standby.cli import main
from standby.engine.models import PlanLoad
from standby.store.db import make_engine, session_factory
from tests.incidents.conftest import T0, plan_data

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[str, Path]:
    db = f"sqlite:///{tmp_path / 'standby.db'}"
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        yaml.safe_dump(plan_data("smtp://127.0.0.1:2525", "json://127.0.0.1:9/hook", tmp_path / "site"))
    )
    assert main(["db", "upgrade", "--db", db]) == 0
    return db, plan


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def opened(setup: tuple[str, Path], capsys: Capture) -> None:
    db, plan = setup
    args = ["incident", "open", "--title", "Leads are not arriving", "--systems", "marketo", "--by", "lee"]
    code, out, _ = run(capsys, *args, "--db", db, "--plan", str(plan))
    assert code == 0, out
    assert out.startswith(
        "Opened incident #1: queued for marketing: Dana Reyes, Sam Ortiz; queued for sales: the sales "
        "audience; not sent to customers (not published"
    )
    assert out.rstrip().endswith("`standby incident show 1` says who heard once it is delivered")


def test_open_update_and_show_an_incident(setup: tuple[str, Path], capsys: Capture) -> None:
    db, plan = setup
    opened(setup, capsys)
    code, out, _ = run(
        capsys, "incident", "update", "1", "--know", "Marketo answers 503.", "--dont-know", "When it is back.",
        "--next", "30m", "--state", "identified", "--db", db, "--plan", str(plan),
    )  # fmt: skip
    assert code == 0 and out.startswith("Posted update to incident #1: queued for marketing: Dana Reyes")
    code, out, _ = run(capsys, "incident", "show", "1", "--db", db, "--plan", str(plan))
    assert code == 0
    assert "state:        identified (major)" in out and "lead:         Dana Reyes" in out
    assert re.search(r"next update:  due \d{4}-\d\d-\d\d \d\d:\d\d E[SD]T, in (29|30) min", out), out
    # Nothing was delivered (no engine ran the outbox): nobody heard, whatever was queued.
    assert "first word:   inside not yet — nobody reached; outside not yet — nobody reached" in out
    assert "not open to external audiences (publish to tell them); not on the status page yet" in out
    assert "  marketing: told nobody; not told: Dana Reyes (dana@acme.example: sending)" in out
    assert "investigating → identified" in out and "Timeline (2 updates):" in out
    code, out, _ = run(capsys, "incident", "list", "--db", db, "--plan", str(plan))
    assert out.startswith(
        "#1  major  identified  Leads are not arriving\n    lead Dana Reyes; next update: due"
    )


def test_preview_shows_each_audience_and_sends_nothing(setup: tuple[str, Path], capsys: Capture) -> None:
    db, plan = setup
    opened(setup, capsys)
    code, out, _ = run(
        capsys, "incident", "update", "1", "--know", "Marketo answers 503.", "--dont-know", "When.",
        "--next", "20m", "--preview", "--db", db, "--plan", str(plan),
    )  # fmt: skip
    assert code == 0
    assert "=== marketing: would be queued for Dana Reyes (dana@acme.example), Sam Ortiz" in out
    inside, outside = out.split("##### Outside the company")
    assert "Marketo answers 503." in inside and "Marketo answers 503." not in outside
    assert (
        "Public text (the status page shows it only once it is published):\nWe are investigating" in outside
    )
    assert "=== customers: NOT SENT (external: needs --publish) for Pat Partner" in outside
    assert "Subject: Acme Corp: Problems with Marketo forms (investigating)" in outside
    assert out.rstrip().endswith("Preview only: nothing was sent.")
    sessions = session_factory(make_engine(db))
    with sessions() as session:
        assert len(session.scalars(select(Message)).all()) == 3  # the opening's messages only


def test_publish_and_resolve(setup: tuple[str, Path], capsys: Capture) -> None:
    db, plan = setup
    opened(setup, capsys)
    code, out, _ = run(
        capsys, "incident", "update", "1", "--know", "Marketo answers 503.", "--dont-know", "When.", "--next",
        "20m", "--publish", "--db", db, "--plan", str(plan),
    )  # fmt: skip
    assert code == 0 and "queued for customers (outside): Pat Partner" in out
    code, out, _ = run(
        capsys, "incident", "resolve", "1", "--know", "Fixed.", "--db", db, "--plan", str(plan)
    )
    assert code == 0 and out.startswith("Resolved incident #1") and "said only that it is resolved" in out
    code, out, _ = run(capsys, "incident", "list", "--db", db, "--plan", str(plan))
    assert out == "No open incidents.\n"


def test_the_plan_defaults_to_the_one_the_engine_runs(setup: tuple[str, Path], capsys: Capture) -> None:
    db, plan = setup
    code, _, err = run(capsys, "incident", "list", "--db", db)
    assert code == 1 and "no plan has run against this database yet: give --plan PLAN" in err
    with session_factory(make_engine(db)).begin() as session:
        session.add(PlanLoad(path=str(plan), sha256="0" * 64, loaded_at=T0, valid=True, messages=[]))
    assert run(capsys, "incident", "list", "--db", db)[:2] == (0, "No open incidents.\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["open", "--title", "x", "--systems", "marketoo"],
            "'marketoo' is not a system in the plan (did you mean",
        ),
        (["open", "--title", "x", "--systems", "marketo", "--by", "dnaa"], "not a person in the plan"),
        (["open", "--title", "x", "--systems", "marketo", "--severity", "huge"], "unknown severity 'huge'"),
        (["update", "7", "--know", "k", "--dont-know", "d"], "there is no incident #7"),
        (
            ["update", "1", "--know", "k", "--dont-know", "d", "--next", "soon"],
            "--next: 'soon' is not a duration",
        ),
        (["update", "1", "--know", "k", "--dont-know", "d", "--state", "fixed"], "unknown state 'fixed'"),
        (
            ["update", "1", "--know", "k", "--dont-know", "d", "--next", "9m", "--state", "resolved"],
            "an update does not resolve an incident: a person does, with `standby incident resolve",
        ),
    ],
)
def test_mistakes_say_why_and_exit_1(
    setup: tuple[str, Path], capsys: Capture, argv: list[str], message: str
) -> None:
    db, plan = setup
    opened(setup, capsys)
    code, _, err = run(capsys, "incident", *argv, "--db", db, "--plan", str(plan))
    assert code == 1 and message in err, err
