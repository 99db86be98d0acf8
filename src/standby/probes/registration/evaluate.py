"""The registration verdict: expiry thresholds, registry states, and the post-expiry auto-renew trap.

After a gTLD name expires the registry renews it by itself and moves the expiry date a year ahead
(status `auto renew period`, `last changed` the day after the old expiry), whether or not anyone paid;
the registrar may still delete it for 45 days. Alone that is a warning: someone must confirm the renewal
with the registrar. With any sign that the registrar is letting it go (expiry or parking nameservers,
a hold, a vanished delegation, a registrar expiry already past) it is critical: marketo.com, July 2017.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from standby.core.expiry import days_left, expiry_details, expiry_status, iso
from standby.core.status import Finding, Status
from standby.core.words import plural
from standby.plan.model import Domain
from standby.probes.delegation_result import Delegation
from standby.probes.parking import parking_nameserver
from standby.probes.registration.record import Availability, RegistrationRecord

AUTO_RENEW_GRACE = timedelta(days=45)  # RAA 3.7.5.3: the registrar must delete within 45 days
_LAPSING = ("redemption period", "pending delete", "pending restore")


def auto_renewed(record: RegistrationRecord, now: datetime) -> str | None:
    """Why the record looks like the registry's automatic renewal after expiry, or None."""
    if "auto renew period" in record.statuses:
        return "the registry shows 'auto renew period'"
    if record.registrar_expires_at and record.registrar_expires_at < now:
        return f"the registrar's own expiry date ({record.registrar_expires_at:%Y-%m-%d}) has passed"
    if record.expires_at and record.last_changed_at:
        old_expiry = record.expires_at.replace(year=record.expires_at.year - 1)
        changed_after = record.last_changed_at - old_expiry
        if timedelta(0) <= changed_after <= timedelta(days=2) and now - old_expiry <= AUTO_RENEW_GRACE:
            return (
                f"the expiry jumped a year to {record.expires_at:%Y-%m-%d} on "
                f"{record.last_changed_at:%Y-%m-%d}, the day after it lapsed"
            )
    return None


def letting_go(record: RegistrationRecord, delegation: Delegation | None) -> list[str]:
    """Signs that the registrar is letting the name go."""
    signs = [f"status '{s}'" for s in record.statuses if "hold" in s]
    nameservers = list(record.nameservers) + (delegation.nameservers if delegation else [])
    signs += sorted({reason for ns in nameservers if (reason := parking_nameserver(ns))})
    if delegation is not None and delegation.nxdomain:
        signs.append("the parent zone no longer delegates it (NXDOMAIN)")
    return signs


