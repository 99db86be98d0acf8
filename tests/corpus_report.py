"""Pass rates of the registry-data conformance corpus, printed at the end of the test run."""

from __future__ import annotations

RATES: dict[tuple[str, str], tuple[int, int]] = {}


def record_rate(source: str, field: str, passed: int, total: int) -> None:
    """Remember that `passed` of `total` samples of `source` gave the expected `field`."""
    RATES[(source, field)] = (passed, total)


def lines() -> list[str]:
    out = []
    for (source, field), (passed, total) in sorted(RATES.items()):
        rate = 100.0 * passed / total if total else 100.0
        out.append(f"{source:42s} {field:18s} {passed:4d}/{total:<4d} {rate:6.1f} %")
    return out
