"""The incident pages over a real uvicorn: Marketo fails, an incident opens, and people sign in to read
it and (admins) act — post an update with a preview of each audience's message, publish it outside,
resolve it, open one by hand. Viewers read only; forged forms are refused; a mistake keeps the text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import func, select

from standby.app.web import create_app
from standby.incidents.models import IncidentUpdate
from standby.plan.model import Plan
from standby.web.auth import users
from tests.dashboard.site import ADMIN, PASSWORD, VIEWER, csrf_of
from tests.incidents.conftest import World
from tests.web.server import serving

KNOW = "Marketo's API answers 503; forms fall back to our own capture."
DONT_KNOW = "When Marketo will be back."
MEANWHILE = "Nothing: no lead is lost."
PAT = "pat@partner.example"  # the customers audience: external
SAM = "sam@acme.example"  # the marketing audience: internal


@dataclass
class Web:
    world: World
    base: str
    clients: list[httpx.Client] = field(default_factory=list)

    def sign_in(self, email: str) -> httpx.Client:
        role = "viewer" if email == VIEWER else "admin"
        with self.world.sessions.begin() as session:
            users.add(session, email=email, role=role, password=PASSWORD, now=self.world.now)
        client = httpx.Client(base_url=self.base, follow_redirects=False, timeout=10)
        self.clients.append(client)
        reply = client.post("/login", data={"email": email, "password": PASSWORD, "next": "/"})
        assert reply.status_code == 303, reply.text
        return client

    def updates(self) -> int:
        with self.world.sessions() as session:
            return session.scalar(select(func.count()).select_from(IncidentUpdate)) or 0


@pytest.fixture
def web(world: World) -> Iterator[Web]:
    world.fail()
    world.at(0)  # Marketo's incident #1 opens; its first update is due within 15 min
    app = create_app(sessions=world.sessions, plan=lambda: world.plan, clock=world.clock)
    with serving(app) as base:
        world.data["settings"]["base_url"] = base  # plain http://: the session cookie is not Secure
        world.plan = Plan.model_validate(world.data)
        web = Web(world, base)
        yield web
        for client in web.clients:
            client.close()


@pytest.fixture
def admin(web: Web) -> httpx.Client:
    return web.sign_in(ADMIN)


def form(client: httpx.Client, **values: str) -> dict[str, str]:
    page = client.get("/incidents/1").text
    return {"csrf_token": csrf_of(page), "know": KNOW, "dont_know": DONT_KNOW, "next": "30m", **values}


def text(html: str) -> str:
    """The page's words, tags and entities aside, spaces collapsed: what a reader sees."""
    words = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    return " ".join(words.split())


def test_a_viewer_reads_the_incident_and_its_countdown_but_cannot_post(web: Web) -> None:
    viewer = web.sign_in(VIEWER)
    listed = text(viewer.get("/incidents").text)
    assert "#1 Problems with Marketo" in listed and "in 15 min 0 s" in listed
    page = viewer.get("/incidents/1")
    shown = text(page.text)
    assert page.status_code == 200 and "Post an update" not in shown
    assert "Only an admin can post updates, publish or resolve; you can read." in shown
    assert "Next update in 15 min 0 s · promised for 2025-06-02 09:15 EDT" in shown
    assert "First word inside 0 s after detection" in shown
    assert "We are investigating problems with Marketo forms." in shown  # Standby's first update
    token = csrf_of(page.text)  # the sign-out form's: a valid token does not make a viewer an admin
    reply = viewer.post(
        "/incidents/1/update",
        data={"csrf_token": token, "know": KNOW, "next": "30m"},
        headers={"Accept": "text/html"},
    )
    assert reply.status_code == 403 and "may only read" in reply.text
    assert web.updates() == 1


