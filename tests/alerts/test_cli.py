"""`standby alerts`, `standby ack`, `standby confirm`: clear output, exit 1 on a user's mistake."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from standby.cli import main
from standby.core.expiry import iso
from standby.engine.models import PlanLoad
from tests.alerts.conftest import T0, World


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_alerts_lists_who_has_each_alert_what_happens_next_and_what_was_not_delivered(
    world: World, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world.check("critical")
    world.smtp.reject = "550 5.1.1 no such mailbox"
    world.at(1)
    world.at(2)
    code, out, _ = run(capsys, "alerts", "--db", db_url)
    assert code == 0
    assert "#1  critical  endpoint:demo-page  (open)" in out
    assert "since 2025-06-02 09:00 EDT" in out and "owner Dana Reyes" in out
    assert "waiting for Dana Reyes to acknowledge; next, at 2025-06-02 09:30 EDT: Lee Park is told" in out
    assert "NOT DELIVERED: Dana Reyes by dana@acme.example: SMTP relay" in out


def test_alerts_says_so_when_nothing_is_open(
    world: World, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world.check("critical")
    world.check("ok")
    assert run(capsys, "alerts", "--db", db_url)[1] == "No open alerts.\n"
    assert "(resolved)" in run(capsys, "alerts", "--db", db_url, "--all")[1]


def running(world: World, tmp_path: Path) -> Path:
    """The plan file, as `standby serve` records it when it loads it into the database."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(world.data))
    with world.sessions.begin() as session:
        session.add(PlanLoad(path=str(plan), sha256="0" * 64, loaded_at=T0, valid=True, messages=[]))
    return plan


def test_ack_acknowledges_from_the_command_line_and_refuses_unknown_people_and_alerts(
    world: World, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(world.data))
    world.check("critical")
    code, _, err = run(capsys, "ack", "1", "--by", "dnaa", "--db", db_url, "--plan", str(plan))
    assert (code, err) == (1, f"error: --by 'dnaa': not a person in {plan} (did you mean 'dana'?)\n")
    code, _, err = run(capsys, "ack", "1", "--by", "dana", "--db", db_url)  # no plan given, none ran
    assert (code, err) == (1, "error: no plan has run against this database yet: give --plan PLAN\n")
    running(world, tmp_path)
    code, _, err = run(capsys, "ack", "1", "--by", "dna", "--db", db_url)  # the engine's plan is checked
    assert (code, err) == (1, f"error: --by 'dna': not a person in {plan} (did you mean 'dana'?)\n")
    assert world.alert().state == "open"
    code, _, err = run(capsys, "ack", "9", "--by", "dana", "--db", db_url)
    assert (code, err) == (1, "error: there is no alert #9; `standby alerts --all` lists them\n")
    code, out, _ = run(capsys, "ack", "1", "--by", "dana", "--db", db_url, "--plan", str(plan))
    assert (code, out) == (
        0,
        "Acknowledged alert #1 (endpoint:demo-page) as Dana Reyes; the escalation stopped.\n",
    )
    assert world.alert().acknowledged_by == "dana"
    code, out, _ = run(capsys, "ack", "1", "--by", "lee", "--db", db_url)
    assert code == 0 and out.startswith("Alert #1 was already acknowledged by Dana Reyes at ")


def test_confirm_records_the_renewal_and_resolves_its_alert(
    world: World, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    details = {"expires_at": iso(T0 + timedelta(days=20)), "days_left": 20}
    world.check("ok", asset="domain:acme.example", check="registration", details=details)
    world.at(0)  # 20 days left, past confirm_by (30d): the confirmation alert is open
    assert world.alert().reason == "confirmation"
    running(world, tmp_path)
    code, out, _ = run(capsys, "confirm", "acme.example", "--by", "dana", "--how", "renewed", "--db", db_url)
    assert (code, out) == (0, "Confirmed: acme.example is renewed. No more reminders for this expiry date.\n")
    assert world.alert().state == "resolved"
    code, out, _ = run(capsys, "confirm", "acme.example", "--by", "lee", "--how", "renewed", "--db", db_url)
    assert code == 0 and "already confirmed by dana" in out


def test_confirm_explains_an_asset_it_does_not_track_and_a_wrong_answer(
    world: World, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running(world, tmp_path)
    code, _, err = run(capsys, "confirm", "nope.example", "--by", "dana", "--how", "renewed", "--db", db_url)
    assert code == 1 and "no renewal cycle for 'nope.example'" in err
    code, _, err = run(capsys, "confirm", "acme.example", "--by", "dana", "--how", "maybe", "--db", db_url)
    assert code == 1 and "'maybe' is not one of 'renewed', 'auto-renew'" in err


def test_the_commands_ask_for_an_upgraded_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "alerts", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 1 and "run `standby db upgrade`" in err
