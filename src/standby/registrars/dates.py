"""Registrars write dates several ways; each becomes an aware UTC datetime or None."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_date(value: Any) -> datetime | None:
    """ISO 8601 (`2026-01-15T10:00:00Z`, `2026-01-15T10:00:00.000Z`), `2026-01-15 10:00:00` (Porkbun,
    read as UTC: its documentation names no zone) or epoch seconds. None when absent or unreadable."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def flag(value: Any) -> bool | None:
    """true/false, 1/0, "1"/"0", "yes"/"no" → bool; anything else → None (the registrar did not say)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "0", "false", "no"):
        return value.strip().lower() in ("1", "true", "yes")
    return None
