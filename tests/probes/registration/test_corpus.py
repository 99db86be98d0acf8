"""Conformance over the registry-data corpus (tests/data/corpus, see its README and docs/corpus.md).

Every raw WHOIS / RDAP sample goes through our parser and is compared with its expected file.
Pass rates per source and field are printed at the end of the run; floors keep them from sliding.
The peers' expected values are their parsers' output, not ground truth: where ours is right and
theirs is wrong, CORRECTIONS holds the right value and the reason, and the sample is held to that.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from standby.core.errors import ProbeError
from standby.probes.registration.record import RegistrationRecord
from tests.corpus_report import record_rate
from tests.probes.registration.corpus import (
    FIELDS,
    Sample,
    availability,
    compared,
    exact_expected,
    expected_availability,
    judge,
    load_samples,
    parse,
    swapped,
)

_JPRS = "the raw `[State] Connected (YYYY/MM/DD)` line is the JPRS expiry; the peer reads none"
_TW = "`(UTC+8)` moves the instant 8 hours back; the peer moved it forward"
_TK = "Freenom writes month-first: the same answer has `Domain registered: 12/18/2001` (or 11/29/2016)"
_HANDLE = "the name without the registry's handle or link in parentheses (the other peer's convention too)"
_HK = "HKIRC's `Please maintain at least 10-second time before starting another enquiry.` is a rate limit"
_BO = "`whois.nic.bo solo acepta consultas con dominios .bo`: the server refused the query"
_BR = "`Query rate limit exceeded. Reduced information.`: the registry withholds the record; a retry gets it"
_RSV = "reserved by the registry: the peer's `registered?` means 'not available', not 'registered'"
_SX = "`PREMIUM NAME (No match for domain ...)`: no registration holds the name; 'premium' only prices it"
_FREENOM = (
    "`WHOIS lookup for ... can temporarily not be answered. Please try again.`: a rate limit, not 'free'"
)
_NAME = "`Not available for (second level) registration`: a shared or reserved name, not a free one"
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
    ("whois/likexian-whois-parser", "tk_google.tk", "expiration_date"): ("2020-03-02T00:00:00Z", _TK),
    ("whois/likexian-whois-parser", "tk_zcore.tk", "expiration_date"): ("2022-01-03T00:00:00Z", _TK),
    ("whois/likexian-whois-parser-notfound", "name_login.name", "availability"): ("reserved", _NAME),
    ("whois/likexian-whois-parser-notfound", "name_science.name", "availability"): ("reserved", _NAME),
    ("whois/python-whois", "google.at", "registrar"): ("MarkMonitor Inc.", _HANDLE),
    ("whois/python-whois", "slashdot.org", "registrar"): ("Tucows Inc.", _HANDLE),
    ("whois/likexian-whois-parser", "kr_git.kr", "registrar"): ("Megazone", _HANDLE),
    ("whois/likexian-whois-parser", "kr_google.kr", "registrar"): ("Whois Corp.", _HANDLE),
    # Staged sources (STANDBY_CORPUS_EXTRA), tuning slice only.
    ("whois/php-whois", "hk_free", "availability"): ("throttled", _HK),
    ("whois/php-whois", "lu_free", "availability"): (
        "throttled",
        "`%% Maximum query rate reached`: a rate limit",
    ),
    ("whois/php-whois", "tr_free", "availability"): ("invalid", "`Invalid input`: the query was refused"),
    ("whois/php-whois", "vu_free", "availability"): ("invalid", "`The domain free.vu is not valid!`"),
    ("whois/weppos-whois-parser", "whois.nic.bo__bo__status_available", "availability"): ("invalid", _BO),
    ("whois/weppos-whois-parser", "whois.registro.br__br__status_available_limited", "availability"): (
        "throttled",
        _BR,
    ),
    ("whois/weppos-whois-parser", "whois.registro.br__br__status_registered_limited", "availability"): (
        "throttled",
        _BR,
    ),
    ("whois/weppos-whois-parser", "whois.co.ca__co.ca__status_reserved", "availability"): ("reserved", _RSV),
    ("whois/weppos-whois-parser", "whois.nic.xxx__xxx__status_reserved", "availability"): ("reserved", _RSV),
    ("whois/weppos-whois-parser", "whois.fi__fi__status_reserved", "availability"): ("reserved", _RSV),
    ("whois/weppos-whois-parser", "whois.nic.es__es__status_registered", "expiration_date"): (
        "2014-09-16T00:00:00",
        "Red.es writes dd/mm/yy (`Creation Date: 16/09/03`, `LAST UPDATE: 10/10/2013`); the peer read yy/mm/dd",
    ),
    ("whois/pythonwhois", "google.co.jp", "expiration_date"): ("2015-03-31T00:00:00Z", _JPRS),
    ("whois/whoisdomain", "meta.co.jp", "expiration_date"): ("2024-04-30T00:00:00Z", _JPRS),
    ("whois/weppos-whois-parser", "whois.nic.it__it__property_status_reserved", "availability"): (
        "reserved",
        _RSV,
    ),
    ("whois/pythonwhois", "x.it", "availability"): (
        "reserved",
        "`Status: UNASSIGNABLE`: the name cannot be registered",
    ),
    ("whois/weppos-whois-parser", "whois.sx__sx__status_unavailable", "availability"): ("free", _SX),
    ("whois/weppos-whois-parser", "whois.sx__sx__property_status_premium_name", "availability"): (
        "free",
        _SX,
    ),
    ("whois/php-whois", "no_google.no", "name_servers"): (
        None,
        "`Name Server Handle: NSGO26H-NORID` are Norid handles, not host names; the answer names no host",
    ),
    ("whois/pythonwhois", "davicom.com.tw", "name_servers"): (
        None,
        "the domain itself is never taken for its own name server (`example.pt NS ns1.example.com.`)",
    ),
    ("whois/whoisdomain", "amnic.net", "name_servers"): (
        ["ns-cdn.amnic.net", "ns-pch.amnic.net", "ns-pri.amnic.net"],
        "the peer's list holds `dnssec:` and `name`, words of the lines after the name servers",
    ),
    # Round 1's held-out slice, audited in round 2 once it became tuning material (docs/corpus.md).
    ("whois/php-whois", "am_google.com.am", "availability"): (
        "reserved",
        "`Reserved name: Reserved brand name`: php-whois reads every row with expected values as registered",
    ),
    ("whois/php-whois", "bo_free", "availability"): ("invalid", _BO),
    ("whois/php-whois", "ga_free", "availability"): ("throttled", _FREENOM),
    ("whois/php-whois", "ml_free", "availability"): ("throttled", _FREENOM),
    ("whois/php-whois", "nz_free", "availability"): (
        "throttled",
        "`query_status: 440 Request Denied`: .nz's answer once the query limit is exceeded",
    ),
    ("whois/php-whois", "nz_free_progressbuilders.co.nz.nz", "availability"): (
        "invalid",
        "`query_status: 510 Domain is not managed by this register`: the query was refused",
    ),
    ("whois/php-whois", "qa_free", "availability"): ("reserved", "`Reserved by QDR`: a reserved name"),
    ("whois/php-whois", "jp_google.co.jp", "expiration_date"): ("2018-03-31T00:00:00Z", _JPRS),
    ("whois/pythonwhois", "nttpc.co.jp", "expiration_date"): ("2015-03-31T00:00:00Z", _JPRS),
    ("whois/whoisdomain", "icu.ac.jp", "expiration_date"): ("2024-03-31T00:00:00Z", _JPRS),
    ("whois/pythonwhois", "ufpa.br", "availability"): ("throttled", _BR),
    ("whois/whoisdomain", "hkirc.hk", "availability"): ("throttled", _HK),
    ("whois/weppos-whois-parser", "whois.nic.es__es__status_registered", "creation_date"): (
        "2003-09-16T00:00:00",
        "Red.es writes dd/mm/yy (`Creation Date: 16/09/03`); the peer read yy/mm/dd",
    ),
    ("whois/weppos-whois-parser", "whois.nic.uk__uk__status_reserved", "creation_date"): (
        None,
        "raw `Registered on: before Aug-1996` is a bound, not a date (as python-whois `amazon.co.uk`)",
    ),
    ("whois/weppos-whois-parser", "whois.aero__status_reserved", "availability"): ("reserved", _RSV),
    ("whois/weppos-whois-parser", "whois.jprs.jp__jp__status_reserved", "availability"): ("reserved", _RSV),
    ("whois/weppos-whois-parser", "whois.nic.io__io__status_reserved", "availability"): ("reserved", _RSV),
    ("rdap/whodap", "bad_response_01", "name_servers"): (
        ["a.share-dns.com", "b.share-dns.net"],
        "we accept the non-standard `nameServers` member on purpose; the expected file follows RFC 9083",
    ),
}

# The floors this parser reaches today over the committed corpus (the sources it was written against).
FLOORS = {
    "free vs registered": 1.0,
    "expiration exact": 1.0,
    "expiration_date": 1.0,
    "creation_date": 0.99,
    "registrar": 0.95,
    "name_servers": 1.0,
    "status": 0.96,
}
# Sources other than the first committed ones (the round-2 slice's copies in tests/data/corpus, and the
# staged corpora when STANDBY_CORPUS_EXTRA names them): what the parser reaches on each slice. The
# held-out floors (round 5's slice) were set after its one measurement, never tuned to (docs/corpus.md;
# the slice holds no throttled reply, so it has no throttled floor). Two are the hard
# guarantees: no name server is the domain itself, no expiry is silently read day/month swapped.
STAGED_FLOORS = {
    ("held-out", "free vs registered"): 0.99,
    ("held-out", "expiration_date"): 0.99,
    ("held-out", "NS omit the domain"): 1.0,
    ("held-out", "expiry not d/m-swapped"): 1.0,
    ("tuning", "free vs registered"): 0.99,
    ("tuning", "expiration_date"): 0.99,
    ("tuning", "NS omit the domain"): 1.0,
    ("tuning", "expiry not d/m-swapped"): 1.0,
    ("r1-held-out", "free vs registered"): 0.99,
    ("r1-held-out", "expiration_date"): 0.99,
    ("r1-held-out", "NS omit the domain"): 1.0,
    ("r1-held-out", "expiry not d/m-swapped"): 1.0,
    ("r2-held-out", "free vs registered"): 0.99,
    ("r2-held-out", "expiration_date"): 0.99,
    ("r2-held-out", "NS omit the domain"): 1.0,
    ("r2-held-out", "expiry not d/m-swapped"): 1.0,
    ("r3-held-out", "free vs registered"): 0.99,
    ("r3-held-out", "expiration_date"): 0.99,
    ("r3-held-out", "NS omit the domain"): 1.0,
    ("r3-held-out", "expiry not d/m-swapped"): 1.0,
    ("r3-held-out", "throttled"): 1.0,
    ("r4-held-out", "free vs registered"): 0.99,
    ("r4-held-out", "expiration_date"): 0.99,
    ("r4-held-out", "NS omit the domain"): 1.0,
    ("r4-held-out", "expiry not d/m-swapped"): 1.0,
    ("r4-held-out", "throttled"): 1.0,
}
COMMITTED = (
    "whois/python-whois",
    "whois/likexian-whois-parser",
    "whois/likexian-whois-parser-notfound",
    "rdap/",
)
SAMPLES = load_samples()


def expected_value(sample: Sample, field: str) -> Any:
    correction = CORRECTIONS.get((sample.source, sample.name, field))
    if correction:
        return correction[0]
    if field in sample.audited:  # the blind audit of a held-out slice (the root's audit.json)
        return sample.audited[field][0]
    if field == "availability":
        return expected_availability(sample)
    if field == "expiration exact":
        return expected_value(sample, "expiration_date")
    return sample.expected.get(field)


def _records() -> dict[str, RegistrationRecord]:
    return {s.id: parse(s) for s in SAMPLES if s.expected.get("error_code") is None}


RECORDS = _records()


def outcomes(sample: Sample) -> dict[str, bool]:
    """Field → right or wrong, for the fields this sample's expected file asserts."""
    record = RECORDS[sample.id]
    results = {}
    for field in FIELDS:
        if not compared(sample, field):
            continue
        expected = expected_value(sample, field)
        if field == "availability":
            if expected not in ("free", "registered", "throttled"):
                continue  # reserved, invalid...: reported apart (`other: not called free`)
            right = judge(sample, record, field, expected)
            results["free vs registered" if expected != "throttled" else "throttled"] = right
            results[f"  {expected} read as {expected}"] = right
            continue
        if field == "expiration exact" and not exact_expected(sample, expected):
            continue
        results[field] = judge(sample, record, field, expected)
    return results


