"""`standby serve` as a real process under what broke it in the reliability run: an alias bomb saved
into the watched plan, a relay slow to accept, a kill -9 in the middle of a page. No freeze, no page
twice, no page after the next step's, and a restarted process picks up at once."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from standby.channels.models import Message
from standby.cli import main
from standby.engine.models import Monitor, PlanLoad
from standby.plan import limits
from tests.engine.conftest import break_page, mend_page, requests_to
from tests.engine.serving import database, eventually, paging_plan, serving
from tests.peers.http import Reply
from tests.peers.internet import FakeInternet
from tests.peers.smtp import SmtpPeer
from tests.plan.fuzz import alias_bomb

pytestmark = pytest.mark.slow


@pytest.fixture
def net(tmp_path: Path) -> FakeInternet:
    with FakeInternet(datetime.now(UTC), tmp_path) as internet:
        internet.add_endpoint("demo-page", "go.acme.example", "/demo", contains=["Request a demo"])
        yield internet


def inbox(smtp: SmtpPeer) -> list[tuple[str, str]]:
    """(to, what) of every message the relay accepted, in order: what is "page" or "resolved"."""
    return [
        (str(m["To"]), "resolved" if "resolved" in str(m["Subject"]).lower() else "page")
        for m in smtp.messages
    ]


def test_serve_keeps_checking_and_paging_on_time_while_an_alias_bomb_sits_in_the_plan(
    net: FakeInternet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'standby.db'}"
    assert main(["token", "create", "--name", "ci", "--db", url]) == 0
    token = re.search(r"^    (\S+)$", capsys.readouterr().out, re.MULTILINE)
    assert token is not None
    with SmtpPeer() as smtp:
        plan = paging_plan(net, smtp)
        with serving(plan, url, tmp_path / "serve.log") as serve, database(url) as sessions:
            eventually(serve.healthy, what="the web app")
            plan.write_text(plan.read_text() + alias_bomb(9, 9) + "\n")  # 1.7 KB, 9^9 values expanded

            def refused() -> bool:
                with sessions() as session:
                    return session.scalars(select(PlanLoad.valid).order_by(PlanLoad.id)).all() == [
                        True,
                        False,
                    ]

            eventually(refused, what="the edit to be refused")
            probes = requests_to(net, "/demo")
            break_page(net)  # the bad edit stays in the file: the last good plan must page anyway
            eventually(lambda: ("dana@acme.example", "page") in inbox(smtp), what="the owner's page")
            assert requests_to(net, "/demo") >= probes + 2 and serve.healthy()
            shown = httpx.get(f"{serve.base}/plan", headers={"Authorization": f"Bearer {token.group(1)}"})
            assert shown.status_code == 200 and "The latest edit was refused" in shown.text
            assert limits.EXPANDED.split(";")[0] in shown.text
            assert serve.stop() == 0  # SIGTERM is heard: the loop never stopped turning
    assert "edit refused, the last good plan keeps running" in serve.log
    assert "Traceback" not in serve.log


def test_serve_refuses_to_start_on_an_alias_bomb_with_exit_1_and_the_message(
    net: FakeInternet, tmp_path: Path
) -> None:
    with SmtpPeer() as smtp:
        plan = paging_plan(net, smtp)
    plan.write_text(plan.read_text() + alias_bomb(9, 9) + "\n")
    with serving(plan, f"sqlite:///{tmp_path / 'standby.db'}", tmp_path / "serve.log") as serve:
        assert serve.process.wait(timeout=60) == 1
    assert re.search(rf"^error: {re.escape(str(plan))}:\d+:\d+ more than 600,000 values", serve.log, re.M)
    assert "Traceback" not in serve.log


def test_a_relay_that_answers_the_final_dot_after_8_s_gets_each_page_once_marked_delivered(
    net: FakeInternet, tmp_path: Path
) -> None:
    """The reported run: `timeout: 3s`, a relay taking 8 s to accept; pages were sent 5-6 times each."""
    for page in ("pricing", "signup"):
        net.add_endpoint(page, "go.acme.example", f"/{page}")
    net.endpoints[1]["owner"] = "lee"  # Dana's two pages go one after the other, Lee's meanwhile
    url = f"sqlite:///{tmp_path / 'standby.db'}"
    with SmtpPeer() as smtp:
        smtp.answer_after = 8
        plan = paging_plan(net, smtp, timeout="3s", steps=[("0s", "owner")])
        with serving(plan, url, tmp_path / "serve.log", web=False) as serve, database(url) as sessions:
            eventually(lambda: serve.alive() and requests_to(net, "/demo") > 0, what="the first probes")
            for path in ("/demo", "/pricing", "/signup"):
                break_page(net, path=path)

            def settled() -> list[str]:
                with sessions() as session:
                    return list(session.scalars(select(Message.state)))

            eventually(lambda: settled() == ["sent"] * 3, within=120, what="three pages sent")
            assert serve.stop() == 0
        with database(url) as sessions, sessions() as session:
            attempts = session.scalars(select(Message.attempts)).all()
    assert sorted(to for to, _ in inbox(smtp)) == [
        "dana@acme.example",
        "dana@acme.example",
        "lee@acme.example",
    ]
    assert len({m["Message-ID"] for m in smtp.messages}) == 3  # one each, no copy
    assert attempts == [1, 1, 1]


def test_a_kill_while_the_owners_page_is_being_sent_loses_and_reorders_nothing(
    net: FakeInternet, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'standby.db'}"
    net.add_endpoint("slow", "go.acme.example", "/slow")  # its probe holds a monitor lease for 25 s
    net.web.route("/slow", Reply(200, "<h1>Request a demo</h1>", delay=25), host="go.acme.example")
    with SmtpPeer() as smtp:
        plan = paging_plan(net, smtp, timeout="30s")  # the owner at once, the manager 20 s later
        smtp.hold_rcpt = True  # the relay keeps the first page at RCPT TO: "at the moment of sending"
        with serving(plan, url, tmp_path / "first.log", web=False) as first, database(url) as sessions:
            eventually(lambda: first.alive() and requests_to(net, "/demo") > 0, what="the first probes")
            break_page(net)
            eventually(smtp.at_rcpt.is_set, what="the owner's page to reach the relay")
            first.kill()
            with sessions() as session:
                assert session.scalars(select(Message.state)).all() == ["sending"]
                slow = select(Monitor.lease_until).where(Monitor.key == "endpoint:slow/http")
                assert session.scalar(slow) is not None  # the slow probe was in flight too
            slow_probes = requests_to(net, "/slow")
        smtp.release()  # the dead process's connection goes away without a message

        with serving(plan, url, tmp_path / "second.log", web=False) as second:
            # the slow monitor is probed at once, not when its dead lease would have run out
            eventually(lambda: second.alive() and requests_to(net, "/slow") > slow_probes, what="a probe")
            eventually(lambda: second.alive() and len(smtp.messages) >= 2, within=90, what="both pages")
            mend_page(net)
            eventually(lambda: len(smtp.messages) >= 4, within=60, what="the resolution to both")
            assert second.stop() == 0
    received = inbox(smtp)
    assert received[:2] == [("dana@acme.example", "page"), ("lee@acme.example", "page")]  # once, in order
    assert sorted(received[2:]) == [("dana@acme.example", "resolved"), ("lee@acme.example", "resolved")]
    taken = re.search(
        r"took back what a stopped process held: (\d+) monitor\(s\), 0 claimed row\(s\) of the features "
        r"\(escalation steps, DNS recovery watches\), 1 message\(s\) in flight",
        second.log,
    )
    assert taken is not None and int(taken.group(1)) >= 1, second.log
    assert "Traceback" not in first.log + second.log
