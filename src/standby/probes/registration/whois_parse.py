"""Read a port-43 WHOIS answer into a `RegistrationRecord`, table-driven (see whois_fields.py).

First what the answer says about the name (whois_availability.py: free, registered, throttled or
unknown, with the line that decided it); the registration facts only when it is registered. WHOIS text
has no schema: this reads what it can and leaves the rest None, never raising.
"""

from __future__ import annotations

import re
from datetime import datetime

from standby.probes.registration import whois_fields as f
from standby.probes.registration.record import Availability, RegistrationRecord
from standby.probes.registration.status_names import normalize_statuses, raw_status
from standby.probes.registration.whois_availability import decide
from standby.probes.registration.whois_dates import Order, answer_order, parse_whois_date, read_date
from standby.probes.registration.whois_evidence import (
    CREATION_WORDS,
    EXPIRY_WORDS,
    NO_NAME,
    evidence,
    is_date_key,
)
from standby.probes.registration.whois_lines import Field, read_fields
from standby.probes.registration.whois_nameservers import HOST, is_nameserver_key, nameserver_records

__all__ = ["is_rate_limited", "parse_whois"]

_JPRS_STATE = re.compile(r"\((\d{4}/\d{1,2}/\d{1,2})\)")  # "[State] Connected (2026/03/31)"
_UNTIL = re.compile(r"\b(?:ok|active|paid)[ -]until\s+(\S+)", re.I)  # .ua "status: OK-UNTIL 20140903121852"
# A registry's handle or link after the registrar's name: `(R22-LRCC)`, `R45-ME`, `( https://nic.at/... )`
_HANDLE_SUFFIX = re.compile(r"\s*(?:\(\s*(?:R\d+-[A-Z]+|https?://[^)]*)\)|\bR\d+-[A-Z]+)\s*$")


def parse_whois(text: str, *, domain: str, server: str) -> RegistrationRecord:
    """The registration facts in one WHOIS answer for `domain`, as served by `server` (host[:port])."""
    domain = domain.lower().rstrip(".")
    tld = domain.rsplit(".", 1)[-1]
    record = RegistrationRecord(source="whois", server=server, domain=domain)
    fields = _own_record(read_fields(text, known=f.KNOWN, phrases=f.PHRASES), domain)
    order = answer_order(text, tld)
    shown = evidence(fields, domain, order)
    strong = any(is_date_key(field.key) or is_nameserver_key(field.key) for field in shown)
    record.availability, record.evidence = decide(text, fields, shown, strong=strong)
    if record.availability is Availability.REGISTERED and shown and shown[0].value == record.evidence:
        record.evidence = f"{shown[0].key}: {shown[0].value}"  # a bare line under a heading
    if record.availability is Availability.UNKNOWN:  # IANA's answer about a TLD still refers onwards
        record.referral = _referral(_first(fields, f.REFERRAL), server)
    if record.availability is not Availability.REGISTERED:
        return record
    registrar_expiry = _date(fields, f.REGISTRAR_EXPIRES, order)
    record.created_at = _date(fields, f.CREATED, order) or _date(
        [field for field in fields if CREATION_WORDS.search(field.key)], None, order
    )
    expiry = _expiry(fields, order)
    if expiry is not None:
        record.expiry_text, readings = expiry
        record.expiry_readings = _on_anniversary(readings, record.created_at)
        record.expires_at = record.expiry_readings[0]
    else:
        record.expires_at = registrar_expiry
    record.registrar_expires_at = registrar_expiry
    record.last_changed_at = _date(fields, f.CHANGED, order)
    record.registrar = _registrar(fields)
    record.raw_statuses = _statuses(fields)
    record.statuses = normalize_statuses(record.raw_statuses)
    record.nameserver_records = nameserver_records(
        (field.value for field in fields if is_nameserver_key(field.key)), domain
    )
    record.nameservers = sorted(ns.host for ns in record.nameserver_records)
    record.dnssec = _dnssec(_first(fields, f.DNSSEC))
    record.referral = _referral(_first(fields, f.REFERRAL), server)
    return record


def is_rate_limited(text: str) -> bool:
    """True when the server refused to answer for now (a quota or rate limit), whatever it says."""
    return decide(text, [], [], strong=False)[0] is Availability.THROTTLED


