from __future__ import annotations

from datetime import timedelta

import pytest

from standby.core.durations import format_duration, parse_duration
from standby.core.hostport import split_host_port


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
    ("text", "expected"),
    [
        ("1.1.1.1", ("1.1.1.1", 53)),
        ("9.9.9.9:5353", ("9.9.9.9", 5353)),
        ("[::1]:54", ("::1", 54)),
        ("::1", ("::1", 53)),
        ("ns1.acme.example", ("ns1.acme.example", 53)),
    ],
)
def test_it_splits_host_and_port(text: str, expected: tuple[str, int]) -> None:
    assert split_host_port(text, 53) == expected


def test_it_refuses_a_bad_port() -> None:
    with pytest.raises(ValueError, match="bad port"):
        split_host_port("1.1.1.1:0", 53)
