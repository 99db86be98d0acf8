"""Pass rates of the registry-data conformance corpus, printed at the end of the test run."""

from __future__ import annotations

RATES: dict[tuple[str, str, str], tuple[int, int]] = {}


def record_rate(source: str, part: str, field: str, passed: int, total: int) -> None:
    """Remember that `passed` of `total` samples of `source` (slice `part`) gave the expected `field`."""
    RATES[(source, part, field)] = (passed, total)


def lines() -> list[str]:
    out = [f"{'source':36s} {'slice':8s} {'field':22s} {'passed':>9s}"]
    for (source, part, field), (passed, total) in sorted(RATES.items()):
        rate = f"{100.0 * passed / total:6.1f} %" if total else "     - "
        out.append(f"{source:36s} {part:8s} {field:32s} {passed:4d}/{total:<4d} {rate}")
    return out
