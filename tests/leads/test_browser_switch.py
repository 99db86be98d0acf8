"""The switch script in Debian's Chromium: a customer's landing page on its own healthy domain embeds
a Marketo form whose script host refuses connections (Marketo is dark). Standby's form appears in the
embed's place, a visitor signs up, and the lead is in Standby's store. A second page whose platform
script loads but never renders a form falls back after `embed_timeout`; a page whose form did render
is left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from standby.app.web import create_app
from tests.leads.conftest import World
from tests.peers.http import HttpPeer, Reply
from tests.peers.smtp import free_port
from tests.web.server import serving
from tests.web.test_browser import CHROMIUM, FLAGS

LANDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme — request a demo</title>
<script src="{standby}/f/demo-request.js"></script>
<script src="{vendor}"></script>
</head><body>
<h1>See Acme in action</h1>
<form id="mktoForm_2187"></form>
<script>if (window.MktoForms2) {{ MktoForms2.loadForm("//app-ab12.marketo.com", "123-ABC-456", 2187); }}</script>
<div data-standby-form="demo-request"></div>
{rendered}
</body></html>"""


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: these tests are about pages, not the database (capture and replay run on both)."""
    return f"sqlite:///{tmp_path / 'standby.db'}"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `.ci/run` installs Debian's chromium package")
    rules = "MAP www.acme.example 127.0.0.1, MAP app-ab12.marketo.com 127.0.0.1"
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            args=[*FLAGS, f"--host-resolver-rules={rules}"],
        )
        yield context
        context.close()


def landing(world: World, standby: str, vendor: str, *, rendered: str = "") -> tuple[HttpPeer, str]:
    site = HttpPeer().start()
    page = LANDING.format(standby=standby, vendor=vendor, rendered=rendered)
    site.route("/demo", Reply(200, page))
    site.route("/favicon.ico", Reply(204))
    site.route(
        "/forms2.min.js",
        Reply(
            200, "/* loads, but this platform never renders a form */", {"Content-Type": "text/javascript"}
        ),
    )
    origin = f"http://www.acme.example:{site.port}"
    world.data["forms"][0]["allowed_origins"] = [origin]
    return site, f"{origin}/demo"


def open_page(browser: BrowserContext, url: str, problems: list[str]) -> Page:
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and _ours(m) else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_default_timeout(10_000)
    page.goto(url)
    return page


def _ours(message: ConsoleMessage) -> bool:
    return (
        "marketo.com" not in (message.location.get("url") or "")
        and "ERR_CONNECTION_REFUSED" not in message.text
    )


def test_a_dead_vendor_script_switches_to_standbys_form_and_the_lead_is_stored(
    browser: BrowserContext, world: World
) -> None:
    world.data["forms"][0]["embed_timeout"] = "60s"  # only the failed script can switch it this fast
    refused = f"http://app-ab12.marketo.com:{free_port()}/js/forms2/js/forms2.min.js"  # nothing listens there
    app = create_app(sessions=world.sessions, plan=lambda: world.plan, clock=world.clock)
    problems: list[str] = []
    with serving(app) as standby:
        site, url = landing(world, standby, refused)
        try:
            page = open_page(browser, url, problems)
            form = page.locator("[data-standby-form=demo-request] form.standby-form")
            expect(form).to_be_visible(timeout=10_000)
            expect(page.locator("[data-standby-form=demo-request]")).to_have_attribute(
                "data-standby-state", "fallback"
            )
            expect(page.locator("#mktoForm_2187")).to_be_hidden()
            form.get_by_label("Work email").fill("ana.ortiz@example.org")
            form.get_by_label("First name").fill("Ana")
            form.get_by_role("button", name="Send").click()
            expect(page.locator(".standby-thanks")).to_have_text(
                "Thank you — we have your details and will be in touch."
            )
        finally:
            site.stop()
    [row] = world.rows()
    assert row.fields == {"email": "ana.ortiz@example.org", "firstName": "Ana"}
    assert row.page_url == url and row.idempotency_key is not None
    assert problems == []


def test_an_embed_that_never_renders_falls_back_after_the_timeout_and_a_rendered_one_is_kept(
    browser: BrowserContext, world: World
) -> None:
    world.data["forms"][0]["embed_timeout"] = "1s"
    app = create_app(sessions=world.sessions, plan=lambda: world.plan, clock=world.clock)
    problems: list[str] = []
    with serving(app) as standby:
        site, url = landing(world, standby, "/forms2.min.js")
        try:
            page = open_page(browser, url, problems)
            form = page.locator("[data-standby-form=demo-request] form.standby-form")
            expect(form).to_be_visible(timeout=10_000)
            form.get_by_label("Work email").fill("not-an-email")
            form.get_by_label("First name").fill("Li")
            form.get_by_role("button", name="Send").click()
            expect(form.locator(".standby-error").first).to_contain_text("Enter an email address")
            expect(form.get_by_label("Work email")).to_have_attribute("aria-invalid", "true")
            rendered = (
                '<script>document.getElementById("mktoForm_2187").innerHTML = "<input name=Email>";</script>'
            )
            site.route(
                "/demo",
                Reply(200, LANDING.format(standby=standby, vendor="/forms2.min.js", rendered=rendered)),
            )
            page.goto(url)
            expect(page.locator("[data-standby-form=demo-request]")).to_have_attribute(
                "data-standby-state", "embed"
            )
            expect(page.locator("form.standby-form")).to_have_count(0)
        finally:
            site.stop()
    assert world.rows() == []
    assert [p for p in problems if "status of 422" not in p] == []  # the browser logs the refused post
