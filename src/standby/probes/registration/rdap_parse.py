"""Read an RDAP domain answer (RFC 9083 §5.3) into a `RegistrationRecord`.

Strict where a wrong reading would mislead (the object itself, its events and their dates), lenient
where registries are known to be sloppy (vCards, `nameServers`, `secureDns`, offset-less dates).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from standby.core.errors import ProbeError
from standby.probes.registration.record import Availability, NameServer, RegistrationRecord
from standby.probes.registration.status_names import normalize_statuses

_RFC3339ISH = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?"
)
_RDAP_JSON = "application/rdap+json"
# The event actions read; a bad date on any other event does not spoil the answer.
_USED_EVENTS = {"expiration", "registrar expiration", "registration", "last changed", "last update"}


def parse_rdap(data: object, *, server: str) -> RegistrationRecord:
    """The registration facts in one RDAP answer; raises `ProbeError` when the answer is unusable."""
    if not isinstance(data, dict):
        raise ProbeError(f"The RDAP server {server} answered with something other than a JSON object.")
    if "errorCode" in data:
        return _error_record(data, server)
    if data.get("objectClassName") != "domain":
        raise ProbeError(f"The RDAP server {server} answered with an object that is not a domain.")
    name = data.get("ldhName") or data.get("unicodeName")
    if not isinstance(name, str) or not name.strip("."):
        raise ProbeError(f"The RDAP server {server} answered with a domain object without a name.")
    events = _events(data.get("events"), server)
    registrar = _registrar_entity(data.get("entities"))
    registrar_events = _events(registrar.get("events"), server) if registrar else {}
    raw_statuses = [s for s in _list(data.get("status")) if isinstance(s, str)]
    nameservers = _nameservers(data.get("nameservers", data.get("nameServers")))
    return RegistrationRecord(
        source="rdap",
        server=server,
        domain=name.lower().rstrip("."),
        evidence=_evidence(name, events),
        expires_at=events.get("expiration"),
        registrar_expires_at=events.get("registrar expiration")
        or registrar_events.get("registrar expiration"),
        created_at=events.get("registration"),
        # "last update" is MarkMonitor's non-standard spelling of "last changed".
        last_changed_at=events.get("last changed") or events.get("last update"),
        registrar=_vcard_name(registrar.get("vcardArray")) if registrar else None,
        statuses=normalize_statuses(raw_statuses),
        raw_statuses=raw_statuses,
        nameservers=sorted(ns.host for ns in nameservers),
        nameserver_records=nameservers,
        dnssec=_delegation_signed(data.get("secureDNS", data.get("secureDns"))),
        referral=_registrar_link(data.get("links")),
    )


def _evidence(name: str, events: dict[str, datetime]) -> str:
    expiry = events.get("expiration")
    return f"RDAP domain object {name!r}" + (f", expiration {expiry:%Y-%m-%d}" if expiry else "")


def parse_rdap_time(value: object, *, server: str) -> datetime:
    """RFC 3339, also `+0000` without a colon; a time without an offset is taken as UTC."""
    if not isinstance(value, str) or not _RFC3339ISH.fullmatch(value.strip()):
        raise ProbeError(f"The RDAP server {server} gave a date that cannot be read: {value!r}.")
    when = datetime.fromisoformat(value.strip().upper())
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _error_record(data: dict[str, Any], server: str) -> RegistrationRecord:
    code = data.get("errorCode")
    if str(code) == "404":
        title = data.get("title") or "error 404"
        return RegistrationRecord(source="rdap", server=server, availability=Availability.FREE,
                                  evidence=f"RDAP error object: {title}")  # fmt: skip
    title = data.get("title") or " ".join(str(d) for d in _list(data.get("description")))
    raise ProbeError(f"The RDAP server {server} answered with error {code}: {title or 'no description'}.")


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _events(value: object, server: str) -> dict[str, datetime]:
    """First date of each event action, by lower-case action."""
    if value is None:
        return {}
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ProbeError(f"The RDAP server {server} gave events that are not a list of objects.")
    found: dict[str, datetime] = {}
    for event in value:
        action = str(event.get("eventAction")).lower()
        if action in _USED_EVENTS and action not in found:
            found[action] = parse_rdap_time(event.get("eventDate"), server=server)
    return found


def _registrar_entity(value: object) -> dict[str, Any] | None:
    for entity in _list(value):
        if isinstance(entity, dict) and "registrar" in _list(entity.get("roles")):
            return entity
    return None


def _vcard_name(vcard: object) -> str | None:
    """The jCard `fn`, else `org` (RFC 7095: ["vcard", [[name, params, type, value...], ...]])."""
    props = _list(vcard)[1] if len(_list(vcard)) > 1 else []
    values: dict[str, str] = {}
    for prop in _list(props):
        if isinstance(prop, list) and len(prop) >= 4 and isinstance(prop[0], str):
            value = prop[3][0] if isinstance(prop[3], list) and prop[3] else prop[3]
            if isinstance(value, str) and value.strip():
                values.setdefault(prop[0].lower(), value.strip())
    return values.get("fn") or values.get("org")


def _nameservers(value: object) -> list[NameServer]:
    """RFC 9083 §5.2 nameserver objects: `ldhName` and the glue in `ipAddresses` (v4, v6)."""
    found: dict[str, list[str]] = {}
    for ns in _list(value):
        if isinstance(ns, dict) and isinstance(ns.get("ldhName"), str) and ns["ldhName"].strip("."):
            glue = found.setdefault(ns["ldhName"].lower().rstrip("."), [])
            addresses = ns["ipAddresses"] if isinstance(ns.get("ipAddresses"), dict) else {}
            for family in ("v4", "v6"):
                glue += [a for a in _list(addresses.get(family)) if isinstance(a, str) and a not in glue]
    return [NameServer(host, tuple(glue)) for host, glue in found.items()]


def _delegation_signed(value: object) -> bool | None:
    signed = value.get("delegationSigned") if isinstance(value, dict) else None
    return signed if isinstance(signed, bool) else None


def _registrar_link(value: object) -> str | None:
    """The registry's `related` link to the registrar's RDAP record of the same domain."""
    links = [
        link
        for link in _list(value)
        if isinstance(link, dict)
        and link.get("rel") == "related"
        and isinstance(link.get("href"), str)
        and link["href"].lower().startswith(("https://", "http://"))
        and "/domain/" in link["href"].lower()
        and link.get("type", _RDAP_JSON) in (_RDAP_JSON, "application/json")
    ]
    links.sort(key=lambda link: link.get("type") != _RDAP_JSON)
    return str(links[0]["href"]) if links else None
