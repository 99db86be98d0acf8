from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from standby.core.timetext import at, format_duration, parse_duration, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("6h", timedelta(hours=6)),
        ("30d", timedelta(days=30)),
        ("2w", timedelta(weeks=2)),
        ("1h30m", timedelta(minutes=90)),
        ("500ms", timedelta(milliseconds=500)),
        ("1.5h", timedelta(minutes=90)),
    ],
)
def test_it_reads_durations_as_people_write_them(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "30", "30 days", "d30", "1x", "5m garbage"])
def test_it_refuses_what_is_not_a_duration_and_says_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match="like 90s, 15m, 6h or 30d"):
        parse_duration(text)


def test_it_writes_the_shortest_exact_spelling() -> None:
    assert format_duration(timedelta(days=30)) == "30d"
    assert format_duration(timedelta(minutes=90)) == "1h30m"
    assert format_duration(timedelta(0)) == "0s"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=42), "42 min"),
        (timedelta(hours=3, minutes=5), "3 h 5 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(days=1), "1 day"),
        (timedelta(hours=36), "36 h"),
        (timedelta(days=2, hours=5), "2 days"),
        (timedelta(days=14), "14 days"),
    ],
)
def test_it_words_a_duration_for_people_to_the_minute(delta: timedelta, expected: str) -> None:
    assert words(delta) == expected


def test_it_words_seconds_only_when_asked() -> None:
    assert words(timedelta(seconds=12), seconds=True) == "12 s"
    assert words(timedelta(minutes=4, seconds=12), seconds=True) == "4 min"


def test_it_shows_an_instant_in_the_plans_time_zone() -> None:
    assert at(datetime(2025, 6, 1, 13, 30, tzinfo=UTC), "America/New_York") == "2025-06-01 09:30 EDT"
