"""The dashboard's pages over a store the real engine filled: what each shows, to whom."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from standby.engine.models import PlanLoad
from tests.dashboard.site import VIEWER, Dashboard


def text(html: str) -> str:
    """The page's words, tags gone and spaces squeezed: what a reader sees."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [text(row) for row in body.split("</tr>") if row.strip()]


def test_an_anonymous_visitor_is_sent_to_sign_in_first(dashboard: Dashboard) -> None:
    client = dashboard.anonymous()
    for path in ("/", "/assets/domain:acme.example", "/alerts", "/people", "/plan"):
        reply = client.get(path, headers={"Accept": "text/html"})
        assert reply.status_code == 303 and reply.headers["location"].startswith("/login?next=")


def test_the_overview_lists_every_asset_most_urgent_first_with_days_left_owner_and_alerts(
    dashboard: Dashboard,
) -> None:
    client = dashboard.sign_in()
    page = client.get("/")
    assert page.status_code == 200
    rows = rows_of(page.text)
    assert [r.split()[1] for r in rows] == ["critical"] * 2 + ["warning"] * 2 + ["ok"] * 4
    names = [r.split()[2] for r in rows]
    assert names[:2] == ["acme-mkto.example", "demo-page"]  # both critical: the one with a date first
    assert names[2].startswith("shop.acme.example:") and names[3] == "acme-shop.example"  # 8 d, then 19 d
    shop = rows[3]
    assert "expires in 20 days" in shop and "19 d" in shop and "Dana Reyes" in shop
    assert re.search(r"#\d+ open #\d+ open", shop)  # its registration alert and its unconfirmed renewal
    assert "Lee Park" in rows[2]
    assert "✖ critical 2 ! warning 2 ✓ ok 4" in text(page.text)
    assert "acme-shop.example domain renewal unverified" in shop  # the plan has no registrar account


def test_the_overview_draws_the_expiry_timeline_with_confirm_by_marks(dashboard: Dashboard) -> None:
    client = dashboard.sign_in()
    page = client.get("/").text
    chart = page[page.index('<svg class="timeline"') : page.index("</svg>")]
    titles = re.findall(r'<g class="row (\w+)"><title>([^<]+)</title>', chart)
    names = [t.split(" (")[0] for _, t in titles]  # soonest first
    assert names[0].startswith("shop.acme.example:")
    assert names[1:] == ["acme-shop.example", "acme-events.example", "acme.example", "acme-mkto.example"]
    status = {t.split(" (")[0]: s for s, t in titles}
    assert status["acme-shop.example"] == "warning" and status["acme-mkto.example"] == "critical"
    shop = next(t for _, t in titles if t.startswith("acme-shop.example"))
    assert "confirmation of the renewal overdue since" in shop
    assert chart.count('class="confirm"') == 3  # events and the certificate ahead; the legend's


def test_an_asset_page_shows_its_checks_alerts_chain_and_who_was_told(dashboard: Dashboard) -> None:
    client = dashboard.sign_in()
    page = client.get("/assets/domain:acme-shop.example")
    assert page.status_code == 200
    words = text(page.text)
    assert "acme-shop.example ! warning" in words
    assert "registration ! warning acme-shop.example expires in 20 days" in words
    assert (
        "Registry answer: registered — " in words
        and "said: 'rdap domain object 'acme-shop.example'" in words.lower()
    )
    assert "delegation ✓ ok" in words
    assert "Its alerts" in words and "renewal not confirmed" in words
    assert "at once : Dana Reyes (dana@acme.example)" in words
    assert "after 30 min : Lee Park (lee@acme.example, json://lee:****@127.0.0.1:" in words
    assert "step 1, round 1: told Dana Reyes by dana@acme.example" in words
    assert "Dana Reyes email dana@acme.example" in words and "✓ sent" in words  # the outbox's delivery
    assert "Renewal Expires" in words and "Confirmed not yet" in words


def test_an_endpoint_page_draws_its_latency_and_lists_its_history(dashboard: Dashboard) -> None:
    client = dashboard.sign_in()
    page = client.get("/assets/endpoint:home").text
    assert '<svg class="sparkline"' in page
    assert re.search(r"Latency of the last 12 checks: \d+–\d+ ms, median \d+ ms, latest \d+ ms", page)
    assert len(rows_of(page.split('id="history-heading"')[1])) == 12
    assert "No alert about it so far." in page
    assert "The chain an alert would follow: the default chain" in text(page)