def test_a_form_without_the_sessions_csrf_token_is_refused(web: Web, admin: httpx.Client) -> None:
    data = form(admin)
    for forged in ({**data, "csrf_token": "forged"}, {k: v for k, v in data.items() if k != "csrf_token"}):
        assert admin.post("/incidents/1/update", data=forged).status_code == 403
    assert admin.post("/incidents/1/publish", data={}).status_code == 403
    assert web.updates() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"know": "  "}, "Say what we know: even “nothing new yet” helps."),
        ({"next": ""}, "Promise the next update: a duration like 30m, or a time like 10:30."),
        ({"next": "soon"}, "'soon' is neither a duration (30m, 1h) nor a time (10:30, or 2025-06-03 10:30)"),
        ({"next": "08:30"}, "08:30 has passed today (it is 2025-06-02 09:00 EDT)"),
        ({"next": "2025-06-02 08:00"}, "must be promised for a time still to come"),
        ({"state": "fixed"}, "unknown state 'fixed'"),
        ({"next": "99999999w"}, "'99999999w' is further away than any promise can be"),
        ({"next": "2025-02-30 10:00"}, "'2025-02-30 10:00' is not a date and time"),
        ({"next": "25:00"}, "'25:00' is not a time of day"),
    ],
)
def test_a_mistake_shows_the_form_again_with_the_message_and_the_text_kept(
    web: Web, admin: httpx.Client, change: dict[str, str], message: str
) -> None:
    typed = {"dont_know": "Whether <b>leads</b> & forms are lost.", "meanwhile": MEANWHILE, **change}
    reply = admin.post("/incidents/1/update", data=form(admin, **typed))
    assert reply.status_code == 400
    assert message in text(reply.text)
    assert "Whether &lt;b&gt;leads&lt;/b&gt; &amp; forms are lost.</textarea>" in reply.text  # kept, escaped
    assert f"{MEANWHILE}</textarea>" in reply.text
    if "next" in change:
        assert f'name="next" type="text" value="{change["next"]}"' in reply.text
    assert web.updates() == 1


def test_a_nul_character_is_dropped_rather_than_breaking_the_database(web: Web, admin: httpx.Client) -> None:
    reply = admin.post("/incidents/1/update", data=form(admin, know="Marketo\x00 is down."))
    assert reply.status_code == 303
    assert web.world.updates()[-1].what_we_know == "Marketo is down."


def test_the_preview_shows_each_audiences_message_and_sends_nothing(web: Web, admin: httpx.Client) -> None:
    before = len(web.world.smtp.messages)
    reply = admin.post("/incidents/1/update", data=form(admin, action="preview", state="identified"))
    assert reply.status_code == 200
    shown = text(reply.text)
    assert "Preview: what each audience would receive (nothing was sent)" in shown
    inside, outside = shown.split("Outside the company", 1)
    assert "marketing ✓ queued for 2 of 2 To Dana Reyes (dana@acme.example), Sam Ortiz" in inside
    assert "Subject: [incident #1 identified] Problems with Marketo" in inside and KNOW in inside
    assert "customers ✖ not sent: not published To Pat Partner (pat@partner.example)" in outside
    assert "Subject: Acme Corp: Problems with Marketo forms (identified)" in outside  # calm words outside
    assert "Public text the status page shows it only once it is published We have found the cause" in outside
    assert KNOW not in outside and DONT_KNOW not in outside
    assert f"{KNOW.replace(chr(39), '&#39;')}</textarea>" in reply.text  # the form keeps the text
    published = admin.post("/incidents/1/update", data=form(admin, action="preview", publish="1"))
    assert "customers ✓ queued for 1 of 1 To Pat Partner" in text(published.text)
    web.world.deliver()
    assert len(web.world.smtp.messages) == before and web.updates() == 1


def test_an_update_reaches_internal_audiences_only_and_publishing_sends_it_outside(
    web: Web, admin: httpx.Client
) -> None:
    data = form(admin, meanwhile=MEANWHILE, state="identified", next="09:45")  # a time of day, New York's
    reply = admin.post("/incidents/1/update", data=data)
    assert (reply.status_code, reply.headers["location"]) == (303, "/incidents/1?posted=2")
    web.world.deliver()
    assert web.world.told(SAM)[-1] == "[incident #1 identified] Problems with Marketo"
    assert web.world.told(PAT) == []
    page = text(admin.get(reply.headers["location"]).text)
    assert "lead: told" not in page  # Dana is in marketing: no separate lead
    assert (
        "Update #2 (identified) posted: its messages are in the outbox. Who heard so far: marketing: told "
        in page
    )
    assert "not published: external audiences and the status page did not get it." in page
    assert "Publish to external audiences" in page
    assert "Next update in 45 min 0 s · promised for 2025-06-02 09:45 EDT" in page

    published = admin.post(
        "/incidents/1/publish", data={"csrf_token": csrf_of(admin.get("/incidents/1").text)}
    )
    assert (published.status_code, published.headers["location"]) == (303, "/incidents/1?posted=2")
    web.world.deliver()
    assert web.world.told(PAT) == ["Acme Corp: Problems with Marketo forms (identified)"]
    assert KNOW not in web.world.body(PAT) and MEANWHILE not in web.world.body(PAT)  # never outside
    assert web.world.body(PAT).startswith("We have found the cause of the problems with Marketo forms")
    assert web.world.incident().published


