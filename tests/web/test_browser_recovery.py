"""Recover and learn in a real browser (Debian's Chromium): after a live drill and a real Marketo
outage, an admin reads the drills, the drill's report and its own status page, the real incident's
report, a DNS recovery being tracked and the crisis runbook. No page has a console error (a CSP
violation is one). Screenshots go to the test's temporary folder, or to STANDBY_SCREENSHOTS."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, expect, sync_playwright

from standby.plan.model import Plan
from standby.probes.context import make_context
from standby.recovery.dns.models import RecoveryWatch
from standby.recovery.dns.survey import survey
from standby.recovery.dns.tracking import record
from tests.recovery.drill_stage import PASSWORD, T0, Stage, rehearse, stage
from tests.recovery.resolvers import DOMAIN, resolvers
from tests.web.test_browser import CHROMIUM, FLAGS, shooter


async def _outage(found: Stage) -> None:
    """After the drill, Marketo really fails: a real incident, which the drill never touched."""
    await rehearse(found)
    found.internet.vendor.set_component("Marketo Engage", "major_outage")
    await found.at(50)
    await found.at(51)
    found.ack(found.mails("dana@acme.example", "[critical] marketo")[-1], 55)
    found.post_update(2, 58, know="Marketo's forms are down; the fallback form captures leads", next="30m")
    found.internet.vendor.set_component("Marketo Engage", "operational")
    await found.at(70)
    await found.at(71)
    await found.engine.close()


async def _tracked(found: Stage, tmp_path: Path) -> None:
    """A DNS recovery half way: two of four resolvers have the fix."""
    with resolvers(T0) as dns:
        dns.clock.set(T0 + timedelta(minutes=80))
        plan = Plan.model_validate(
            {"version": 1, "organization": "Acme", "timezone": "America/New_York", "settings": dns.settings()}
        )
        ctx = make_context(plan, dns.clock)
        try:
            result = await survey(DOMAIN, plan=plan, ctx=ctx, fixed_at=T0 + timedelta(minutes=60))
        finally:
            await ctx.net.aclose()
    with found.sessions.begin() as session:
        watch = RecoveryWatch(
            domain=DOMAIN,
            incident_id=None,
            reason="the delegation recovered at 10:00",
            expected={},
            state="tracking",
            started_at=T0 + timedelta(minutes=60),
            next_at=T0,
            headline="",
            right=0,
            asked=0,
            posted=False,
        )
        session.add(watch)
        session.flush()
        record(session, watch, result, plan=found.engine.plan, now=T0 + timedelta(minutes=80))


def test_an_admin_reads_the_drill_report_the_incident_report_the_dns_recovery_and_the_runbook(
    tmp_path: Path,
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `.ci/run` installs Debian's chromium package")
    problems: list[str] = []
    shoot = shooter(tmp_path)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{message.text} ({message.location.get('url')})")

    with stage(tmp_path) as found:
        asyncio.run(_outage(found))
        asyncio.run(_tracked(found, tmp_path))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                str(tmp_path / "profile"),
                executable_path=str(CHROMIUM),
                args=FLAGS,
                viewport={"width": 1280, "height": 900},
            )
            page = browser.pages[0] if browser.pages else browser.new_page()
            page.on("console", console)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.set_default_timeout(10_000)

            page.goto(f"{found.base}/drills")
            page.fill("input[name=email]", "dana@acme.example")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator("h1")).to_have_text("Drills")
            expect(page.locator("table.incidents")).to_contain_text("#1 Marketo goes down")
            shoot(page, "drills")

            page.get_by_role("link", name="#1 Marketo goes down").click()
            expect(page.locator(".drill-mark")).to_have_text("DRILL")
            expect(page.locator("ul.headline")).to_contain_text(
                "Lee Park acknowledged first, 1 min after the page."
            )
            expect(page.locator("table.report").first).to_contain_text("slow: answered 13 min after the page")
            expect(page.get_by_role("img", name="Drill run #1, in time")).to_be_visible()
            shoot(page, "drill-report")

            page.goto(f"{found.base}/drills/runs/1/status/")
            expect(page.locator("body")).to_contain_text("DRILL: Problems with Marketo forms")
            shoot(page, "drill-status-page")

            page.goto(f"{found.base}/incidents")
            expect(page.locator("table.incidents .badge.drill")).to_have_count(1)  # the drill's, marked
            page.goto(f"{found.base}/incidents/2/report")
            expect(page.locator("table.facts")).to_contain_text("Time to acknowledge")
            expect(page.locator(".drill-mark")).to_have_count(0)  # a real incident
            shoot(page, "incident-report")

            page.goto(f"{found.base}/recovery/1")
            expect(page.locator(".summary")).to_contain_text("2 of 4 resolvers have the fix")
            shoot(page, "dns-recovery")

            page.goto(f"{found.base}/runbook")
            expect(page.locator("h1")).to_contain_text("Acme Corp — crisis runbook")
            expect(page.locator("body")).to_contain_text("Lee Park answered first")
            shoot(page, "runbook")
            browser.close()
    assert problems == []
