"""The web app in a real browser: Debian's Chromium, driven by Playwright, against the whole app on
uvicorn over a store the real engine filled from the fake internet. An admin signs in, finds the
expiring domain on the overview and its row in the expiry timeline, opens its page, acknowledges its
alert; every page renders without a console error (a CSP violation is one). Screenshots go to the
test's temporary folder; `STANDBY_SCREENSHOTS=docs/screenshots` refreshes the ones docs/web.md shows."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect, sync_playwright

from tests.dashboard.site import ADMIN, PASSWORD, dashboard_site

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def shooter(tmp_path: Path) -> Callable[..., None]:
    folder = Path(os.environ.get("STANDBY_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def shoot(page: Page, name: str, *, full: bool = True) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=full, animations="disabled")

    return shoot


def test_an_admin_signs_in_sees_the_expiring_domain_and_the_timeline_and_acknowledges_its_alert(
    tmp_path: Path,
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `.ci/run` installs Debian's chromium package (apt-get install chromium)"
        )
    problems: list[str] = []
    shoot = shooter(tmp_path)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{message.text} ({message.location.get('url')})")

    with dashboard_site(tmp_path) as site, sync_playwright() as playwright:
        site.add_user(ADMIN)
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh user-data dir
            executable_path=str(CHROMIUM),
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        page = browser.pages[0] if browser.pages else browser.new_page()
        page.on("console", console)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.set_default_timeout(10_000)

        page.goto(f"{site.base}/")  # signed out: the login page, which brings us back here
        expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
        shoot(page, "login")
        page.fill("input[name=email]", ADMIN)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{site.base}/")

        row = page.locator("table.assets tbody tr", has_text="acme-shop.example")
        expect(row).to_contain_text("warning")
        expect(row.locator("td[data-label='Days left']")).to_contain_text(re.compile(r"^\s*(19|20) d"))
        expect(row).to_contain_text("Dana Reyes")
        chart = page.locator("svg.timeline")
        expect(chart).to_be_visible()
        expect(chart.locator("g.row.warning", has_text="acme-shop.example")).to_have_count(1)
        expect(chart.locator("g.row", has_text="acme-shop.example")).to_contain_text("confirmation overdue")
        shoot(page, "overview")

        row.get_by_role("link", name="acme-shop.example").click()
        expect(page).to_have_url(f"{site.base}/assets/domain:acme-shop.example")
        card = page.locator("article.alert-card", has_text="registration").filter(has_not_text="renewal not")
        card.get_by_role("button", name="Acknowledge as Dana Reyes").click()
        expect(page).to_have_url(f"{site.base}/assets/domain:acme-shop.example")
        expect(card).to_contain_text("acknowledged by Dana Reyes at")
        expect(card.get_by_role("button")).to_have_count(0)
        shoot(page, "asset")

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
        expect(page.locator("#acknowledged")).to_contain_text("acme-shop.example")
        shoot(page, "alerts")
        for name in ("people", "plan"):
            page.goto(f"{site.base}/{name}")
            expect(page.locator("h1")).to_be_visible()
            shoot(page, name)

        page.set_viewport_size({"width": 360, "height": 740})  # the narrowest phones: nothing spills over
        for path in (
            "/",
            "/assets/domain:acme-shop.example",
            "/assets/endpoint:home",
            "/alerts",
            "/people",
            "/plan",
        ):
            page.goto(f"{site.base}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{site.base}/")
        expect(page.locator("table.assets tbody tr").first).to_be_visible()
        shoot(page, "overview-phone", full=False)
        browser.close()
    assert problems == []