def test_rdap_error_objects_other_than_404_raise_a_probe_error() -> None:
    errors = [sample for sample in SAMPLES if sample.expected.get("error_code") not in (None, 404)]
    assert errors
    for sample in errors:
        with pytest.raises(ProbeError, match=str(sample.expected["error_code"])):
            parse(sample)


def test_no_corpus_sample_reads_as_rate_limited_unless_it_is_a_throttle() -> None:
    wrong = [s.id for s in SAMPLES if s.id in RECORDS and expected_value(s, "availability") != "throttled"
             and RECORDS[s.id].rate_limited and not s.heldout]  # fmt: skip
    assert wrong == []


def test_every_correction_names_a_tuning_sample_whose_peer_value_differs() -> None:
    by_key = {(s.source, s.name): s for s in SAMPLES}
    loaded = {s.source for s in SAMPLES}
    for (source, name, field), (value, reason) in CORRECTIONS.items():
        if source not in loaded:
            continue  # a staged source this run does not have
        assert (source, name) in by_key, f"{source}/{name}: no such sample"
        assert not by_key[(source, name)].heldout, f"{source}/{name}: a held-out answer is never corrected"
        peer = by_key[(source, name)]
        peer_value = expected_availability(peer) if field == "availability" else peer.expected[field]
        assert peer_value != value, f"{source}/{name} {field}: not a correction"
        assert reason


