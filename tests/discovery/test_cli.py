"""`standby discover` against a local site and DNS server, as a user runs it: the report lists exactly
the outside domains and vendors, and the snippet adds exactly them and validates with the plan."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from standby.cli import main
from tests.discovery.site import EXPECTED, Site, local_site


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with local_site(tmp_path) as running:
        yield running


def test_it_lists_the_outside_domains_and_vendors_and_what_nobody_watches(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["discover", "--plan", str(site.write_plan())])
    out = capsys.readouterr().out
    assert code == 1, out
    for domain in EXPECTED:
        assert f"  {domain}" in out and "NOT WATCHED" in out
    assert "go.acme.example is an alias of acme.lp.formvendor.example → edge.formvendor-cdn.example" in out
    assert "info.acme.example is an alias of acme.mktoweb.com" in out
    assert "Adobe Marketo Engage: Munchkin tracking script" in out and "HubSpot" in out
    assert f"{len(EXPECTED)} outside domain(s) nobody watches" in out
    assert not re.search(r"^\s+acme\.example\s", out, re.M)  # its own domain is not outside


def test_the_snippet_adds_exactly_them_and_the_plan_with_it_validates(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = site.write_plan()
    snippet = tmp_path / "snippet.yaml"
    assert main(["discover", "--plan", str(plan), "--write", str(snippet)]) == 1
    added = yaml.safe_load(snippet.read_text())
    assert {d["name"] for d in added["domains"]} == EXPECTED
    assert all(d["owner"] == "dana" for d in added["domains"])
    assert [(v["id"], v["statuspage"]) for v in added["vendors"]] == [
        ("hubspot", "https://status.hubspot.com/")
    ]
    data = yaml.safe_load(plan.read_text())
    data["domains"] += added["domains"]
    data["vendors"] = added["vendors"]
    merged = tmp_path / "merged.yaml"
    merged.write_text(yaml.safe_dump(data))
    capsys.readouterr()
    assert main(["validate", str(merged)]) == 0
    assert f"{1 + len(EXPECTED)} domains" in capsys.readouterr().out
    # Discovery against the merged plan now finds nothing unwatched.
    again = tmp_path / "again.yaml"
    assert main(["discover", "--plan", str(merged), "--write", str(again)]) == 0
    assert "Nothing to add" in again.read_text()


def test_urls_on_the_command_line_and_mistakes(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", "not-a-url"]) == 1
    assert "is not a page address" in capsys.readouterr().err
    assert main(["discover"]) == 1
    assert "nothing to look at" in capsys.readouterr().err
    code = main(["discover", f"http://127.0.0.1:{site.web.port}/missing", "--plan", str(site.write_plan())])
    assert code in (0, 1)  # a 404 page still loads; it embeds nothing
    assert main(["discover", "--plan", str(site.directory / "nope.yaml")]) == 1


def test_a_page_that_cannot_be_loaded_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with local_site(tmp_path) as gone:
        plan = gone.write_plan()
    assert main(["discover", "--plan", str(plan)]) == 3
    assert "could not load" in capsys.readouterr().out
