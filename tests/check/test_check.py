"""`standby check` end to end: a plan pointing at a fake internet on 127.0.0.1, as a user runs it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from standby.cli import main
from tests.peers.dns import DnsPeer
from tests.peers.internet import FakeInternet

NOW = datetime.now(UTC)  # `standby check` reads the real clock; dates are built around it


@pytest.fixture
def internet(tmp_path: Path) -> Iterator[FakeInternet]:
    with FakeInternet(NOW, tmp_path) as net:
        net.add_domain("acme.example")
        net.add_endpoint("demo-page", "go.acme.example", "/demo", contains=["Request a demo"])
        yield net


def run_json(plan: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", str(plan), "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def by_check(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["asset"], f["check"]): f for f in document["findings"]}


def test_a_healthy_plan_is_ok_and_exits_0(internet: FakeInternet, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_json(internet.write_plan(), capsys)
    assert code == 0, doc
    assert doc["status"] == "ok" and doc["standby"]
    assert datetime.fromisoformat(doc["checked_at"].replace("Z", "+00:00")) >= NOW
    found = by_check(doc)
    assert set(found) == {
        ("domain:acme.example", "registration"),
        ("domain:acme.example", "delegation"),
        ("endpoint:demo-page", "http"),
        ("vendor:marketo", "statuspage"),
    }
    registration = found[("domain:acme.example", "registration")]
    assert registration["details"]["days_left"] in (199, 200)
    assert registration["details"]["expires_at"].endswith("Z")
    assert registration["owner"] == "dana" and registration["kind"] == "domain"


def test_the_marketo_lapse_is_critical_on_every_side_even_though_the_page_answers_200(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str]
) -> None:
    internet.lapse_like_marketo("acme.example")
    internet.park("go.acme.example", "/demo")
    code, doc = run_json(internet.write_plan(), capsys)
    assert code == 2
    assert doc["status"] == "critical"
    found = by_check(doc)
    registration = found[("domain:acme.example", "registration")]
    assert registration["status"] == "critical"
    assert (
        "auto-renewed" in registration["summary"] and "pendingrenewaldeletion.com" in registration["summary"]
    )
    assert registration["details"]["days_left"] >= 360  # the registry's date looks fine: that is the trap
    delegation = found[("domain:acme.example", "delegation")]
    assert delegation["status"] == "critical"
    assert delegation["details"]["nameservers"] == [
        "ns1.pendingrenewaldeletion.com",
        "ns2.pendingrenewaldeletion.com",
    ]
    page = found[("endpoint:demo-page", "http")]
    assert page["status"] == "critical" and page["details"]["status_code"] == 200
    assert "the delegation agrees" in page["summary"]
    assert doc["findings"][-1]["status"] != "critical" or all(
        f["status"] == "critical" for f in doc["findings"]
    )


def test_a_vendor_outage_is_critical_and_findings_are_sorted_by_urgency(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str]
) -> None:
    internet.vendor.set_component("Marketo Engage", "major_outage")
    internet.add_domain("old.example", days_left=-3)
    code, doc = run_json(internet.write_plan(), capsys)
    assert code == 2
    statuses = [f["status"] for f in doc["findings"]]
    urgency = {"critical": 3, "unknown": 2, "warning": 1, "ok": 0}
    assert statuses == sorted(statuses, key=lambda s: -urgency[s])
    found = by_check(doc)
    assert found[("vendor:marketo", "statuspage")]["status"] == "critical"
    assert found[("domain:old.example", "registration")]["details"]["days_left"] == -4  # 3 days and a bit


def test_an_unreachable_registry_is_unknown_and_exits_3(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = internet.plan()
    plan["settings"]["rdap_servers"] = {"example": "http://127.0.0.1:9/rdap/"}  # nothing listens there
    path = internet.directory / "plan.yaml"
    path.write_text(json.dumps(plan))
    code, doc = run_json(path, capsys, "--only", "domain")
    assert code == 3
    registration = by_check(doc)[("domain:acme.example", "registration")]
    assert registration["status"] == "unknown"
    assert registration["details"]["days_left"] is None


def test_only_filters_by_kind(internet: FakeInternet, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = run_json(internet.write_plan(), capsys, "--only", "endpoint,vendor")
    assert {f["kind"] for f in doc["findings"]} == {"endpoint", "vendor"}


def test_an_unknown_kind_is_a_user_error(internet: FakeInternet, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(internet.write_plan()), "--only", "domians"]) == 1
    assert "not a kind" in capsys.readouterr().err


def test_a_broken_plan_exits_1_with_its_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("version: 1\norganization: Acme\ndomains:\n  - name: acme.example\n    ownr: dana\n")
    assert main(["check", str(plan)]) == 1
    err = capsys.readouterr().err
    assert f"{plan}:5:5 domains[0].ownr: unknown field 'ownr'" in err
    assert "Traceback" not in err


def test_the_table_shows_every_finding_with_a_summary_line(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    internet.lapse_like_marketo("acme.example")
    assert main(["check", str(internet.write_plan())]) == 2
    out = capsys.readouterr().out
    assert "domain:acme.example" in out and "registration" in out
    assert out.strip().splitlines()[-1].startswith("CRITICAL:")


def test_piped_output_gives_each_finding_one_line_however_long_its_summary(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # a narrow terminal's width must not fold a file's lines
    internet.lapse_like_marketo("acme.example")
    assert main(["check", str(internet.write_plan())]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split() == ["status", "asset", "check", "days", "owner", "summary"]
    assert len(lines) == 1 + 4 + 1  # the header, one line per finding, the verdict
    registration = next(line for line in lines if " registration " in line)
    assert registration.startswith("critical") and "auto-renewed" in registration and len(registration) > 150


def test_a_blind_standby_says_so_once_and_blames_no_asset(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str]
) -> None:
    internet.endpoints[0].pop("address")  # go.acme.example is looked up through Standby's resolver
    internet.resolver.add("go.acme.example", "A", "127.0.0.1")
    internet.resolver.fail(None, "drop")  # which answers nothing at all
    code, doc = run_json(internet.write_plan(), capsys)
    assert doc["sight"]["seeing"] is False
    blind = f"Standby cannot resolve names: its resolvers {internet.resolver.address} do not answer"
    assert doc["sight"]["summary"] == blind
    page = by_check(doc)[("endpoint:demo-page", "http")]
    assert (page["status"], page["summary"], page["details"]["local"]) == ("unknown", blind, "resolvers")
    assert all(f["status"] != "critical" for f in doc["findings"]) and code == 3


def test_a_resolver_that_denies_every_name_makes_standby_blind_not_the_domain_gone(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A sandbox's resolver: NXDOMAIN for every name, the root zone too. It answers, promptly, and
    # every answer is false; what it denies says nothing about acme.example.
    internet.endpoints[0].pop("address")  # go.acme.example is looked up through Standby's resolver
    with DnsPeer(recursive=True, root=False) as denier:
        plan = internet.plan(dns=[{"name": "acme.example", "type": "NS", "owner": "dana"}])
        plan["settings"]["resolvers"] = [denier.address]
        path = tmp_path / "denied.yaml"
        path.write_text(yaml.safe_dump(plan))
        code, doc = run_json(path, capsys)
        assert denier.asked(".", "NS")  # the self-check asked for the root zone
        assert main(["check", str(path)]) == 3
        table = " ".join(capsys.readouterr().out.split())
        address = denier.address

    blind = (
        f"Standby cannot resolve names: its resolvers {address} say the root zone does not exist "
        "(NXDOMAIN); no working resolver says that"
    )
    assert doc["sight"] == {"seeing": False, "summary": blind, "cause": "resolvers"}
    assert table.startswith(f"Standby is blind: {blind}. The checks that failed for this reason")
    found = by_check(doc)
    for key in (("dns:acme.example/NS", "dns"), ("endpoint:demo-page", "http")):
        finding = found[key]
        assert (finding["status"], finding["details"]["local"]) == ("unknown", "resolvers"), finding
        assert "Standby's own self-check fails" in finding["summary"]
    assert all(f["status"] != "critical" for f in doc["findings"]) and code == 3


def test_a_name_a_working_resolver_denies_is_critical(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str]
) -> None:
    # The resolver knows the root zone (Standby sees) but not acme.example: the domain's names are
    # gone, as when a registry deletes a lapsed domain. That is the asset's outage, said as one.
    internet.endpoints[0].pop("address")
    path = internet.write_plan(dns=[{"name": "acme.example", "type": "NS", "owner": "dana"}])
    code, doc = run_json(path, capsys)
    assert doc["sight"]["seeing"] is True and code == 2
    found = by_check(doc)
    records = found[("dns:acme.example/NS", "dns")]
    assert records["status"] == "critical" and "local" not in records["details"]
    assert records["summary"].startswith("acme.example does not exist (NXDOMAIN)")
    page = found[("endpoint:demo-page", "http")]
    assert page["status"] == "critical"
    assert page["summary"].endswith("is down: go.acme.example has no address (no A or AAAA record)")
    assert page["details"]["unresolved"] is True


def test_a_deleted_domain_is_critical_and_the_table_says_free_and_what_the_registry_said(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    del internet.rdap.domains["acme.example"]  # the registry answers 404: nobody holds the name
    assert main(["check", str(internet.write_plan())]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "acme.example is not registered: deleted and available for registration by anyone" in out
    assert "free — 127.0.0.1:" in out and "said: 'HTTP 404 Not Found for" in out


def test_the_json_says_registered_and_the_line_it_read(
    internet: FakeInternet, capsys: pytest.CaptureFixture[str]
) -> None:
    _, doc = run_json(internet.write_plan(), capsys)
    details = by_check(doc)[("domain:acme.example", "registration")]["details"]
    assert details["availability"] == "registered"
    assert details["evidence"].lower().startswith("rdap domain object 'acme.example', expiration ")
    assert details["registry_answer"].startswith("registered — 127.0.0.1:")
