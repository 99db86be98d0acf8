"""Read a port-43 WHOIS answer into a `RegistrationRecord`, table-driven (see whois_fields.py).

WHOIS text has no schema: this reads what it can and leaves the rest None, never raising. Callers
must look at `rate_limited` before anything else: a throttled reply carries no facts at all.
"""

from __future__ import annotations

import re
from datetime import datetime

from standby.probes.registration import whois_fields as f
from standby.probes.registration.record import RegistrationRecord
from standby.probes.registration.status_names import normalize_statuses, raw_status
from standby.probes.registration.whois_dates import parse_whois_date
from standby.probes.registration.whois_lines import Field, read_fields
from standby.probes.registration.whois_replies import is_not_found, is_rate_limited

__all__ = ["is_rate_limited", "parse_whois"]

_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_JPRS_STATE = re.compile(r"\((\d{4}/\d{1,2}/\d{1,2})\)")  # "[State] Connected (2026/03/31)"


def parse_whois(text: str, *, domain: str, server: str) -> RegistrationRecord:
    """The registration facts in one WHOIS answer for `domain`, as served by `server` (host[:port])."""
    domain = domain.lower().rstrip(".")
    record = RegistrationRecord(source="whois", server=server, domain=domain)
    if is_rate_limited(text):
        record.rate_limited = True
        return record
    if is_not_found(text):
        record.not_found = True
        return record
    fields = _own_record(read_fields(text, known=f.KNOWN, phrases=f.PHRASES), domain)
    registrar_expiry = _date(fields, f.REGISTRAR_EXPIRES)
    record.expires_at = _date(fields, f.EXPIRES) or _jprs_expiry(fields) or registrar_expiry
    record.registrar_expires_at = registrar_expiry
    record.created_at = _date(fields, f.CREATED)
    record.last_changed_at = _date(fields, f.CHANGED)
    record.registrar = _first(fields, f.REGISTRAR)
    record.raw_statuses = _statuses(fields)
    record.statuses = normalize_statuses(record.raw_statuses)
    record.nameservers = _nameservers(fields)
    record.dnssec = _dnssec(_first(fields, f.DNSSEC))
    record.referral = _referral(_first(fields, f.REFERRAL), server)
    return record


def _own_record(fields: list[Field], domain: str) -> list[Field]:
    """From the queried domain's own line on: old Verisign answers list look-alike names first."""
    for field in fields:
        if field.key in f.DOMAIN and field.value.lower().rstrip(".") == domain:
            return [other for other in fields if other.block >= field.block]
    return fields


def _first(fields: list[Field], keys: tuple[str, ...]) -> str | None:
    """The first value of the most trusted key present."""
    return next((field.value for key in keys for field in fields if field.key == key), None)


def _date(fields: list[Field], keys: tuple[str, ...]) -> datetime | None:
    """The first readable date under any of `keys`, in answer order: the domain's own object comes
    first, and which spelling is "the" creation date differs by registry (AFNIC dates its registrar
    `registered:`, NIC Argentina dates its contacts `created:`)."""
    for field in fields:
        if field.key in keys and (when := parse_whois_date(field.value)):
            return when
    return None


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


def _jprs_expiry(fields: list[Field]) -> datetime | None:
    state = _first(fields, ("state",))
    found = _JPRS_STATE.search(state) if state else None
    return parse_whois_date(found.group(1)) if found else None


def _nameservers(fields: list[Field]) -> list[str]:
    hosts = _hosts(fields, f.NAMESERVERS) or _hosts(fields, f.NAMESERVERS_FALLBACK)
    return sorted(hosts)


def _hosts(fields: list[Field], keys: tuple[str, ...]) -> set[str]:
    """Host names under `keys`; values may carry addresses after the name (`ns1.nic.fr 192.0.2.1`)."""
    words = (field.value.split() for field in fields if field.key in keys)
    return {host for host in (w[0].lower().rstrip(".") for w in words if w) if _HOST.match(host)}


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
    if not _HOST.match(host) or host == server.lower().split(":")[0].rstrip("."):
        return None
    return host