def test_the_held_out_audit_changes_only_held_out_answers_and_says_why() -> None:
    audited = [s for s in SAMPLES if s.audited]
    assert audited, "the committed round-2 slice carries its audit (tests/data/corpus/audit.json)"
    for sample in audited:  # a held-out slice keeps its audit once it retires into tuning material
        assert sample.heldout or sample.retired, f"{sample.id}: the audit is of held-out answers only"
        for field, (_, reason) in sample.audited.items():
            assert field in ("availability", "expiration_date", "domain") and reason, (sample.id, field)


def test_the_parsers_reach_their_floors_over_the_corpus() -> None:
    """Rates per source and slice go to the end-of-run report; floors hold on the committed sources."""
    tally: Counter[tuple[str, str, str, bool]] = Counter()
    all_results: dict[str, dict[str, bool]] = {}
    for sample in SAMPLES:
        if sample.id not in RECORDS:
            continue
        record = RECORDS[sample.id]
        results = all_results[sample.id] = dict(outcomes(sample))
        if expected_value(sample, "availability") not in (None, "free", "registered", "throttled"):
            results["other: not called free"] = availability(record) != "free"
        if "expiration_date" in results:
            wrong = swapped(record.expires_at, expected_value(sample, "expiration_date"))
            results["expiry not d/m-swapped"] = record.expiry_ambiguous or not wrong  # reported, not silent
            results["expiry not ambiguous"] = not record.expiry_ambiguous
        results["NS omit the domain"] = sample.query.lower() not in record.nameservers
        for field, right in results.items():
            for source in (sample.source, "all sources"):
                tally[(source, sample.slice, field, right)] += 1
    for source, part, field in {(s, p, f) for s, p, f, _ in tally}:
        passed, failed = tally[(source, part, field, True)], tally[(source, part, field, False)]
        record_rate(source, part, field, passed, passed + failed)

    staged = [s for s in SAMPLES if not s.source.startswith(COMMITTED) and s.id in RECORDS]
    for (part, field), floor in STAGED_FLOORS.items():
        results = [r[field] for s in staged if s.slice == part and field in (r := all_results[s.id])]
        if results:  # only a run with the staged corpus has them
            assert sum(results) / len(results) >= floor, f"staged {part} {field} below its floor"

    committed = [s for s in SAMPLES if s.source.startswith(COMMITTED) and s.id in RECORDS]
    for field, floor in FLOORS.items():
        results = [outcomes(s)[field] for s in committed if field in outcomes(s)]
        assert results, field
        failing = [s.id for s in committed if outcomes(s).get(field) is False]
        assert sum(results) / len(results) >= floor, f"{field} below its floor; failing: {failing}"
