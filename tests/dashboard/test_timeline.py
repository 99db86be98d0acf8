"""The expiry timeline SVG: month ticks, today, one row per expiry coloured and labelled by status,
confirm-by marks, accessible titles, and nothing unescaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from standby.dashboard.timeline import Expiry, timeline

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 12, 3)


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # well-formed XML, or this raises


def rows(svg: ET.Element) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if "row" in g.get("class", "").split()]


def text_of(element: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in element.iter(f"{SVG}text"))


def entry(
    label: str, days: int, status: str = "ok", *, confirm_by: date | None = None, confirmed: bool = False
) -> Expiry:
    expires = date.fromordinal(TODAY.toordinal() + days)
    return Expiry(label, "domain", status, expires, days, f"/assets/domain:{label}", confirm_by, confirmed)


def test_it_draws_a_tick_for_every_month_of_the_coming_year_and_a_today_line() -> None:
    svg = parse(timeline([entry("acme.example", 40)], today=TODAY))
    months = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "month"]
    assert months == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "year"] == ["2027", "2026"]
    assert len([line for line in svg.iter(f"{SVG}line") if line.get("class") == "tick"]) == 12
    assert [line for line in svg.iter(f"{SVG}line") if line.get("class") == "today"]
    assert "today" in text_of(svg)


def test_each_expiry_is_a_row_sorted_soonest_first_classed_and_labelled_by_its_status() -> None:
    entries = [
        entry("later.example", 200),
        entry("soon.example", 20, "warning"),
        entry("gone.example", -3, "critical"),
    ]
    found = rows(parse(timeline(entries, today=TODAY)))
    assert [g.get("class") for g in found] == ["row critical", "row warning", "row ok"]
    notes = [text_of(g) for g in found]
    assert notes[0] == "gone.example expired 3 d ago · critical"
    assert notes[1] == "soon.example 20 d · warning"
    assert notes[2] == "later.example 200 d · ok"


def test_every_row_has_a_title_saying_the_whole_story_and_links_to_its_asset() -> None:
    long = "a-very-long-domain-name-indeed.example"
    svg = parse(timeline([entry(long, 20, "warning", confirm_by=date(2026, 12, 13))], today=TODAY))
    row = rows(svg)[0]
    title = row.find(f"{SVG}title")
    assert title is not None and title.text == (
        f"{long} (domain): warning; expires on 2026-12-23 (20 d); "
        "confirmation of the renewal due by 2026-12-13"
    )
    assert text_of(row).startswith("a-very-long-domain-name-…")  # cut on screen, whole in the title
    link = row.find(f"{SVG}a")
    assert link is not None and link.get("href") == f"/assets/domain:{long}"
    assert (
        svg.get("role") == "img"
        and svg.find(f"{SVG}title") is not None
        and svg.find(f"{SVG}desc") is not None
    )


def test_a_confirm_by_date_is_a_diamond_before_the_expiry_and_says_when_it_is_overdue() -> None:
    ahead = entry("ahead.example", 90, confirm_by=date(2027, 1, 2))
    overdue = entry("late.example", 20, "warning", confirm_by=date(2026, 11, 3))
    done = entry("done.example", 25, "warning", confirm_by=date(2026, 11, 25), confirmed=True)
    found = rows(parse(timeline([ahead, overdue, done], today=TODAY)))
    by_label = {text_of(g).split()[0]: g for g in found}
    diamonds = {
        k: [p for p in g.iter(f"{SVG}path") if p.get("class") == "confirm"] for k, g in by_label.items()
    }
    assert len(diamonds["ahead.example"]) == 1 and not diamonds["late.example"]
    assert "confirm by 02 Jan" in text_of(by_label["ahead.example"])
    assert "confirmation overdue" in text_of(by_label["late.example"])
    assert "renewal confirmed" in text_of(by_label["done.example"])


def test_an_expiry_beyond_the_year_is_an_arrow_at_the_end_and_the_empty_chart_says_so() -> None:
    far = rows(parse(timeline([entry("far.example", 500)], today=TODAY)))[0]
    assert far.find(f"{SVG}circle") is None and far.find(f"{SVG}path") is not None
    assert "500 d" in text_of(far)
    empty = parse(timeline([], today=TODAY))
    assert "Nothing known expires in the next 12 months." in text_of(empty)


def test_names_and_links_are_escaped() -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    markup = timeline([Expiry(evil, "domain", "ok", date(2027, 2, 1), 60, f'/assets/x"{evil}')], today=TODAY)
    assert "<script" not in markup and "<img" not in markup
    svg = parse(markup)  # still well-formed: the quote in the href did not break out
    assert rows(svg)[0].find(f"{SVG}title").text.startswith(evil)  # type: ignore[union-attr]
