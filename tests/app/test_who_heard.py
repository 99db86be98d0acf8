"""Who was told is what the outbox delivered. Marketo fails; of the four people of the marketing
audience three have no channel (the plan configures no email relay) and one has a webhook that fails.
The incident page, the command line and the API name exactly who was reached — nobody — and the time
to first word stays "not yet" until a real delivery; a preview warns before anyone posts into the void.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.app.stage import Stage, stage
from tests.dashboard.site import csrf_of
from tests.incidents.test_routes import text

NOBODY = "not yet — nobody reached"


def plan(s: Stage) -> dict[str, Any]:
    return s.plan(
        timezone="America/New_York",
        people=[
            {"id": "dana", "name": "Dana Reyes", "email": "dana@acme.example"},
            {"id": "pat", "name": "Pat Lane", "email": "pat@acme.example"},
            {"id": "lee", "name": "Lee Park", "notify": [s.hook.apprise_url]},
            {"id": "sam", "name": "Sam Ortiz", "email": "sam@acme.example"},
        ],
        audiences=[{"id": "marketing", "members": ["dana", "pat", "lee", "sam"]}],
        vendors=[{**s.internet.plan()["vendors"][0], "playbook": "marketo-down"}],
        playbooks=[{"id": "marketo-down", "update_every": "30m", "audiences": ["marketing"]}],
    )


async def test_only_a_delivered_message_counts_as_telling_someone(tmp_path: Path) -> None:
    async with stage(tmp_path) as s:
        s.hook.status = 500  # Lee's webhook fails
        s.run(plan(s))
        await s.tick(0)
        s.internet.vendor.set_component("Marketo Engage", "major_outage")
        await s.tick()
        await s.tick()  # the second bad look opens the alert and Marketo's incident
        assert s.hook.posted == [] and s.smtp.messages == []

        code, shown = s.cli("incident", "show", "1")
        assert code == 0, shown
        assert f"first word:   inside {NOBODY}; outside {NOBODY}" in shown
        no_mail = (
            "no channel: has an email address but the plan configures no settings.email, and no notify URL"
        )
        heard = next(line for line in shown.splitlines() if line.startswith("  marketing:"))
        assert heard.startswith("  marketing: told nobody; not told: Dana Reyes (")
        assert f"Dana Reyes ({no_mail})" in heard and f"Pat Lane ({no_mail})" in heard
        assert re.search(r"Lee Park \(json://127\.0\.0\.1:\d+/hook: failing, retrying: ", heard), heard
        timeline = shown.split("Timeline")[1]
        kinds = [line.split()[3] for line in timeline.splitlines()[1:] if line.strip()]
        assert "delivered" not in kinds and "not_delivered" in kinds, kinds

        with s.web():
            assert s.api is not None and s.admin is not None
            found = s.api.get("/api/v1/incidents/1").json()
            assert (found["first_word_inside_at"], found["first_word_inside"]) == (None, NOBODY)
            [marketing] = found["audiences"]
            outcomes = {p["name"]: (p["outcome"], p["why_not"] is not None) for p in marketing["people"]}
            assert marketing["reached"] == 0 and outcomes == {
                "Dana Reyes": ("no channel", True),
                "Pat Lane": ("no channel", True),
                "Lee Park": ("failing", True),
                "Sam Ortiz": ("no channel", True),
            }
            page = text(s.admin.get("/incidents/1").text)
            assert f"First word inside {NOBODY}" in page and "marketing ✖ nobody reached" in page
            assert "Told " not in page.split("Who heard")[1].split("Post an update")[0]

            # Before posting, the preview says this would reach no one.
            token = csrf_of(s.admin.get("/incidents/1").text)
            form = {"csrf_token": token, "know": "Marketo is down.", "dont_know": "", "next": "30m"}
            preview = text(s.admin.post("/incidents/1/update", data=form | {"action": "preview"}).text)
            assert "Every channel to marketing failed lately" in preview
            assert "this update may reach no one there" in preview and "marketing ✖ reaches nobody" in preview
            assert (
                "Cannot reach Dana Reyes: has an email address but the plan configures no settings.email"
                in preview
            )

            s.hook.status = 200  # Lee's webhook works again: the outbox's retry reaches him
            await s.tick(120)
            assert len(s.hook.posted) == 1 and "Problems with Marketo" in s.hook.posted[0]["title"]

            found = s.api.get("/api/v1/incidents/1").json()
            assert found["first_word_inside_at"] is not None
            assert re.fullmatch(r"\d+ (s|min) after detection", found["first_word_inside"])
            lee = next(p for p in found["audiences"][0]["people"] if p["name"] == "Lee Park")
            assert (lee["outcome"], lee["channel"], lee["why_not"]) == ("delivered", "apprise", None)
            assert found["audiences"][0]["reached"] == 1
            page = text(s.admin.get("/incidents/1").text)
            assert "marketing ✓ 1 of 4 reached" in page and "Told Lee Park (apprise, " in page
            assert f"First word inside {found['first_word_inside']}" in page

        code, shown = s.cli("incident", "show", "1")
        assert f"first word:   inside {found['first_word_inside']}; outside {NOBODY}" in shown
        assert "  marketing: told Lee Park (apprise, " in shown
        assert re.search(r"delivered +update #1 to marketing: delivered to Lee Park by apprise", shown)
