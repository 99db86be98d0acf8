"""The recovery pages as a browser and a viewer meet them: running a drill from the web (admins only,
CSRF-checked), mistakes as clear 4xx pages, the Markdown and SVG beside each report, the runbook's
own content policy, and hostile names in the plan shown as text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import yaml

from standby.web.auth import users
from tests.recovery.drill_stage import PASSWORD, T0, Stage
from tests.web.signin import csrf


@contextmanager
def _signed_in(drill: Stage, email: str = "dana@acme.example") -> Iterator[httpx.Client]:
    with httpx.Client(base_url=drill.base, timeout=10) as client:
        assert (
            client.post("/login", data={"email": email, "password": PASSWORD, "next": "/"}).status_code == 303
        )
        yield client


async def test_an_admin_runs_a_drill_from_the_web_and_reads_its_report(drill: Stage) -> None:
    await drill.at(0)
    with _signed_in(drill) as client:
        listing = client.get("/drills")
        assert (
            listing.status_code == 200 and "Marketo goes down" in listing.text and "Dry run" in listing.text
        )
        started = client.post("/drills/marketo-down/run", data={"dry_run": "1", "csrf_token": csrf(client)})
        assert started.status_code == 303 and started.headers["location"] == "/drills/runs/1"
        again = client.post("/drills/marketo-down/run", data={"dry_run": "1", "csrf_token": csrf(client)})
        assert again.status_code == 409 and "already requested as run #1" in again.text
        await drill.at(1)
        page = client.get("/drills/runs/1")
        assert page.status_code == 200 and "Drill run #1: Marketo goes down (dry run)" in page.text
        markdown = client.get("/drills/runs/1/report.md")
        assert (
            markdown.headers["content-type"].startswith("text/markdown")
            and "![Timeline](timeline.svg)" in markdown.text
        )
        chart = client.get("/drills/runs/1/timeline.svg")
        assert chart.headers["content-type"] == "image/svg+xml" and chart.text.startswith("<?xml")
        ended = client.post("/drills/runs/1/end", data={"csrf_token": csrf(client)})
        assert ended.status_code == 303
        assert client.get("/drills/runs/99").status_code == 404
        assert client.post("/drills/nope/run", data={"csrf_token": csrf(client)}).status_code == 409
        assert client.get("/incidents/99/report").status_code == 404
        runbook = client.get("/runbook")
        assert runbook.headers["content-security-policy"].startswith(
            "default-src 'none'; style-src 'unsafe-inline'"
        )


async def test_a_viewer_reads_but_cannot_run_a_drill(drill: Stage) -> None:
    await drill.at(0)
    with drill.sessions.begin() as session:
        users.add(session, email="viewer@acme.example", role="viewer", password=PASSWORD, now=T0)
    with _signed_in(drill, "viewer@acme.example") as client:
        page = client.get("/drills")
        assert page.status_code == 200 and "Run it for real" not in page.text
        refused = client.post("/drills/marketo-down/run", data={"csrf_token": csrf(client)})
        assert refused.status_code == 403


async def test_hostile_names_in_the_plan_are_shown_as_text(drill: Stage) -> None:
    data = yaml.safe_load(drill.plan_path.read_text())
    data["drills"][0]["name"] = "<script>alert(1)</script>"
    drill.plan_path.write_text(yaml.safe_dump(data))
    await drill.at(0)
    with _signed_in(drill) as client:
        page = client.get("/drills")
        assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
        runbook = client.get("/runbook")
        assert "<script>alert(1)</script>" not in runbook.text
