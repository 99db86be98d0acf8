"""An incident in a real browser (Debian's Chromium, as tests/web/test_browser.py drives it): the real
engine detected Marketo's outage and opened its incident; an admin signs in, opens it, watches the
countdown tick, previews an update (the customers get it only with "publish"), posts it published,
and after the engine's next pass reads it on the public /status/ page in the same browser. No page
has a console error (a CSP violation is one) or spills sideways on a phone. Screenshots go to the
test's temporary folder, or to STANDBY_SCREENSHOTS (docs/screenshots)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, expect, sync_playwright

from tests.dashboard.site import ADMIN, PASSWORD
from tests.incidents.outage import outage
from tests.web.test_browser import CHROMIUM, FLAGS, shooter

KNOW = "Marketo's forms API answers 503. Our fallback form is capturing every lead meanwhile."
DONT_KNOW = "When Marketo will be back; their status page says they are investigating."
MEANWHILE = "Nothing: every lead is kept and will be sent on when Marketo is back."
PUBLIC = "Our demo-request forms are slow to confirm; every request is kept and will be answered."


def test_an_admin_posts_a_published_update_and_reads_it_on_the_status_page(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `.ci/run` installs Debian's chromium package")
    problems: list[str] = []
    shoot = shooter(tmp_path)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{message.text} ({message.location.get('url')})")

    with outage(tmp_path) as found, sync_playwright() as playwright:
        site = found.site
        site.add_user(ADMIN)
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

        page.goto(f"{site.base}/incidents")
        page.fill("input[name=email]", ADMIN)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{site.base}/incidents")
        row = page.locator("table.incidents tbody tr", has_text="Problems with Marketo")
        expect(row).to_contain_text("investigating")
        expect(row).to_contain_text("Dana Reyes")
        shoot(page, "incidents")
        row.get_by_role("link", name=re.compile("Problems with Marketo")).click()
        expect(page).to_have_url(re.compile(r"/incidents/1$"))

        countdown = page.locator(".next-update .countdown")
        expect(countdown).to_have_text(re.compile(r"^in 1[34] min \d+ s$"))  # first update within 15 min
        first = countdown.inner_text()
        expect(countdown).not_to_have_text(first)  # the self-hosted script ticks it down
        expect(page.locator(".facts")).to_contain_text("0 s after detection")

        form = page.locator("#update-form form")
        form.get_by_label("What we know").fill(KNOW)
        form.get_by_label("What we don't know yet").fill(DONT_KNOW)
        form.get_by_label("What you can do meanwhile").fill(MEANWHILE)
        expect(form.get_by_label("Public text")).to_have_value(re.compile("^We are investigating problems"))
        form.get_by_label("Public text").fill(PUBLIC)
        form.get_by_label("Next update by").fill("45m")
        form.get_by_label("State").select_option("identified")
        form.get_by_role("button", name="Preview").click()
        customers = page.locator(".preview .delivery[data-audience=customers]")
        expect(customers).to_contain_text("not sent: not published")
        expect(page.locator(".preview .delivery[data-audience=marketing]")).to_contain_text("queued for")
        form = page.locator("#update-form form")
        expect(form.get_by_label("What we know")).to_have_value(KNOW)  # the preview keeps the text
        form.get_by_label("Publish to external audiences").check()
        form.get_by_role("button", name="Preview").click()
        expect(customers).to_contain_text("queued for 1 of 1")
        expect(customers.locator("pre")).to_contain_text(PUBLIC)
        expect(customers.locator("pre")).not_to_contain_text(KNOW)  # insiders' words stay inside
        expect(customers.locator("pre")).not_to_contain_text("Dana Reyes")  # no internal names outside
        expect(page.locator(".preview .side.outside .public-text")).to_have_text(PUBLIC)
        shoot(page, "incident-preview")

        page.locator("#update-form form").get_by_role("button", name="Post update").click()
        expect(page).to_have_url(re.compile(r"/incidents/1\?posted=\d+#?"))
        expect(page.locator(".notice")).to_contain_text(
            "customers (outside): told nobody; not told: Pat Partner"
        )
        expect(page.locator("h1")).to_contain_text("identified")
        expect(page.locator(".next-update .countdown")).to_have_text(re.compile(r"^in 4[45] min \d+ s$"))
        latest = page.locator("article.update").first
        expect(latest).to_contain_text(KNOW)
        expect(latest).to_contain_text("published")
        shoot(page, "incident")

        found.tick()  # the engine's next pass re-publishes the status page
        page.goto(f"{site.base}/status/")
        incident = page.locator("article", has_text="Problems with Marketo forms")
        expect(incident).to_contain_text("Identified")
        expect(incident).to_contain_text(PUBLIC)
        expect(incident).not_to_contain_text(KNOW)
        expect(incident).not_to_contain_text(MEANWHILE)
        expect(incident).not_to_contain_text("Dana Reyes")
        shoot(page, "status")

        page.set_viewport_size({"width": 360, "height": 740})
        for path in ("/incidents", "/incidents/1", "/incidents/new"):
            page.goto(f"{site.base}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        browser.close()
    assert problems == []
