"""The wiring's lists reach every entry point: an acknowledgement made by link or on the command line
goes on the incident's timeline, though alerts never import incidents."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import yaml

from standby.app.web import create_app
from standby.cli import main
from standby.plan.model import Plan
from tests.incidents.conftest import MARKETO, World
from tests.web.server import serving


def acknowledged(world: World) -> tuple[str, str]:
    return ("acknowledged", f"Dana Reyes acknowledged alert #{world.alert().id} ({MARKETO})")


def test_an_acknowledgement_by_the_link_in_a_page_reaches_the_incidents_timeline(world: World) -> None:
    app = create_app(sessions=world.sessions, plan=lambda: world.plan, clock=world.clock)
    with serving(app) as base:
        world.data["settings"]["base_url"] = base
        world.plan = Plan.model_validate(world.data)
        world.fail()
        world.at(0)
        pages = [world.body("dana@acme.example", i) for i in range(len(world.mail("dana@acme.example")))]
        token = next(m.group(1) for body in pages if (m := re.search(r"/ack/(\S+)", body)))
        reply = httpx.post(f"{base}/ack/{token}", data={"token": token})
    assert reply.status_code == 200 and "Acknowledged alert" in reply.text
    assert acknowledged(world) in world.timeline()


def test_standby_ack_reaches_the_incidents_timeline(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    world.fail()
    world.at(0)
    url = world.sessions.kw["bind"].url.render_as_string(hide_password=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(world.data))
    assert main(["ack", str(world.alert().id), "--by", "dana", "--db", url, "--plan", str(plan)]) == 0
    assert "Acknowledged alert" in capsys.readouterr().out
    assert acknowledged(world) in world.timeline()
