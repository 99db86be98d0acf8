"""The registry-data corpus as samples, and how a parsed record is judged against a sample's expected file.

Roots: the committed corpus (tests/data/corpus) and, when `STANDBY_CORPUS_EXTRA` names them (os.pathsep
between paths), staged corpora in the same layout. A root's `split.json` lists its held-out samples:
answers set apart before the parser was changed, whose individual results are never shown
(corpus_failures.py refuses them); only their aggregate counts. Its `retired` list holds an earlier
held-out slice that was measured and is now tuning material, reported apart under its `retired_as`
name (`r1-held-out` when none is given). A root's `audit.json` holds the blind audit of its held-out
labels (kept once the slice retires): answers left out, and corrections with their reasons.
See docs/corpus.md.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from standby.probes.registration.rdap_parse import parse_rdap
from standby.probes.registration.record import RegistrationRecord
from standby.probes.registration.status_names import normalize_statuses
from standby.probes.registration.whois import decode_reply
from standby.probes.registration.whois_parse import parse_whois

CORPUS = Path(__file__).parents[2] / "data" / "corpus"
EXTRA_ENV = "STANDBY_CORPUS_EXTRA"
FIELDS = ("availability", "expiration_date", "expiration exact", "creation_date", "registrar", "name_servers",
          "status")  # fmt: skip
# The widest UTC offset: a date is right when it names the same day to within this (a peer may give a
# wall-clock time without its zone, or the registrar's time of day where we read the registry's). It
# still tells a swapped day and month, a wrong year or a missing date apart. "expiration exact" holds
# the peers that give an instant to the same second.
SLACK = timedelta(hours=14)

# A line naming the answer's own domain: `Domain Name: EXAMPLE.PT`, `domain: example.dk`.
_DOMAIN_LINE = re.compile(
    r"^\s*(?:domain(?: ?name)?|nome de dom[ií]nio / domain name|nom de domaine)\s*[.:]+\s*"
    r"([a-z0-9][a-z0-9.-]*\.[a-z]{2,}|xn--[a-z0-9.-]+)\.?\s*$",
    re.I | re.M,
)
_TLD_RECORD = "IANA WHOIS record for a TLD, not a domain registration"
EXCLUDED = {
    **{
        ("whois/likexian-whois-parser", name): _TLD_RECORD
        for name in ("cn_cn", "com_com", "google_google", "swiss_swiss")
    },
    ("whois/weppos-whois-parser", "whois.iana.org__tld__status_not_assigned"): _TLD_RECORD,
}


@dataclass(frozen=True)
class Sample:
    source: str  # "whois/python-whois", "rdap/whodap", ...
    name: str
    raw: Path
    expected: dict[str, Any]
    heldout: bool = False
    retired: str = ""  # an earlier held-out slice, measured, now tuning material: its report name
    # The blind audit's corrections: field -> (value, reason); they replace the peer's value.
    audited: dict[str, tuple[Any, str]] = dataclasses.field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.source}/{self.name}"

    @property
    def slice(self) -> str:
        return "held-out" if self.heldout else self.retired or "tuning"

    @property
    def query(self) -> str:
        """The name that was asked about: the audit's, the peer's, else the one the answer's own domain
        line names under the queried TLD (a placeholder when there is none): Standby always knows it."""
        domain = self.audited["domain"][0] if "domain" in self.audited else self.expected["domain"]
        if domain:
            return str(domain)
        tld = self.expected.get("_query_tld", "invalid")
        if self.raw.suffix == ".txt":
            text = self.raw.read_bytes().decode("utf-8", "replace")
            named = (found.lower().rstrip(".") for found in _DOMAIN_LINE.findall(text))
            if own := next((name for name in named if name.endswith("." + tld.rsplit(".", 1)[-1])), None):
                return own
        return f"unnamed-query.{tld}"


def roots() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(EXTRA_ENV, "").split(os.pathsep) if p]
    return [CORPUS, *extra]


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return data


def load_samples() -> list[Sample]:
    samples: dict[str, Sample] = {}
    for root in roots():
        split, audit = _json(root / "split.json"), _json(root / "audit.json")
        heldout, retired = set(split.get("heldout", [])), set(split.get("retired", []))
        retired_as = str(split.get("retired_as", "r1-held-out"))
        excluded, corrections = audit.get("excluded", {}), audit.get("corrections", {})
        for expected in sorted(root.glob("*/*/*.expected.json")):
            name = expected.name.removesuffix(".expected.json")
            kind, folder = expected.parent.parent.name, expected.parent.name
            source = f"{kind}/{folder}"
            raw = expected.with_name(name + (".txt" if kind == "whois" else ".json"))
            sample_id = f"{source}/{name}"
            if (source, name) in EXCLUDED or sample_id in excluded or sample_id in samples:
                continue  # a committed copy of a staged answer wins
            data = json.loads(expected.read_text(encoding="utf-8"))
            audited = {
                key: (fix["value"], fix["reason"]) for key, fix in corrections.get(sample_id, {}).items()
            }
            samples[sample_id] = Sample(
                source,
                name,
                raw,
                data,
                sample_id in heldout,
                retired_as if sample_id in retired else "",
                audited,
            )
    return list(samples.values())


def parse(sample: Sample) -> RegistrationRecord:
    if sample.source.startswith("rdap/"):
        return parse_rdap(json.loads(sample.raw.read_text(encoding="utf-8")), server="rdap.example")
    text = decode_reply(sample.raw.read_bytes())  # as the WHOIS client decodes a reply
    return parse_whois(text, domain=sample.query, server="whois.example")


def _peer_availability(sample: Sample) -> str | None:
    if "availability" in sample.expected:
        return str(sample.expected["availability"])
    if "_unchecked" in sample.expected:
        return None  # a staged sample whose peer does not say
    if sample.expected.get("error_code") is not None:
        return None
    return "free" if sample.expected.get("not_found") else "registered"


def availability(record: RegistrationRecord) -> str:
    return record.availability.value


def expected_availability(sample: Sample) -> str | None:
    if "availability" in sample.audited:
        return str(sample.audited["availability"][0])
    return _peer_availability(sample)


def compared(sample: Sample, field: str) -> bool:
    if field == "availability":
        return expected_availability(sample) is not None
    key = field.replace("expiration exact", "expiration_date")
    if key in sample.expected.get("_unchecked", ()) and key not in sample.audited:
        return False
    if expected_availability(sample) in ("free", "throttled") and "availability" in sample.expected:
        return False  # a free or throttled answer is judged on its availability alone
    notes = " ".join(sample.expected.get("_notes", []))
    # python-whois does not test name servers: its files have none, so there is nothing to compare.
    return not (field == "name_servers" and "no name_servers key" in notes)


def instant(value: str) -> tuple[datetime, bool]:
    """The peer's date and whether it names an instant (`Z`) or only a wall-clock time."""
    aware = value.endswith("Z")
    return datetime.fromisoformat(value.replace("Z", "+00:00") if aware else value + "+00:00"), aware


