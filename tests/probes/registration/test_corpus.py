"""Conformance over the registry-data corpus (tests/data/corpus, see its README and docs/corpus.md).

Every raw WHOIS / RDAP sample goes through our parser and is compared with its expected file.
Pass rates per source and field are printed at the end of the run; floors keep them from sliding.
The peers' expected values are their parsers' output, not ground truth: where ours is right and
theirs is wrong, CORRECTIONS holds the right value and the reason, and the sample is held to that.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from standby.core.errors import ProbeError
from standby.probes.registration.rdap_parse import parse_rdap
from standby.probes.registration.record import RegistrationRecord
from standby.probes.registration.status_names import normalize_statuses
from standby.probes.registration.whois_parse import parse_whois
from tests.corpus_report import record_rate

CORPUS = Path(__file__).parents[2] / "data" / "corpus"

EXCLUDED = {
    ("whois/likexian-whois-parser", name): "IANA WHOIS record for a TLD, not a domain registration"
    for name in ("cn_cn", "com_com", "google_google", "swiss_swiss")
}

_JPRS = "the raw `[State] Connected (YYYY/MM/DD)` line is the JPRS expiry; the peer reads none"
_TW = "`(UTC+8)` moves the instant 8 hours back; the peer moved it forward"
CORRECTIONS: dict[tuple[str, str, str], tuple[object, str]] = {
    ("whois/python-whois", "titech.ac.jp", "expiration_date"): ("2026-03-31T00:00:00Z", _JPRS),
    ("whois/python-whois", "yahoo.co.jp", "expiration_date"): ("2025-09-30T00:00:00Z", _JPRS),
    ("whois/likexian-whois-parser", "jp_goo.ne.jp", "expiration_date"): ("2024-06-30T00:00:00Z", _JPRS),
    ("whois/likexian-whois-parser", "jp_google.co.jp", "expiration_date"): ("2024-03-31T00:00:00Z", _JPRS),
    ("whois/likexian-whois-parser", "jp_mod.go.jp", "expiration_date"): ("2024-12-31T00:00:00Z", _JPRS),
    ("whois/likexian-whois-parser", "jp_titech.ac.jp", "expiration_date"): ("2024-03-31T00:00:00Z", _JPRS),
    ("whois/likexian-whois-parser", "tw_google.com.tw", "expiration_date"): ("2021-11-08T16:00:00Z", _TW),
    ("whois/likexian-whois-parser", "tw_google.com.tw", "creation_date"): ("2000-08-29T02:22:50Z", _TW),
    ("whois/likexian-whois-parser", "tw_google.net.tw", "expiration_date"): ("2021-08-12T16:00:00Z", _TW),
    ("whois/likexian-whois-parser", "tw_google.net.tw", "creation_date"): ("2010-08-13T15:16:40Z", _TW),
    ("whois/likexian-whois-parser", "tw_google.org.tw", "expiration_date"): ("2022-01-13T16:00:00Z", _TW),
    ("whois/likexian-whois-parser", "tw_google.org.tw", "creation_date"): ("2017-01-14T11:27:47Z", _TW),
    ("whois/likexian-whois-parser", "tw_specialized.com.tw", "expiration_date"): (
        "2021-12-09T04:30:05Z",
        _TW,
    ),
    ("whois/likexian-whois-parser", "tw_specialized.com.tw", "creation_date"): ("2015-12-09T04:30:05Z", _TW),
    ("whois/python-whois", "druid.fi", "expiration_date"): (
        "2022-07-17T22:16:55Z",
        "raw `17.7.2022 22:16:55`: the peer dropped the time of day",
    ),
    ("whois/python-whois", "druid.fi", "creation_date"): (
        "2012-07-18T04:04:23Z",
        "raw `18.7.2012 04:04:23`: the peer dropped the time of day",
    ),
    ("whois/python-whois", "google.cl", "expiration_date"): (
        "2019-11-20T17:48:02Z",
        "raw `2019-11-20 14:48:02 CLST`: Chile summer time is UTC-3; the peer ignored the zone",
    ),
    ("whois/python-whois", "google.cl", "creation_date"): (
        "2002-10-22T20:48:23Z",
        "raw `2002-10-22 17:48:23 CLST`: Chile summer time is UTC-3; the peer ignored the zone",
    ),
    ("whois/python-whois", "amazon.co.uk", "creation_date"): (
        None,
        "raw `Registered on: before Aug-1996` is a bound, not a date (SWITCH's `before 1 January 1996` is null)",
    ),
    ("whois/python-whois", "www.gov.uk", "creation_date"): (
        None,
        "raw `Registered on: before Aug-1996` is a bound, not a date (SWITCH's `before 1 January 1996` is null)",
    ),
    ("whois/python-whois", "slashdot.org", "creation_date"): (
        "1997-10-05T04:00:00Z",
        "raw `Created On:05-Oct-1997 04:00:00 UTC`: the peer missed the field (no space after the colon)",
    ),
    ("rdap/whodap", "bad_response_01", "name_servers"): (
        ["a.share-dns.com", "b.share-dns.net"],
        "we accept the non-standard `nameServers` member on purpose; the expected file follows RFC 9083",
    ),
}

# The floors this parser reaches today (pass rate over compared samples, all sources together).
FLOORS = {
    "expiration_date": 1.0,
    "creation_date": 0.99,
    "registrar": 0.95,
    "name_servers": 1.0,
    "status": 0.96,
    "not_found": 1.0,
}


@dataclass(frozen=True)
class Sample:
    source: str  # "whois/python-whois", "rdap/whodap", ...
    name: str
    raw: Path
    expected: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.source}/{self.name}"


def _samples() -> list[Sample]:
    samples = []
    for expected in sorted(CORPUS.glob("*/*/*.expected.json")):
        name = expected.name.removesuffix(".expected.json")
        kind = expected.parent.parent.name
        raw = expected.with_name(name + (".txt" if kind == "whois" else ".json"))
        source = f"{kind}/{expected.parent.name}"
        if (source, name) not in EXCLUDED:
            samples.append(Sample(source, name, raw, json.loads(expected.read_text(encoding="utf-8"))))
    return samples


SAMPLES = _samples()


def _parse(sample: Sample) -> RegistrationRecord:
    if sample.source.startswith("rdap/"):
        return parse_rdap(json.loads(sample.raw.read_text(encoding="utf-8")), server="rdap.example")
    text = sample.raw.read_bytes().decode("utf-8", errors="replace")
    return parse_whois(text, domain=sample.expected["domain"], server="whois.example")


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _same_instant(ours: datetime | None, expected: Any) -> bool:
    if isinstance(expected, list):  # several peer values (contacts' dates mixed in): ours is one of them
        return ours in {_instant(value) for value in expected}
    return ours == _instant(expected)


def _statuses(values: list[str] | None) -> set[str]:
    # A peer may keep "REGISTERED, DELEGATED" as one string; we read it as the list it is.
    return set(normalize_statuses([part for value in values or [] for part in value.split(",")]))


Check = Callable[[RegistrationRecord, Any], bool]
CHECKS: dict[str, Check] = {
    "expiration_date": lambda record, expected: _same_instant(record.expires_at, expected),
    "creation_date": lambda record, expected: _same_instant(record.created_at, expected),
    "registrar": lambda record, expected: record.registrar == expected,
    "name_servers": lambda record, expected: record.nameservers == (expected or []),
    "status": lambda record, expected: set(record.statuses) == _statuses(expected),
    "not_found": lambda record, expected: record.not_found == bool(expected),
}


def _compared(sample: Sample, field: str) -> bool:
    """python-whois does not test name servers: its files have none, so there is nothing to compare."""
    notes = " ".join(sample.expected.get("_notes", []))
    return not (field == "name_servers" and "no name_servers key" in notes)


def _expected(sample: Sample, field: str) -> Any:
    correction = CORRECTIONS.get((sample.source, sample.name, field))
    return correction[0] if correction else sample.expected.get(field)


def test_rdap_error_objects_other_than_404_raise_a_probe_error() -> None:
    errors = [sample for sample in SAMPLES if sample.expected.get("error_code") not in (None, 404)]
    assert errors
    for sample in errors:
        with pytest.raises(ProbeError, match=str(sample.expected["error_code"])):
            _parse(sample)


def test_no_corpus_sample_reads_as_rate_limited() -> None:
    assert [s.id for s in SAMPLES if "error_code" not in s.expected and _parse(s).rate_limited] == []


def test_every_correction_names_a_sample_whose_peer_value_differs() -> None:
    by_key = {(s.source, s.name): s for s in SAMPLES}
    for (source, name, field), (value, reason) in CORRECTIONS.items():
        assert (source, name) in by_key, f"{source}/{name}: no such sample"
        assert by_key[(source, name)].expected[field] != value, f"{source}/{name} {field}: not a correction"
        assert reason


def test_the_parsers_reach_their_floors_over_the_corpus() -> None:
    records = {s.id: _parse(s) for s in SAMPLES if "error_code" not in s.expected}
    failures: list[str] = []
    for field, check in CHECKS.items():
        passed_all = total_all = 0
        for source in sorted({s.source for s in SAMPLES}):
            compared = [s for s in SAMPLES if s.source == source and s.id in records and _compared(s, field)]
            passed = [s for s in compared if check(records[s.id], _expected(s, field))]
            record_rate(source, field, len(passed), len(compared))
            passed_all, total_all = passed_all + len(passed), total_all + len(compared)
            failures += [f"{s.id} {field}" for s in compared if s not in passed]
        record_rate("all sources", field, passed_all, total_all)
        assert passed_all / total_all >= FLOORS[field], f"{field} below its floor; failing: {failures}"
