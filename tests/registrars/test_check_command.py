"""`standby check` shows the registrar check beside the registry's, as a user runs it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from standby.cli import main
from standby.core.clock import SystemClock
from tests.peers.internet import FakeInternet
from tests.peers.registrars import CloudflareFake

NOW = datetime.now(UTC)  # `standby check` reads the real clock


def test_check_reports_what_the_registrar_says(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with FakeInternet(NOW, tmp_path) as internet, CloudflareFake(SystemClock()) as cloudflare:
        internet.add_domain("acme.example", days_left=200)
        internet.add_domain("other.example", days_left=200)
        cloudflare.add("acme.example", expires=NOW + timedelta(days=200), auto_renew=False)
        account = {"id": "cf", "kind": "cloudflare", "token": "cf-token", "account_id": "023e105f4ecef8ad",
                   "base_url": cloudflare.url}  # fmt: skip
        data = internet.plan(registrars=[account], vendors=[])
        path = tmp_path / "plan.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        code = main(["check", str(path), "--format", "json", "--only", "domain"])
    found = {(f["asset"], f["check"]): f for f in json.loads(capsys.readouterr().out)["findings"]}
    acme = found[("domain:acme.example", "registrar")]
    assert acme["status"] == "warning" and "auto-renew is off at Cloudflare (cf)" in acme["summary"]
    other = found[("domain:other.example", "registrar")]
    assert other["status"] == "unknown" and other["summary"].startswith("renewal unverified")
    assert found[("domain:acme.example", "registration")]["status"] == "ok"
    assert code == 3  # unknown outranks warning in the exit code, as for any check
