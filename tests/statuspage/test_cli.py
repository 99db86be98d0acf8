"""`standby status-page render PLAN --out DIR` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from standby.cli import main

PLAN = """\
version: 1
organization: Acme
people: [{id: dana, email: dana@acme-mail.example}]
vendors: [{id: marketo, name: Marketo, owner: dana}]
status_page:
  url: https://status.acme-status.example
  components: [{asset: "vendor:marketo", name: Marketo forms}]
"""


def test_render_writes_a_preview_with_every_component_operational(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    assert main(["status-page", "render", str(plan), "--out", str(tmp_path / "site")]) == 0
    assert "wrote 7 files" in capsys.readouterr().out
    summary = json.loads((tmp_path / "site/api/v2/summary.json").read_text())
    assert [(c["name"], c["status"]) for c in summary["components"]] == [("Marketo forms", "operational")]
    assert summary["page"]["name"] == "Acme status"
    assert "Marketo forms" in (tmp_path / "site/index.html").read_text()


def test_render_without_a_status_page_section_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.split("status_page:")[0])
    assert main(["status-page", "render", str(plan), "--out", str(tmp_path / "site")]) == 1
    assert "the plan has no status_page section" in capsys.readouterr().err