def same_date(ours: datetime | None, expected: Any, *, exact: bool = False) -> bool:
    if isinstance(expected, list):  # several peer values (contacts' dates mixed in): ours is one of them
        return any(same_date(ours, value, exact=exact) for value in expected)
    if ours is None or expected is None:
        return ours is None and expected is None
    when, _ = instant(expected)
    if exact:  # to the second: the peers write no fractions where the registry did
        return abs(ours - when) < timedelta(seconds=1)
    return abs(ours - when) <= SLACK or ours.date() == when.date()


def exact_expected(sample: Sample, expected: Any) -> bool:
    """Whether the peer's expiry names an instant (an aware `Z` date), so `expiration exact` applies."""
    values = expected if isinstance(expected, list) else [expected]
    return all(value is None or str(value).endswith("Z") for value in values)


def expiry_matches(record: RegistrationRecord, expected: Any, *, exact: bool = False) -> bool:
    """The registry's expiry as we read it, or the registrar's: an answer that holds both (a registrar's
    record after the registry's) gives the peer a choice, and we keep both (Standby acts on the earlier)."""
    if record.registrar_expires_at is not None and same_date(
        record.registrar_expires_at, expected, exact=exact
    ):
        return True
    return same_date(record.expires_at, expected, exact=exact)


def swapped(ours: datetime | None, expected: Any) -> bool:
    """Ours is the expected date with day and month exchanged (a silent misreading)."""
    if ours is None or not isinstance(expected, str):
        return False
    when, _ = instant(expected)
    if when.day > 12 or when.day == when.month:
        return False
    return abs(ours - when.replace(day=when.month, month=when.day)) <= SLACK


def _status_key(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


def _statuses(values: list[str] | None) -> set[str]:
    # A peer may keep "REGISTERED, DELEGATED" as one string; we read it as the list it is.
    phrases = normalize_statuses([part for value in values or [] for part in value.split(",")])
    return {_status_key(p) for p in phrases}


def judge(sample: Sample, record: RegistrationRecord, field: str, expected: Any) -> bool:
    if field == "availability":
        return availability(record) == expected
    if field in ("expiration_date", "expiration exact"):  # an ambiguous expiry is reported, not right
        return not record.expiry_ambiguous and expiry_matches(
            record, expected, exact=field == "expiration exact"
        )
    if field == "creation_date":
        return same_date(record.created_at, expected)
    if field == "registrar":
        return record.registrar == expected or record.registrar in sample.expected.get("_registrar_also", [])
    if field == "name_servers":
        return record.nameservers == (expected or [])
    if field == "status":
        return _statuses(record.statuses) == _statuses(expected)
    raise ValueError(field)
