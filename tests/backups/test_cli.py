"""`standby backup run|list|verify|diff|restore` as people type them, with their exit codes: 0 ok,
1 a problem found, 2 could not run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from standby.cli import main
from tests.backups.conftest import seed_marketo
from tests.peers.marketo_backup import MarketoBackupFake


@pytest.fixture
def live() -> Iterator[MarketoBackupFake]:
    """On the real clock: the commands run as they would for a person (REST only: no bulk waits)."""
    with MarketoBackupFake() as fake:
        seed_marketo(fake, 2000)
        yield fake


@pytest.fixture
def plan(live: MarketoBackupFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MKTO_SECRET", live.client_secret)
    monkeypatch.setenv("BACKUP_KEY", "correct horse battery staple")
    path = tmp_path / "standby.yaml"
    path.write_text(
        f"""
version: 1
organization: Acme
settings: {{cache_dir: {tmp_path}/cache}}
people: [{{id: dana, email: dana@example.org}}]
backups:
  - id: mkto
    name: Marketo lists
    owner: dana
    source:
      marketo: {{munchkin_id: 123-ABC-456, client_id: {live.client_id}, client_secret: "${{MKTO_SECRET}}",
                 base_url: "{live.url}"}}
    lists: [Hot leads, Customers EMEA]
    target: {{url: {tmp_path}/target}}
    encrypt: true
    key: ${{BACKUP_KEY}}
"""
    )
    return path


def test_run_prints_one_line_per_list_then_the_snapshot(
    plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "run", "--plan", str(plan)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[:2] == ["mkto: Hot leads: 250 rows", "mkto: Customers EMEA: 700 rows"]
    assert lines[2].startswith("mkto: snapshot ") and " complete: 2 lists; " in lines[2]
    assert "is a directory on this machine" in err  # validate's warning, shown as the plan loads


def test_list_verify_restore_and_diff_after_two_runs(
    plan: Path, tmp_path: Path, live: MarketoBackupFake, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "run", "mkto", "--plan", str(plan)]) == 0
    live.db.lists[5001].members.pop()
    assert main(["backup", "run", "mkto", "--plan", str(plan)]) == 0
    capsys.readouterr()
    assert main(["backup", "list", "--plan", str(plan)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("mkto (Marketo lists) at ") and listing[0].endswith(": 2 snapshots")
    assert "complete" in listing[1] and "Hot leads 249, Customers EMEA 700" in listing[1]
    assert main(["backup", "verify", "mkto", "--plan", str(plan)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("all 2 files match")
    first, second = (line.split()[0] for line in reversed(listing[1:3]))
    assert main(["backup", "diff", f"mkto/{first}", f"mkto/{second}", "--plan", str(plan), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["added"], c["removed"]) for c in found["lists"]] == [
        ("Hot leads", 0, 1),
        ("Customers EMEA", 0, 0),
    ]
    out = tmp_path / "hot.csv"
    code = main(
        [
            "backup",
            "restore",
            f"mkto/{first}",
            "--list",
            "hot leads",
            "--to",
            str(out),
            "--format",
            "hubspot",
            "--plan",
            str(plan),
        ]
    )
    assert code == 0 and "wrote 250 rows" in capsys.readouterr().out
    assert out.read_text().splitlines()[0].startswith("Email,First Name,Last Name,Company Name")


def test_verify_finds_a_changed_file_and_exits_1(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "run", "--plan", str(plan)]) == 0
    stored = next((tmp_path / "target" / "mkto").glob("*/lists/5001.csv.gz.enc"))
    data = bytearray(stored.read_bytes())
    data[100] ^= 0xFF
    stored.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["backup", "verify", "mkto", "--plan", str(plan)]) == 1
    out = capsys.readouterr().out
    assert "BAD lists/5001.csv.gz.enc" in out and "does not match the manifest" in out
    code = main(
        [
            "backup",
            "restore",
            "mkto",
            "--list",
            "Hot leads",
            "--to",
            str(tmp_path / "x.csv"),
            "--plan",
            str(plan),
        ]
    )
    assert code == 1 and not (tmp_path / "x.csv").exists() and not (tmp_path / "x.csv.partial").exists()


def test_a_platform_that_is_down_makes_the_run_exit_2_and_leaves_a_failed_snapshot(
    plan: Path, live: MarketoBackupFake, capsys: pytest.CaptureFixture[str]
) -> None:
    live.down("503")
    assert main(["backup", "run", "--plan", str(plan)]) == 2
    assert "mkto: failed: mkto: " in capsys.readouterr().err
    live.up()
    assert main(["backup", "list", "--plan", str(plan)]) == 0
    assert " failed " in capsys.readouterr().out


def test_mistakes_are_messages_with_exit_2(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "run", "mkt", "--plan", str(plan)]) == 2
    assert "no backup 'mkt' in the plan (did you mean 'mkto'?)" in capsys.readouterr().err
    assert main(["backup", "verify", "mkto/2031", "--plan", str(plan)]) == 2
    assert "has no snapshot at" in capsys.readouterr().err
    assert main(["backup", "restore", "mkto", "--to", str(tmp_path / "x.csv"), "--plan", str(plan)]) == 2
    assert "give --list NAME or --leads" in capsys.readouterr().err
    assert main(["backup", "list", "--plan", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