def _verdict(domain: Domain, record: RegistrationRecord, delegation: Delegation | None, now: datetime
             ) -> tuple[Status, str]:  # fmt: skip
    name = domain.name
    said = f"'{record.evidence}'" if record.evidence else "nothing more"
    if record.availability is Availability.THROTTLED:
        return Status.UNKNOWN, (
            f"rate limited, try later: {record.server} is refusing queries for now (it said {said}); "
            f"{name} will be checked again — this says nothing about whether it is still registered"
        )
    if record.availability is Availability.FREE:
        return Status.CRITICAL, (
            f"{name} is not registered: deleted and available for registration by anyone (the registry "
            f"said {said}). Re-register it now"
        )
    if record.availability is Availability.UNKNOWN:
        return Status.UNKNOWN, (
            f"could not tell whether {name} is registered: {record.server} answered with no record and "
            f"no 'not found' (it said {said})"
        )
    lapsing = [s for s in record.statuses if s in _LAPSING]
    if lapsing:
        return (
            Status.CRITICAL,
            f"{name} is in '{lapsing[0]}': it has been deleted; restore it through the registrar now",
        )
    renewal, signs = auto_renewed(record, now), letting_go(record, delegation)
    if renewal and signs:
        return Status.CRITICAL, (
            f"{name} expired and only the registry auto-renewed it ({renewal}), and the registrar is "
            f"letting it go: {'; '.join(signs)}. Pay the renewal with the registrar and restore the "
            "nameservers now"
        )
    if any("hold" in s for s in record.statuses):
        return (
            Status.CRITICAL,
            f"{name} is on hold ({', '.join(signs)}): it does not resolve; contact the registrar",
        )
    expiry = _effective_expiry(record)
    if expiry is None:
        return Status.UNKNOWN, (
            f"the {record.source.upper()} record of {name} gives no expiry date (some registries, such "
            "as .de, never publish one); its delegation is still watched — check the date with the registrar"
        )
    left = days_left(expiry, now)
    if record.expiry_ambiguous and expiry == record.expires_at:
        first, second = record.expiry_readings[0], record.expiry_readings[-1]
        ambiguity = (
            f"; the registry wrote '{record.expiry_text}', which is {first:%Y-%m-%d} or {second:%Y-%m-%d} "
            "(nothing in its answer tells the day from the month), so this counts from the earlier date"
        )
    else:
        ambiguity = ""
    if expiry <= now:
        ago = days_left(now, expiry)
        return (
            Status.CRITICAL,
            f"{name} expired {plural(ago, 'day')} ago, on {expiry:%Y-%m-%d}: renew it now{ambiguity}",
        )
    status = expiry_status(
        expiry, now, warn_within=domain.warn_within, critical_within=domain.critical_within
    )
    when = f"{name} expires in {plural(left, 'day')}, on {expiry:%Y-%m-%d}{ambiguity}"
    if renewal:
        return max(status, Status.WARNING, key=lambda s: s.urgency), (
            f"{when}, but only because the registry auto-renewed it after it lapsed ({renewal}); the "
            "registrar may still delete it — confirm with the registrar that the renewal is paid"
        )
    advice = {Status.CRITICAL: ": renew it now", Status.WARNING: ": renew it or confirm auto-renew is on"}
    return status, when + advice.get(status, "")


def _effective_expiry(record: RegistrationRecord) -> datetime | None:
    """The earlier of the registry's and the registrar's dates: the one that bites first."""
    dates = [d for d in (record.expires_at, record.registrar_expires_at) if d is not None]
    return min(dates) if dates else None


def evaluate_registration(
    domain: Domain, record: RegistrationRecord | None, *, error: str | None,
    delegation: Delegation | None, now: datetime,
) -> Finding:  # fmt: skip
    details: dict[str, Any] = {"expires_at": None, "days_left": None}
    if record is None:
        status, summary = Status.UNKNOWN, f"could not read the registration of {domain.name}: {error}"
    else:
        status, summary = _verdict(domain, record, delegation, now)
        registered = record.availability is Availability.REGISTERED
        expiry = _effective_expiry(record) if registered else None
        details = {
            **expiry_details(expiry, now),
            "availability": record.availability.value,
            "evidence": record.evidence,
            "registry_answer": registry_answer(record),
            "expiry_readings": [iso(when) for when in record.expiry_readings]
            if record.expiry_ambiguous
            else None,
            "registry_expires_at": _iso(record.expires_at),
            "registrar_expires_at": _iso(record.registrar_expires_at),
            "last_changed_at": _iso(record.last_changed_at),
            "registrar": record.registrar,
            "statuses": record.statuses,
            "nameservers": record.nameservers,
            "dnssec": record.dnssec,
            "source": record.source,
            "server": record.server,
        }
    return Finding(
        domain.asset_id, "domain", domain.name, "registration", status, summary, domain.owner, details
    )


def registry_answer(record: RegistrationRecord) -> str:
    """What Standby concluded and the line it read: `free — whois.verisign-grs.com said: 'No match…'`."""
    server = record.server.removeprefix("https://").removeprefix("http://").rstrip("/")
    if not record.evidence:
        return f"{record.availability.value} — {server} gave no line that says either way"
    return f"{record.availability.value} — {server} said: '{record.evidence}'"


def _iso(when: datetime | None) -> str | None:
    return iso(when) if when else None
