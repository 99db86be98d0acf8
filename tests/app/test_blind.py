"""Standby's own blindness is never someone else's outage. Its resolver dies mid-run: the pages it
watches cannot be looked up, yet no owner is paged, the public status page does not change, the
people who run Standby get one alert and the dashboard a banner; when the resolver is back, the
checks resume and nothing "recovers", because nothing was said to have failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from standby.engine.models import CheckState, Sight
from tests.app.stage import Stage, stage
from tests.incidents.test_routes import text
from tests.peers.http import Reply

PAGE = "<html><body><h1>Request a demo</h1></body></html>"


def plan(s: Stage) -> dict[str, Any]:
    web, resolver = s.internet.web, s.internet.resolver
    endpoints = []
    for ident, host in (("demo", "go.acme.example"), ("home", "www.acme.example")):
        resolver.add(host, "A", "127.0.0.1")  # looked up through Standby's resolver: no pinned address
        web.route("/", Reply(200, PAGE), host=host)
        endpoints.append({"id": ident, "url": f"http://{host}:{web.port}/", "owner": "dana",
                          "expect": {"contains": ["Request a demo"]}})  # fmt: skip
    return s.plan(
        settings={"email": {"smtp": s.smtp.url, "from": "standby@acme-ops.example", "starttls": False}},
        people=[
            {"id": "dana", "name": "Dana Reyes", "email": "dana@acme.example"},
            {"id": "olu", "name": "Olu Ade", "email": "olu@acme-ops.example"},
        ],
        operators=["olu"],
        endpoints=endpoints,
        dns=[{"name": "go.acme.example", "owner": "dana"}],
        vendors=[],
        status_page={
            "url": "https://status.acme-status.example",
            "publish": [{"url": str(s.directory / "site")}],
            "components": [{"asset": "endpoint:demo", "name": "Demo forms"}],
        },
    )


def site(s: Stage) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in (s.directory / "site").rglob("*") if p.is_file()}


def states(s: Stage) -> dict[str, str]:
    with s.sessions() as session:
        return {f"{c.asset} {c.check}": c.status for c in session.scalars(select(CheckState))}


async def all_well(s: Stage) -> tuple[dict[str, bytes], dict[str, str]]:
    """The plan running, every check OK and no alert: the public page and the states as they are."""
    s.run(plan(s))
    for _ in range(3):
        await s.tick()
    assert set(states(s).values()) == {"ok"} and s.alerts() == []
    return site(s), states(s)


async def test_a_blind_standby_pages_its_operators_once_and_nobody_else(tmp_path: Path) -> None:
    async with stage(tmp_path) as s:
        page_before, seen = await all_well(s)

        address = s.internet.resolver.address
        port = s.internet.resolver.kill()
        for _ in range(6):  # six minutes blind: every check has run, the DNS check too
            await s.tick()
        [alert] = s.alerts()
        assert (alert.reason, alert.asset, alert.severity) == ("standby", "standby:standby-1", "critical")
        blind = f"Standby cannot resolve names: its resolvers {address} do not answer"
        assert alert.summary.startswith("Standby is blind since ") and blind in alert.summary
        assert s.mail("dana@acme.example") == []  # no owner is paged for Standby's own failure
        assert s.mail("olu@acme-ops.example") == [f"[critical] standby-1: {alert.summary}"[:149] + "…"]
        assert site(s) == page_before and states(s) == seen  # nothing public changed, no state moved
        code, listed = s.cli("alerts")
        assert code == 0 and listed.count("\n#") == 0 and listed.startswith("#1  critical  standby:standby-1")
        with s.web():
            assert s.admin is not None and s.api is not None
            banner = f"Standby is blind since {alert.summary.split('since ')[1].split(':')[0]}:"
            for path in ("/", "/alerts"):
                shown = text(s.admin.get(path).text)
                assert (
                    banner in shown
                    and blind in shown
                    and "checks that fail for this reason are on hold" in shown
                )
            held = s.api.get("/api/v1/findings", params={"asset": "endpoint:demo"}).json()["items"]
            assert any(f["summary"] == blind for f in held)  # the history keeps what was seen

        s.internet.resolver.revive(port)
        for _ in range(3):
            await s.tick()
        [alert] = s.alerts()  # still the one alert: no check "recovers", since none went down
        assert alert.state == "resolved" and states(s) == seen and site(s) == page_before
        assert s.mail("dana@acme.example") == []
        told = s.mail("olu@acme-ops.example")
        assert len(told) == 2 and told[1].startswith("[resolved] standby-1: resolved after ")
        with s.sessions() as session:
            [sight] = session.scalars(select(Sight))
        assert (sight.host, sight.status, sight.observed) == ("standby-1", "ok", "ok")
        with s.web():
            assert s.admin is not None
            assert "Standby is blind" not in s.admin.get("/").text


async def test_a_resolver_that_denies_every_name_is_blindness_not_an_outage(tmp_path: Path) -> None:
    """A resolver that answers, promptly, that no name exists — not even the root zone (a sandbox's,
    a captive network's, a broken forwarder's): what it denies says nothing about the pages."""
    async with stage(tmp_path) as s:
        page_before, seen = await all_well(s)

        resolver = s.internet.resolver
        resolver.fail(None, "nxdomain")
        for _ in range(6):  # every check has run, the DNS check too
            await s.tick()
        [alert] = s.alerts()
        assert (alert.reason, alert.asset) == ("standby", "standby:standby-1")
        blind = (
            f"Standby cannot resolve names: its resolvers {resolver.address} say the root zone does not "
            "exist (NXDOMAIN); no working resolver says that"
        )
        assert alert.summary.startswith("Standby is blind since ") and blind in alert.summary
        assert s.mail("dana@acme.example") == []  # nobody's page is gone: no owner is paged
        assert len(s.mail("olu@acme-ops.example")) == 1
        assert site(s) == page_before and states(s) == seen  # nothing public changed, no state moved
        with s.web():
            assert s.api is not None
            held = s.api.get("/api/v1/findings", params={"asset": "dns:go.acme.example/A"}).json()["items"]
            denied = f"Standby cannot tell whether go.acme.example resolves: its resolvers {resolver.address}"
            assert any(f["summary"].startswith(denied) for f in held)  # the history keeps what was said

        resolver.fail(None, None)
        for _ in range(3):
            await s.tick()
        [alert] = s.alerts()  # nothing "recovers": nothing was said to have failed
        assert alert.state == "resolved" and states(s) == seen and site(s) == page_before
        assert s.mail("dana@acme.example") == []


async def test_a_name_a_working_resolver_denies_pages_its_owner(tmp_path: Path) -> None:
    """The resolver still knows the root zone, so Standby sees: a page whose name is gone (a deleted
    domain, the Marketo story) is the owner's outage, paged as one."""
    async with stage(tmp_path) as s:
        await all_well(s)

        s.internet.resolver.remove("go.acme.example")  # NXDOMAIN for it; the root zone still answers
        for _ in range(6):
            await s.tick()
        now = states(s)
        assert now["dns:go.acme.example/A dns"] == "critical" and now["endpoint:demo http"] == "critical"
        assert now["endpoint:home http"] == "ok"
        assert all(a.asset != "standby:standby-1" for a in s.alerts())  # Standby sees: no blindness
        paged = [m for m in s.mail("dana@acme.example") if m.startswith("[critical]")]
        assert paged and s.mail("olu@acme-ops.example") == []
