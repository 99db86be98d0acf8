"""A live drill end to end: `standby drill run` asks the running engine, whose next tick tells the
chain and the incident that Marketo is down; the owner's manager answers by link first, the owner a
little later, the first promised update is missed, then posted; the drill ends after its 40 minutes.
Every message is marked DRILL and went only to participants; the report's figures are what happened;
the public status page and /metrics never moved."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from standby.channels.drill import DrillRun
from standby.incidents.models import Incident
from standby.recovery.drills import report as reports
from tests.recovery.drill_stage import Stage


async def test_a_live_drill_measures_each_person_and_touches_nothing_public(
    drill: Stage, capsys: pytest.CaptureFixture[str]
) -> None:
    await drill.at(0)
    before_metrics, before_page = drill.metrics(), drill.public_files()
    assert before_page  # the public page is there before the drill

    assert drill.standby("drill", "run", "marketo-down", "--wait", "0") == 0
    assert "Drill run #1 (marketo-down) requested." in capsys.readouterr().out
    await drill.at(1)  # the engine starts it: Dana is paged, the incident opens, marketing hears
    [page] = drill.mails("dana@acme.example", "[critical]")
    assert str(page["Subject"]).startswith("[DRILL] [critical] marketo: Marketo reports a major outage")
    body = str(page.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert body.startswith(
        "DRILL: this is an exercise (Marketo goes down, drill run #1). Nothing is really down."
    )
    assert drill.subjects("sam@acme.example") == ["[DRILL] [incident #1 investigating] Problems with Marketo"]
    assert drill.subjects("lee@acme.example") == [] and drill.subjects("pat@partner.example") == []

    await drill.at(11)  # the chain moves on to Dana's manager
    [lees] = drill.mails("lee@acme.example", "[critical]")
    assert "Acknowledged" in drill.ack(lees, 12)  # Lee answers a minute after his page
    assert "already acknowledged by Lee Park" in drill.ack(page, 14)  # Dana, 13 minutes after hers
    await drill.at(17)  # the first update was promised for 09:16: missed
    drill.post_update(1, 20, know="Marketo says its forms are down; we are on it", next="30m")
    await drill.at(31)  # external_after: the customers are not participants, so they hear nothing
    await drill.at(41)  # 40 minutes after it started: over

    with drill.sessions() as session:
        run = session.get(DrillRun, 1)
        assert run is not None and run.state == "ended" and run.end_reason == "its 40 min were up"
        incident = session.scalars(select(Incident)).one()
        assert incident.state == "resolved" and incident.drill_run_id == 1
        report = reports.build(session, run, plan=drill.engine.plan, now=drill.clock.now())

    people = {row.name: row for row in report.rows}
    assert (people["Dana Reyes"].paged, people["Dana Reyes"].answered) == ("09:01:00 EST", "13 min")
    assert people["Dana Reyes"].verdict == (
        "slow: answered 13 min after the page; the chain gave 10 min; missed the update promised for "
        "2026-12-03 09:16 EST"
    )
    assert (people["Lee Park"].paged, people["Lee Park"].answered) == ("09:11:00 EST", "1 min")
    assert people["Lee Park"].verdict == "answered first"
    assert people["Sam Ortiz"].word == "0 s" and people["Sam Ortiz"].verdict == "fine"
    assert people["Dana Reyes"].word == "0 s"
    assert [p[3] for p in report.promises] == ["MISSED", "not yet due when it ended"]
    assert "Lee Park acknowledged first, 1 min after the page." in report.headline
    assert "The public status page was not touched." in report.headline
    assert "Plan B: the playbook names no Plan B: nothing to switch." in report.headline
    assert "Could not be reached" not in " ".join(report.headline)

    assert all(str(m["Subject"]).startswith("[DRILL]") for m in drill.smtp.messages)
    assert {str(m["To"]) for m in drill.smtp.messages} <= {
        "dana@acme.example",
        "lee@acme.example",
        "sam@acme.example",
    }
    assert drill.public_files() == before_page
    assert drill.metrics() == before_metrics

    capsys.readouterr()
    assert drill.standby("drill", "report", "1") == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# Drill run #1: Marketo goes down")
    assert "| Dana Reyes | 09:01:00 EST | 13 min | 0 s | " in markdown

    page = httpx.get(
        f"{drill.base}/drills/runs/1/status/", headers={"Authorization": f"Bearer {drill.token}"}
    )
    assert page.status_code == 200 and "DRILL: Acme Corp status (drill run #1)" in page.text
    assert "DRILL: Problems with Marketo forms" in page.text
