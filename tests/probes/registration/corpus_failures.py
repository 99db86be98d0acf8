"""Show what the parser gets wrong on the corpus's TUNING slice, one answer at a time.

    STANDBY_CORPUS_EXTRA=/path/to/staged uv run --locked python -m tests.probes.registration.corpus_failures [FIELD]

Retired held-out slices (`r1-held-out` ... `r4-held-out`) are tuning material and shown. Held-out answers are never
shown, not even their names: only their aggregate figures (the test run's
end-of-run report) may be looked at, so that the held-out figure stays a measure of answers the
parser was not fixed against.
"""

from __future__ import annotations

import sys

from tests.probes.registration.test_corpus import RECORDS, SAMPLES, expected_value, outcomes


def main(argv: list[str]) -> int:
    wanted = set(argv)
    for sample in SAMPLES:
        if sample.heldout or sample.id not in RECORDS:
            continue
        record = RECORDS[sample.id]
        for field, right in outcomes(sample).items():
            if right or (wanted and field not in wanted) or field.startswith(" "):
                continue
            verdict = field in ("free vs registered", "throttled")
            expected = expected_value(sample, "availability" if verdict else field.split()[0])
            print(f"{sample.id}  [{field}]  expected {expected!r}")
            print(
                f"    ours: availability={record.availability.value} evidence={record.evidence!r} "
                f"expires={record.expires_at} created={record.created_at} registrar={record.registrar!r} "
                f"ns={record.nameservers} statuses={record.statuses}"
            )
            print(f"    raw: {sample.raw}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
