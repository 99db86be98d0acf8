"""One cause, one page. acme.example lapses the Marketo way: the registry auto-renewed it and the
registrar parked it. Its delegation, both pages on it and the certificate of www.acme.example all
fail — five alerts — yet the chain of responsibility runs once, for the domain, with the others
attached to it; acknowledging the domain's alert acknowledges them all and stops every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.stage import Stage, stage
from tests.incidents.test_routes import text
from tests.peers.http import HttpPeer, Reply
from tests.peers.tls import self_signed_context


def plan(s: Stage, parking: HttpPeer) -> dict[str, Any]:
    net = s.internet
    net.add_domain("acme.example")
    net.lapse_like_marketo("acme.example")
    for ident, host in (("demo", "go.acme.example"), ("home", "www.acme.example")):
        net.add_endpoint(ident, host, "/")
        net.park(host, "/")
    certificate = {"host": "www.acme.example", "port": parking.port, "address": "127.0.0.1", "owner": "dana"}
    return s.plan(
        timezone="America/New_York",
        settings={"email": {"smtp": s.smtp.url, "from": "standby@acme-ops.example", "starttls": False}},
        people=[
            {"id": "dana", "name": "Dana Reyes", "email": "dana@acme-mail.example", "reports_to": "lee"},
            {"id": "lee", "name": "Lee Park", "email": "lee@acme-mail.example"},
        ],
        certificates=[certificate],
        vendors=[],
    )


def pages(s: Stage, to: str) -> list[str]:
    return [m for m in s.mail(to) if m.startswith(("[critical]", "[warning]", "[unknown]"))]


async def test_a_parked_domain_pages_once_per_step_and_one_acknowledgement_stops_it_all(
    tmp_path: Path,
) -> None:
    async with stage(tmp_path) as s:
        # The registrar's parking server answers for www.acme.example with a certificate of its own.
        with HttpPeer(tls=self_signed_context("parking.example", now=s.clock.now())) as parking:
            parking.route("/", Reply(200, "parked"))
            s.run(plan(s, parking))
            await s.tick(0)
            await s.tick()  # every check confirms its failure (alert_after: 2)
            alerts = s.alerts()
            assert len(alerts) == 5
            [root] = [a for a in alerts if a.root_id is None]
            assert (root.asset, root.check) == ("domain:acme.example", "registration")
            assert {(a.asset, a.check) for a in alerts if a.root_id == root.id} == {
                ("domain:acme.example", "delegation"),
                ("endpoint:demo", "http"),
                ("endpoint:home", "http"),
                ("certificate:www.acme.example:" + str(parking.port), "certificate"),
            }
            [page] = pages(s, "dana@acme-mail.example")  # one page, for the cause
            assert page.startswith("[critical] acme.example: ")
            body = next(m for m in s.smtp.messages if m["Subject"] == page).get_content()
            assert (
                "Same cause, not paged separately (4 checks):" in body
                and "  endpoint:demo (http, critical" in body
            )

            await s.tick(30 * 60)  # step 2: the manager, once
            assert (
                len(pages(s, "lee@acme-mail.example")) == 1 and len(pages(s, "dana@acme-mail.example")) == 1
            )

            code, listed = s.cli("alerts")
            assert code == 0 and listed.count("\n#") == 0  # one entry, its dependents under it
            assert "same cause (4 alerts, not paged separately):" in listed
            with s.web():
                assert s.admin is not None and s.api is not None
                shown = s.api.get("/api/v1/alerts").json()
                assert [a["id"] for a in shown] == [root.id] and len(shown[0]["same_cause"]) == 4
                dependent = s.api.get(f"/api/v1/alerts/{shown[0]['same_cause'][0]}").json()
                assert dependent["root_id"] == root.id and dependent["status"].startswith(
                    f"part of alert #{root.id}"
                )
                board = text(s.admin.get("/alerts").text)
                assert "Open (1)" in board and "Same cause: 4 more alerts, not paged separately" in board

            code, said = s.cli("ack", str(root.id), "--by", "dana")
            assert code == 0 and said.startswith(
                f"Acknowledged alert #{root.id} (domain:acme.example) with 4 alerts of the same cause as Dana Reyes"
            )
            assert {a.state for a in s.alerts()} == {"acknowledged"}
            for _ in range(4):
                await s.tick(30 * 60)  # two hours: no step, no round, no exhaustion pages anyone
            assert (
                len(pages(s, "dana@acme-mail.example")) == 1 and len(pages(s, "lee@acme-mail.example")) == 1
            )