def _own_record(fields: list[Field], domain: str) -> list[Field]:
    """From the queried domain's own line on, when other names come first: old Verisign answers list
    look-alike names (`Server Name: GOOGLE.COM.EVIL.NET`) before the real one. A registrar line above
    the domain's own paragraph (BNNIC) stays."""
    for index, field in enumerate(fields):
        if field.key in f.DOMAIN and field.value.lower().rstrip(".") == domain:
            others = any(earlier.key in (*f.DOMAIN, "server name") for earlier in fields[:index])
            return [other for other in fields if other.block >= field.block] if others else fields
    return fields


def _first(fields: list[Field], keys: tuple[str, ...]) -> str | None:
    """The first value of the most trusted key present."""
    return next((field.value for key in keys for field in fields if field.key == key), None)


def _date(fields: list[Field], keys: tuple[str, ...] | None, order: Order | None) -> datetime | None:
    """The first readable date under any of `keys` (any key when None), in answer order: the domain's own
    object comes first, and which spelling is "the" creation date differs by registry (AFNIC dates its
    registrar `registered:`, NIC Argentina dates its contacts `created:`). A date whose day and month
    cannot be told apart gives None: only the expiry is worth reporting with both readings."""
    for field in fields:
        if (keys is None or field.key in keys) and (readings := read_date(field.value, order)):
            return readings[0] if len(readings) == 1 else None
    return None


def _expiry(fields: list[Field], order: Order | None) -> tuple[str, tuple[datetime, ...]] | None:
    """The registry's expiry line and its readings (two when day and month cannot be told apart): under
    a known label, else under a label that says so in its words (`Domain Expiration`, `Paid-until`)."""
    for keys in (f.EXPIRES, None):
        for field in fields:
            if (field.key in keys if keys else EXPIRY_WORDS.search(field.key)) and (
                readings := read_date(field.value, order)
            ):
                return field.line or field.value, readings
    for field in fields:
        state = _JPRS_STATE.search(field.value) if field.key == "state" else None
        until = _UNTIL.search(field.value) if field.key in f.STATUS else None
        found = state or until
        if found and (when := parse_whois_date(found.group(1))):
            return field.line or field.value, (when,)
    return None


def _on_anniversary(readings: tuple[datetime, ...], created: datetime | None) -> tuple[datetime, ...]:
    """Of two readings of an ambiguous expiry, the one on the anniversary of the registration date,
    when exactly one is: a name is registered for whole years. Else both stay."""
    if len(readings) < 2 or created is None:
        return readings
    same_day = [when for when in readings if (when.month, when.day) == (created.month, created.day)]
    return tuple(same_day) if len(same_day) == 1 else readings


def _registrar(fields: list[Field]) -> str | None:
    value = _first(fields, f.REGISTRAR)
    if value is None or NO_NAME.match(value.strip()):
        return None
    return _HANDLE_SUFFIX.sub("", value).strip() or None


def _statuses(fields: list[Field]) -> list[str]:
    """Statuses of the domain's own object: the paragraph of the most trusted status line. RIPE-style
    answers give contacts statuses too (.fr `linked`, `not identified`) and a `state` (.kz `CA`)."""
    anchor = next((field for key in f.STATUS for field in fields if field.key == key), None)
    if anchor is None:
        return []
    parts = (
        part
        for field in fields
        if field.key in f.STATUS and field.block == anchor.block
        for part in field.value.split(",")
    )
    return list(dict.fromkeys(status for status in map(raw_status, parts) if status))


def _dnssec(value: str | None) -> bool | None:
    word = (value or "").lower()
    if word.startswith(("unsigned", "no", "inactive", "false")):
        return False
    if word.startswith(("signed", "yes", "active", "true")):
        return True
    return None


def _referral(value: str | None, server: str) -> str | None:
    """The next WHOIS host to ask, when it is another host than the one that answered."""
    host = re.sub(r"^(?:r?whois://)?", "", (value or "").strip().lower()).split("/")[0].split(":")[0]
    if not HOST.match(host) or host == server.lower().split(":")[0].rstrip("."):
        return None
    return host
