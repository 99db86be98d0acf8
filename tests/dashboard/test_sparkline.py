"""The latency sparkline: a line through the answers, gaps and marks where checks got none, and the
numbers in words for whoever cannot see the line."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from standby.dashboard.sparkline import HEIGHT, PAD, WIDTH, sparkline

SVG = "{http://www.w3.org/2000/svg}"


def test_it_draws_one_line_through_every_answer_scaled_to_the_slowest() -> None:
    svg = ET.fromstring(sparkline([10, 20, 40]))
    (line,) = svg.iter(f"{SVG}polyline")
    points = [tuple(map(float, p.split(","))) for p in line.get("points", "").split()]
    assert [x for x, _ in points] == [PAD, WIDTH / 2, WIDTH - PAD]
    assert points[2][1] == PAD  # the slowest touches the top
    assert points[0][1] > points[1][1] > points[2][1]
    assert svg.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"


def test_failed_checks_break_the_line_and_are_marked_on_the_baseline() -> None:
    svg = ET.fromstring(sparkline([10, 12, None, None, 11, None, 9, 14]))
    assert len(list(svg.iter(f"{SVG}polyline"))) == 2  # 10-12 and 9-14
    assert len(list(svg.iter(f"{SVG}circle"))) == 1  # 11, alone between failures
    assert len([r for r in svg.iter(f"{SVG}rect") if r.get("class") == "failed"]) == 3


def test_its_title_says_the_numbers_in_words() -> None:
    svg = ET.fromstring(sparkline([10, 30, None, 20]))
    title = svg.find(f"{SVG}title")
    expected = (
        "Latency of the last 4 checks: 10–30 ms, median 20 ms, latest 20 ms; 1 failed without an answer"
    )
    assert title is not None and title.text == expected
    assert svg.get("role") == "img" and svg.get("aria-label") == expected
    assert "the latest failed" in (ET.fromstring(sparkline([10, None])).findtext(f"{SVG}title") or "")
