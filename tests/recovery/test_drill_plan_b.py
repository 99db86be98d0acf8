"""Plan B in a drill: the drill's playbook names a fallback form, so its first update sends the
marketing team to the fallback page; a tester fills the form on Standby's real capture endpoint during
the drill, and the engine's replay job delivers the lead to the form's webhook (Marketo is not really
down). The report says who a delivered update sent to the page, and what the form took."""

from __future__ import annotations

import httpx
import yaml

from standby.app.subscribers import TICK_JOBS
from standby.channels.drill import DrillRun
from standby.leads.replay.job import ReplayJob
from standby.recovery.drills import report as reports
from tests.peers.webhook import WebhookPeer
from tests.recovery.drill_stage import Stage

PAGE = "https://pages.acme-backup.example/p/demo-request/"


def _with_plan_b(drill: Stage, hook: WebhookPeer) -> None:
    data = yaml.safe_load(drill.plan_path.read_text())
    data["forms"] = [
        {
            "id": "demo-request",
            "title": "Request a demo",
            "vendor": "marketo",
            "fields": [{"name": "email", "label": "Email", "type": "email"}],
            "destination": {"webhook": {"url": hook.http.url("/hook")}},
        }
    ]
    data["fallback"] = {"pages_url": "https://pages.acme-backup.example"}
    data["playbooks"][0]["plan_b"] = ["demo-request"]
    drill.plan_path.write_text(yaml.safe_dump(data, sort_keys=False))


def _replay_job() -> ReplayJob:
    [job] = [j.run for j in TICK_JOBS if j.name == "lead replay"]
    assert isinstance(job, ReplayJob)
    return job


async def test_the_drill_report_says_who_was_sent_to_the_fallback_page_and_what_it_took(
    drill: Stage, hook: WebhookPeer
) -> None:
    _with_plan_b(drill, hook)
    await drill.at(0)
    assert drill.standby("drill", "run", "marketo-down", "--wait", "0") == 0
    await drill.at(1)  # the drill starts: marketing's first update lists the fallback page
    [sams] = drill.mails("sam@acme.example", "[incident #1 investigating]")
    assert f"Request a demo: {PAGE}" in str(sams.get_body(("plain",)).get_content())  # type: ignore[union-attr]

    reply = httpx.post(f"{drill.base}/f/demo-request", json={"email": "tester@acme.example"}, timeout=10)
    assert reply.status_code == 202, reply.text
    await drill.at(2)
    _replay_job().wait()  # the pass this tick started: Marketo's monitor is healthy, so it replays
    assert [p["fields"] for p in hook.posted] == [{"email": "tester@acme.example"}]
    assert drill.standby("drill", "end", "1", "--by", "dana") == 0
    await drill.at(3)

    with drill.sessions() as session:
        run = session.get(DrillRun, 1)
        assert run is not None and run.state == "ended"
        report = reports.build(session, run, plan=drill.engine.plan, now=drill.clock.now())
    told = "Dana Reyes (09:01:00 EST), Sam Ortiz (09:01:00 EST)"
    assert (
        f"Plan B: fallback pages Request a demo: {PAGE}, in updates delivered to {told}; "
        "during the drill the forms took 1 lead captured, 1 delivered." in report.headline
    )
