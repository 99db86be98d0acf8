"""Inside and outside have their own words. An update's internal fields (what we know, what we don't
know, what to do meanwhile) go to insiders; outsiders read only its public text, prefilled from the
playbook and edited in the same form. After a published update, the status page, its JSON and its
Atom feed hold the public text and not one internal string."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.stage import Stage, stage
from tests.dashboard.site import csrf_of
from tests.incidents.test_routes import text

INTERNAL = {
    "know": "Marketo's REST API answers 503 for munchkin 414-XYZ since 08:58.",
    "dont_know": "Whether Adobe's renewal of our Engage licence went through.",
    "meanwhile": "Sales: use the Typeform fallback link; do not email customers.",
}
PUBLIC = "Our demo-request forms are slow to confirm. Every request is kept and will be answered."


def plan(s: Stage) -> dict[str, Any]:
    return s.plan(
        timezone="America/New_York",
        settings={"email": {"smtp": s.smtp.url, "from": "standby@acme-ops.example", "starttls": False}},
        people=[
            {"id": "dana", "name": "Dana Reyes", "email": "dana@acme.example"},
            {"id": "pat", "name": "Pat Partner", "email": "pat@partner.example"},
        ],
        audiences=[
            {"id": "marketing", "members": ["dana"]},
            {"id": "customers", "members": ["pat"], "external": True, "status_page": True},
        ],
        vendors=[{**s.internet.plan()["vendors"][0], "playbook": "marketo-down"}],
        playbooks=[
            {
                "id": "marketo-down",
                "update_every": "30m",
                "audiences": ["marketing", "customers"],
                "public_text": "We are looking into problems with {{ incident.public_systems | join(', ') }}.",
            }
        ],
        status_page={
            "url": "https://status.acme-status.example",
            "publish": [{"url": str(s.directory / "site")}],
            "components": [{"asset": "vendor:marketo", "name": "Demo forms"}],
        },
    )


def published(site: Path) -> str:
    return "\n".join(p.read_text() for p in sorted(site.rglob("*")) if p.is_file())


async def test_outsiders_read_the_public_text_and_nothing_written_for_insiders(tmp_path: Path) -> None:
    async with stage(tmp_path) as s:
        s.run(plan(s))
        await s.tick(0)
        s.internet.vendor.set_component("Marketo Engage", "major_outage")
        await s.tick()
        await s.tick()  # Marketo's incident opens
        with s.web():
            assert s.admin is not None
            page = s.admin.get("/incidents/1").text
            # The form starts from the playbook's public text.
            assert "We are looking into problems with Demo forms.</textarea>" in page
            form = {"csrf_token": csrf_of(page), "next": "30m", "public": PUBLIC, **INTERNAL}
            asked = form | {"action": "preview", "publish": "1"}
            preview = text(s.admin.post("/incidents/1/update", data=asked).text)
            inside, outside = preview.split("Outside the company", 1)
            assert all(words in inside for words in INTERNAL.values()) and PUBLIC in outside
            assert not any(words in outside for words in INTERNAL.values())
            posted = s.admin.post("/incidents/1/update", data=form | {"publish": "1"})
            assert posted.status_code == 303, posted.text
            await s.tick(5)  # the page is rebuilt and published
            served = {
                p: s.admin.get(f"/status/{p}").text for p in ("", "history.atom", "api/v2/summary.json")
            }

        files = published(tmp_path / "site")
        for where in (files, *served.values()):
            assert PUBLIC in where
            for words in INTERNAL.values():
                assert words not in where and words.replace("'", "&#39;") not in where
        assert "<entry>" in served["history.atom"] and PUBLIC in served["history.atom"]
        [outsider] = [m for m in s.smtp.messages if m["To"] == "pat@partner.example"]
        body = outsider.get_content()
        assert body.startswith(PUBLIC) and not any(words in body for words in INTERNAL.values())
        insider = [m.get_content() for m in s.smtp.messages if m["To"] == "dana@acme.example"][-1]
        assert all(words in insider for words in INTERNAL.values()) and PUBLIC in insider  # insiders see both
