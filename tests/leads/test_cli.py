"""`standby leads list|show|export|replay|retry-failed` and `standby pages build`, as a user runs them."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from standby.cli import main
from tests.leads.conftest import World
from tests.leads.test_replay import capture

Capture = pytest.CaptureFixture[str]


def plan_file(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The world's plan as a user writes it: secrets from the environment."""
    data = copy.deepcopy(world.data)
    for form in data["forms"]:
        for kind, name in (("marketo", "client_secret"), ("hubspot", "token"), ("webhook", "secret")):
            if kind in form["destination"]:
                variable = f"{form['id'].upper().replace('-', '_')}_{name.upper()}"
                monkeypatch.setenv(variable, form["destination"][kind][name])
                form["destination"][kind][name] = f"${{{variable}}}"
    data["settings"]["base_url"] = "https://forms.acme-backup.example"
    data["fallback"] = {"pages_url": "https://pages.acme-backup.example"}
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_show_and_export_say_what_became_of_each_lead(
    world: World, db_url: str, capsys: Capture
) -> None:
    first, second = capture(
        world, "demo-request",
        {"email": "ana@example.org", "firstName": "=HYPERLINK(\"http://evil.example\",\"x\")", "company": "+cmd|' /C calc'!A0"},
        {"email": "li@example.net", "firstName": "Li", "company": "-2+3"},
    )  # fmt: skip
    code, out, _ = run(capsys, "leads", "list", "--db", db_url)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [second, first]  # newest first
    assert "ana@example.org" in out and "pending" in out
    code, out, _ = run(capsys, "leads", "show", first, "--db", db_url)
    assert code == 0 and "firstName: =HYPERLINK" in out and "state:      pending" in out
    code, out, _ = run(capsys, "leads", "export", "--csv", "--db", db_url)
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:4] == ["id", "form", "received_at", "state"]
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells and "'+cmd|' /C calc'!A0" in cells
    assert "'-2+3" in cells and not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    code, out, _ = run(capsys, "leads", "export", "--form", "demo-request", "--db", db_url)
    assert [json.loads(line)["id"] for line in out.splitlines()] == [first, second]
    assert json.loads(out.splitlines()[0])["fields"]["firstName"].startswith(
        "=HYPERLINK"
    )  # JSON keeps it as is


def test_mistakes_are_messages(world: World, db_url: str, capsys: Capture) -> None:
    assert run(capsys, "leads", "show", "sub_nope", "--db", db_url)[2].startswith(
        "error: there is no submission"
    )
    assert "unknown state 'lost'" in run(capsys, "leads", "list", "--state", "lost", "--db", db_url)[2]
    assert "No submissions." in run(capsys, "leads", "list", "--db", db_url)[1]


def test_replay_by_hand_then_retry_failed(
    world: World, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    plan = str(plan_file(world, tmp_path, monkeypatch))
    capture(world, "demo-request", {"email": "ana@example.org"}, {"email": "li@example.net"})
    world.mkto.refuse("li@example.net", "1003", "Invalid data")
    code, out, _ = run(capsys, "leads", "replay", plan, "--form", "demo-request", "--db", db_url)
    assert (code, out) == (0, "demo-request: 1 delivered, 1 skipped\n")
    world.mkto.down("503")
    capture(world, "demo-request", {"email": "kim@example.com"})
    code, out, _ = run(capsys, "leads", "replay", plan, "--form", "demo-request", "--db", db_url)
    assert (
        code == 1
        and "demo-request: nothing to send; down: Marketo is still down" in out
        and "next try" in out
    )
    world.mkto.up()
    world.mkto.db.refuse.clear()
    code, out, _ = run(capsys, "leads", "retry-failed", "--form", "demo-request", "--skipped", "--db", db_url)
    assert out == "1 failed and skipped lead of demo-request back in the queue.\n"
    code, out, _ = run(capsys, "leads", "replay", plan, "--form", "demo-request", "--db", db_url)
    assert (code, out) == (0, "demo-request: 2 delivered\n")
    assert run(capsys, "leads", "replay", plan, "--form", "nope", "--db", db_url)[2].startswith(
        "error: unknown form 'nope'"
    )


def test_pages_build_writes_pages_and_scripts_that_post_to_standby(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    plan = str(plan_file(world, tmp_path, monkeypatch))
    site = tmp_path / "site"
    code, out, _ = run(capsys, "pages", "build", plan, "--out", str(site))
    assert code == 0 and "Request a demo: https://pages.acme-backup.example/p/demo-request/" in out
    page = (site / "p" / "demo-request" / "index.html").read_text()
    assert 'action="https://forms.acme-backup.example/f/demo-request"' in page
    assert "<script" not in page and "http" not in page.replace(
        "https://forms.acme-backup.example/f/demo-request", ""
    )
    script = (site / "f" / "demo-request.js").read_text()
    assert '"capture": "https://forms.acme-backup.example"' in script
    assert (site / "p" / "demo-request" / "thanks" / "index.html").exists()
    code, _, err = run(capsys, "pages", "build", plan)
    assert code == 1 and "nowhere to publish" in err
