"""A dry run end to end: every message goes to the drill's sink address on the SMTP server, none to a
person; the drill's runner answers Dana's and Lee's pages from the sink at known times, and the
report counts them as Dana's and Lee's answers."""

from __future__ import annotations

import pytest

from standby.channels.drill import DrillRun
from standby.recovery.drills import report as reports
from tests.recovery.drill_stage import SINK, Stage


async def test_a_dry_run_delivers_only_to_the_sink_and_measures_the_answers_given_there(
    drill: Stage, capsys: pytest.CaptureFixture[str]
) -> None:
    await drill.at(0)
    before_metrics, before_page = drill.metrics(), drill.public_files()
    assert drill.standby("drill", "run", "marketo-down", "--dry-run", "--wait", "0") == 0
    await drill.at(1)
    assert {str(m["To"]) for m in drill.smtp.messages} == {SINK}
    [danas] = drill.mails(SINK, "→ Dana Reyes] [DRILL]") or drill.mails(
        SINK, "[DRILL dry run → Dana Reyes] [critical]"
    )
    body = str(danas.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "Dry run: this message is for Dana Reyes (dana@acme.example)." in body
    assert drill.mails(SINK, "[DRILL dry run → Sam Ortiz] [incident #1 investigating]")

    assert "Acknowledged" in drill.ack(danas, 4)  # the drill's runner answers for Dana, 3 minutes in
    await drill.at(11)  # acknowledged: the chain stopped, Lee is not paged
    assert drill.mails(SINK, "→ Lee Park] [critical]") == []
    assert drill.standby("drill", "end", "1", "--by", "dana") == 0
    await drill.at(12)

    with drill.sessions() as session:
        run = session.get(DrillRun, 1)
        assert run is not None and run.dry_run and run.state == "ended" and run.end_reason == "ended by dana"
        report = reports.build(session, run, plan=drill.engine.plan, now=drill.clock.now())
    people = {row.name: row for row in report.rows}
    assert (people["Dana Reyes"].paged, people["Dana Reyes"].answered) == ("09:01:00 EST", "3 min")
    assert people["Dana Reyes"].verdict == "answered first"
    assert people["Lee Park"].paged == "—" and people["Lee Park"].verdict.startswith("not told")
    assert report.heading == "Drill run #1: Marketo goes down (dry run)"
    assert "dry run: messages went to the sink, not to people" in report.when
    assert {str(m["To"]) for m in drill.smtp.messages} == {SINK}
    assert drill.public_files() == before_page
    assert drill.metrics() == before_metrics