def test_an_update_posted_with_publish_goes_outside_at_once(web: Web, admin: httpx.Client) -> None:
    reply = admin.post("/incidents/1/update", data=form(admin, publish="1"))
    assert reply.status_code == 303
    web.world.deliver()
    assert web.world.told(PAT) == ["Acme Corp: Problems with Marketo forms (investigating)"]
    page = text(admin.get(reply.headers["location"]).text)
    assert "published 2025-06-02 09:00 EDT by Dana Reyes" in page
    assert "The latest update has not gone outside" not in page


def test_resolving_needs_a_final_note_and_then_closes_the_incident(web: Web, admin: httpx.Client) -> None:
    token = csrf_of(admin.get("/incidents/1").text)
    missing = admin.post("/incidents/1/resolve", data={"csrf_token": token, "know": ""})
    assert missing.status_code == 400 and "Write a final note" in text(missing.text)
    note = "Marketo is back; the 14 leads captured meanwhile were replayed."
    preview = admin.post(
        "/incidents/1/resolve", data={"csrf_token": token, "know": note, "action": "preview"}
    )
    assert "Subject: [incident #1 resolved] Problems with Marketo" in text(preview.text)
    assert web.world.incident().state == "investigating"
    done = admin.post("/incidents/1/resolve", data={"csrf_token": token, "know": note})
    assert done.status_code == 303 and web.world.incident().state == "resolved"
    page = text(admin.get("/incidents/1").text)
    assert "none: resolved at 2025-06-02 09:00 EDT" in page and "Post an update" not in page
    again = admin.post("/incidents/1/update", data={**form(admin), "csrf_token": token})
    assert again.status_code == 400 and "incident #1 is resolved" in text(again.text)
    listed = text(admin.get("/incidents").text)
    assert "No open incident." in listed and "#1 Problems with Marketo" in listed


def test_an_admin_opens_an_incident_by_hand_and_a_mistake_keeps_the_choices(
    web: Web, admin: httpx.Client
) -> None:
    page = admin.get("/incidents/new?system=endpoint:demo-page")
    assert 'value="endpoint:demo-page" checked' in page.text and 'value="vendor:marketo">' in page.text
    data = {"csrf_token": csrf_of(page.text), "systems": ["endpoint:demo-page"], "severity": "minor"}
    missing = admin.post("/incidents", data={**data, "title": " "})
    assert missing.status_code == 400 and "Give the incident a title" in text(missing.text)
    assert (
        'value="endpoint:demo-page" checked' in missing.text
        and '<option value="minor" selected>' in missing.text
    )
    none = admin.post("/incidents", data={**data, "systems": [], "title": "Demo form broken"})
    assert none.status_code == 400 and "Choose at least one affected system." in text(none.text)
    reply = admin.post("/incidents", data={**data, "title": "Demo form broken"})
    assert reply.status_code == 303 and reply.headers["location"].startswith("/incidents/2?posted=")
    shown = text(admin.get(reply.headers["location"]).text)
    assert "Demo form broken" in shown and "Severity minor" in shown and "Lead Dana Reyes" in shown
    assert "Opened 2025-06-02 09:00 EDT by Dana Reyes" in shown


def test_an_unknown_incident_is_a_404_page(admin: httpx.Client) -> None:
    reply = admin.get("/incidents/99")
    assert reply.status_code == 404 and "There is no incident #99." in reply.text
    token = csrf_of(admin.get("/incidents").text)
    assert admin.post("/incidents/99/update", data={"csrf_token": token, "know": "x"}).status_code == 404
    assert admin.post("/incidents/99/publish", data={"csrf_token": token}).status_code == 404


def test_the_asset_page_and_the_alert_link_to_the_incident(admin: httpx.Client) -> None:
    asset = text(admin.get("/assets/vendor:marketo").text)
    assert "Incidents #1 Problems with Marketo (investigating)" in asset
    assert "Part of incident #1 Problems with Marketo (investigating)" in text(admin.get("/alerts").text)
    assert 'href="/incidents/1"' in admin.get("/alerts").text