def test_an_unknown_asset_is_a_page_saying_so(dashboard: Dashboard) -> None:
    client = dashboard.sign_in()
    reply = client.get("/assets/domain:nowhere.example")
    assert reply.status_code == 404
    assert "Neither the running plan nor the store knows domain:nowhere.example" in reply.text


def test_the_alerts_page_groups_alerts_by_state_with_buttons_for_an_admin(dashboard: Dashboard) -> None:
    client = dashboard.sign_in()
    page = client.get("/alerts").text
    words = text(page)
    # acme-mkto.example lapsed: its delegation's alert has the registration's cause, shown in its card
    assert "Open (5) · Acknowledged (0) · Resolved (latest 0)" in words
    assert page.count("Acknowledge as Dana Reyes") == 5
    assert "Same cause: 1 more alert, not paged separately" in words
    assert re.search(r"#\d+ domain:acme-mkto\.example delegation, open", words)
    assert page.count('value="renewed"') == 1  # only the unconfirmed renewal
    assert "No alert is acknowledged and still going on." in words


def test_a_viewer_reads_the_alerts_but_gets_no_buttons(dashboard: Dashboard) -> None:
    client = dashboard.sign_in(VIEWER)
    page = client.get("/alerts").text
    assert "Acknowledge as" not in page and 'value="renewed"' not in page
    assert "Only an admin can acknowledge this alert" in page
    assert "auditor@ops.example (viewer)" in text(page)


def test_the_people_page_draws_the_reports_to_tree_with_channels_and_the_last_deliveries(
    dashboard: Dashboard,
) -> None:
    client = dashboard.sign_in()
    page = client.get("/people").text
    lee, dana = page.index('id="person-lee"'), page.index('id="person-dana"')
    assert lee < dana and 'aria-label="Reports to Lee Park"' in page[lee:dana]  # Dana is under Lee
    words = text(page[dana:])
    assert "Reached by email: dana@acme.example" in words
    assert re.search(r"Last messages “\[\w+\] .+” sent by email to dana@acme.example at 20", words)
    assert "acme-mkto.example ✖ critical" in words and "demo-page ✖ critical" in words
    lees = text(page[lee:dana])
    assert "“[reminder] shop.acme.example" in lees  # Lee owns the certificate
    assert "sent by email to lee@acme.example" in lees
    assert re.search(
        r"✖ “\[reminder\] [^”]+” waiting to go by apprise to json://lee:\*\*\*\*@127\.0\.0\.1", lees
    )
    assert "last error: Apprise could not deliver" in lees
    assert "s3cret" not in page  # the webhook's password never shows


def test_the_plan_page_shows_the_running_version_and_the_independence_audit(dashboard: Dashboard) -> None:
    client = dashboard.sign_in()
    page = client.get("/plan").text
    with dashboard.store.sessions() as session:
        load = session.scalars(select(PlanLoad)).one()
    words = text(page)
    assert f"version {load.sha256[:12]} of {load.path}" in words
    assert (
        "2 people · 4 domains · 1 certificate · 0 DNS checks · 2 endpoints · 1 vendor · 0 playbooks" in words
    )
    assert "The plan file is valid" in words
    assert "people[0].email: dana owns acme.example but reads email at dana@acme.example" in words


def test_the_plan_page_says_when_the_latest_edit_was_refused_and_why(fresh: Dashboard) -> None:
    with fresh.store.sessions.begin() as session:
        session.add(
            PlanLoad(
                path="/etc/standby/plan.yaml",
                sha256="f" * 64,
                loaded_at=fresh.store.clock.now() + timedelta(minutes=1),
                valid=False,
                messages=["plan.yaml:12:5 domains[0].owner: unknown person 'dnaa' (did you mean 'dana'?)"],
            )
        )
    client = fresh.sign_in()
    words = text(client.get("/plan").text)
    assert "The latest edit was refused" in words and "the last good plan keeps running" in words
    assert "unknown person 'dnaa' (did you mean 'dana'?)" in words
    assert "The plan file is valid" not in words
