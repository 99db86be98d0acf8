from __future__ import annotations

from datetime import UTC, datetime, timedelta

from standby.core.expiry import days_left, expiry_details, expiry_status, iso
from standby.core.status import Status

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_days_left_rounds_down_and_goes_negative_after_expiry() -> None:
    assert days_left(NOW + timedelta(days=10, hours=23), NOW) == 10
    assert days_left(NOW + timedelta(hours=1), NOW) == 0
    assert days_left(NOW - timedelta(hours=1), NOW) == -1


def test_thresholds_are_inclusive() -> None:
    rule = {"warn_within": timedelta(days=30), "critical_within": timedelta(days=7)}
    assert expiry_status(NOW + timedelta(days=31), NOW, **rule) is Status.OK
    assert expiry_status(NOW + timedelta(days=30), NOW, **rule) is Status.WARNING
    assert expiry_status(NOW + timedelta(days=7), NOW, **rule) is Status.CRITICAL
    assert expiry_status(NOW - timedelta(days=1), NOW, **rule) is Status.CRITICAL


def test_an_unknown_expiry_is_never_zero_days() -> None:
    assert expiry_details(None, NOW) == {"expires_at": None, "days_left": None}
    assert expiry_details(NOW + timedelta(days=2), NOW) == {
        "expires_at": "2026-12-05T12:00:00Z",
        "days_left": 2,
    }
    assert iso(datetime(2027, 1, 1, 5, tzinfo=UTC)) == "2027-01-01T05:00:00Z"
