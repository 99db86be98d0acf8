"""Rendering: Statuspage v2 JSON that validates, a valid Atom feed, and a self-contained, escaped page."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema

from standby.core.status import Status
from standby.plan.model import Vendor
from standby.probes.vendor import evaluate
from standby.statuspage.render import render
from tests.statuspage.pages import DEMO, MARKETO, T0, sample_page

SCHEMA = json.loads((Path(__file__).parent / "statuspage_v2.schema.json").read_text())
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert("x")</script> & "Marketo"'


def _validate(document: Any, definition: str) -> None:
    schema = {"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"}
    jsonschema.Draft202012Validator(schema).validate(document)


def _json(files: dict[str, bytes], path: str) -> Any:
    return json.loads(files[path])


def test_summary_json_has_the_statuspage_v2_shape() -> None:
    summary = _json(render(sample_page()), "api/v2/summary.json")
    jsonschema.Draft202012Validator(SCHEMA).validate(summary)
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert summary["page"]["updated_at"] == "2026-03-02T14:20:00.000Z"
    names = [(c["name"], c["status"], c["group"]) for c in summary["components"]]
    assert names == [
        ("Lead capture", "partial_outage", True),
        ("Marketo forms", "partial_outage", False),
        ("Demo page", "operational", False),
        ("acme.example", "operational", False),
    ]
    group = summary["components"][0]
    assert group["components"] == [MARKETO, DEMO]
    assert [c["group_id"] for c in summary["components"][1:]] == [group["id"], group["id"], None]
    assert [i["id"] for i in summary["incidents"]] == ["inc-2"]
    assert summary["scheduled_maintenances"] == []


def test_incidents_json_lists_recent_incidents_newest_first_with_their_updates() -> None:
    files = render(sample_page())
    incidents = _json(files, "api/v2/incidents.json")
    _validate(incidents, "incidents")
    assert [i["id"] for i in incidents["incidents"]] == ["inc-2", "inc-1"]  # inc-0 is past the history
    active, past = incidents["incidents"]
    assert [u["id"] for u in active["incident_updates"]] == ["upd-2", "upd-1"]
    assert active["incident_updates"][0]["affected_components"] == [
        {
            "code": MARKETO,
            "name": "Marketo forms",
            "old_status": "operational",
            "new_status": "partial_outage",
        }
    ]
    assert active["incident_updates"][1]["affected_components"] is None
    assert [c["id"] for c in active["components"]] == [MARKETO]
    assert active["shortlink"] == "https://status.acme-status.example/#incident-inc-2"
    assert past["monitoring_at"] == "2026-02-28T14:20:00.000Z"
    assert past["resolved_at"] == "2026-02-28T14:40:00.000Z"
    unresolved = _json(files, "api/v2/incidents/unresolved.json")
    _validate(unresolved, "incidents")
    assert [i["id"] for i in unresolved["incidents"]] == ["inc-2"]


def test_status_and_components_json_have_their_shapes() -> None:
    files = render(sample_page())
    _validate(_json(files, "api/v2/status.json"), "status_document")
    _validate(_json(files, "api/v2/components.json"), "components")


def test_standbys_own_vendor_probe_reads_the_published_summary() -> None:
    summary = _json(render(sample_page()), "api/v2/summary.json")
    vendor = Vendor(id="acme", components=["Marketo forms", "Demo page"])
    status, text, _ = evaluate(vendor, summary, "https://status.acme-status.example/api/v2/summary.json")
    assert status is Status.WARNING
    assert "Marketo forms has a partial outage" in text


def test_the_feed_is_atom_with_one_entry_per_update() -> None:
    feed = ET.fromstring(render(sample_page(body=HOSTILE + "\x0b"))["history.atom"])
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "https://status.acme-status.example/",
        "self": "https://status.acme-status.example/history.atom",
    }
    assert feed.findtext(f"{ATOM}updated") == "2026-03-02T14:20:00.000Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id", "").rpartition("-")[2] for e in entries] == ["2", "1", "0c", "0b", "0a"]
    for entry in entries:
        for required in ("id", "title", "updated", "link", "content"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    first_update = entries[1]
    assert first_update.findtext(f"{ATOM}title") == "Leads are not arriving: Investigating"
    content = first_update.findtext(f"{ATOM}content", "")
    assert content.startswith(HOSTILE + "\n")  # escaped on the way in, intact on the way out; \x0b dropped
    assert "Next update by 2 Mar 2026, 09:30 EST." in content


def test_the_page_shows_status_components_incidents_and_the_next_update() -> None:
    html = render(sample_page())["index.html"].decode()
    assert '<html lang="en">' in html and 'name="viewport"' in html
    assert '<p class="banner tone-major" role="status">Partial System Outage</p>' in html
    assert "<h3>Lead capture</h3>" in html
    assert "Next update by" in html and "2 Mar 2026, 09:50 EST" in html
    assert html.index("Current incidents") < html.index("Components") < html.index("Past incidents")
    assert "Slow demo page" in html and "<summary>3 updates</summary>" in html and "Long ago" not in html
    assert "Demo &amp; contact" in html


def test_the_page_has_no_external_assets_or_scripts() -> None:
    html = render(sample_page())["index.html"].decode()
    references = re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', html)
    assert references and not [r for r in references if "://" in r or r.startswith("//")]
    assert "<script" not in html and "@import" not in html and "url(" not in html


def test_a_hostile_component_name_is_escaped_everywhere() -> None:
    files = render(sample_page(name=HOSTILE, body=HOSTILE))
    html = files["index.html"].decode()
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Marketo&#34;" in html
    assert _json(files, "api/v2/summary.json")["components"][1]["name"] == HOSTILE


def test_the_same_page_renders_to_the_same_bytes_whenever_it_is_rendered() -> None:
    page = sample_page()
    later = replace(page, generated_at=page.generated_at + timedelta(minutes=5))
    assert render(page) == render(later)
    changed = replace(page, components=[replace(page.components[0], status="operational", updated_at=T0)])
    assert render(changed)["api/v2/summary.json"] != render(page)["api/v2/summary.json"]


def test_an_empty_page_says_all_is_well() -> None:
    page = replace(sample_page(), components=[], incidents=[])
    files = render(page)
    jsonschema.Draft202012Validator(SCHEMA).validate(_json(files, "api/v2/summary.json"))
    assert "All Systems Operational" in files["index.html"].decode()
    assert "No incidents in the last 30 days." in files["index.html"].decode()
    assert ET.fromstring(files["history.atom"]).findall(f"{ATOM}entry") == []
