from __future__ import annotations

import pytest

from standby.core.hostport import split_host_port


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
