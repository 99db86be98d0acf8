"""The registrar verdict: will the registrar renew this domain, and did the last renewal happen?

Critical: the domain missing from the account it names; expired, on hold or being deleted in the
account; the registrar's expiry passed without moving forward (the renewal did not happen there, even
if the registry shows a new date: its automatic one-year extension is exactly what hid marketo.com's
lapse); a registrar expiry earlier than the registry's; auto-renew off within `warn_within`.
Warning: auto-renew off further out; transfer lock off. Unknown: an account could not be read, or no
account lists a domain that names none ("renewal unverified").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from standby.core.expiry import iso
from standby.core.status import Finding, Status, worst
from standby.plan.model import Domain
from standby.probes.registration.record import RegistrationRecord
from standby.registrars.kinds import KINDS
from standby.registrars.record import AccountDomain

SAME_DAY = timedelta(days=1)  # registries and registrars round expiry times differently
CHECK = "registrar"


def _day(when: datetime) -> str:
    return f"{when:%Y-%m-%d}"


def _problems(domain: Domain, found: AccountDomain, registrar: str, registry: datetime | None, now: datetime
              ) -> list[tuple[Status, str]]:  # fmt: skip
    out: list[tuple[Status, str]] = []
    expiry = found.expires_at
    if found.lapsing:
        out.append((Status.CRITICAL, f"{found.lapsing}: renew or restore it at {registrar} now"))
    if expiry is not None and expiry <= now:
        moved = ""
        if registry is not None and registry - expiry > SAME_DAY:
            moved = (
                f" The registry shows {_day(registry)}: that is its automatic one-year extension, not a "
                "paid renewal (it is what hid marketo.com's lapse in 2017)"
            )
        out.append(
            (
                Status.CRITICAL,
                f"{registrar}'s expiry date {_day(expiry)} has passed and did not move forward: the renewal "
                f"did not happen at the registrar. Pay it now.{moved}",
            )
        )
    elif expiry is not None and registry is not None and registry - expiry > SAME_DAY:
        out.append(
            (
                Status.CRITICAL,
                f"{registrar} shows it expiring on {_day(expiry)}, earlier than the registry's "
                f"{_day(registry)}: the later date is not paid for at the registrar; renew it there",
            )
        )
    if found.auto_renew is False:
        near = expiry is not None and expiry - now <= domain.warn_within
        left = f"it expires on {_day(expiry)}" if expiry else "its expiry is not shown"
        status = Status.CRITICAL if near else Status.WARNING
        out.append((status, f"auto-renew is off at {registrar} and {left}: turn it on, or renew by hand"))
    elif found.auto_renew is None:
        out.append((Status.UNKNOWN, f"{registrar} does not say whether auto-renew is on"))
    if found.transfer_lock is False:
        out.append(
            (
                Status.WARNING,
                f"the transfer lock is off at {registrar}: anyone with the auth code can move it",
            )
        )
    return out


def judge(
    domain: Domain, found: AccountDomain, *, account: str, kind: str,
    registry: RegistrationRecord | None, now: datetime,
) -> tuple[Status, str, dict[str, Any]]:  # fmt: skip
    registrar = f"{KINDS[kind].name} ({account})"
    registry_expiry = registry.expires_at if registry is not None and not registry.not_found else None
    problems = _problems(domain, found, registrar, registry_expiry, now)
    details: dict[str, Any] = {
        "account": account,
        "kind": kind,
        "registrar": KINDS[kind].name,
        "auto_renew": found.auto_renew,
        "transfer_lock": found.transfer_lock,
        "registrar_expires_at": iso(found.expires_at) if found.expires_at else None,
        "registry_expires_at": iso(registry_expiry) if registry_expiry else None,
        "statuses": list(found.statuses),
    }
    status = worst(s for s, _ in problems)
    details["verified"] = status is Status.OK
    if problems:
        ordered = sorted(problems, key=lambda p: -p[0].urgency)
        return status, f"{domain.name}: " + "; ".join(text for _, text in ordered), details
    when = f"expires on {_day(found.expires_at)}" if found.expires_at else "shows no expiry"
    agrees = " (the registry agrees)" if registry_expiry else ""
    summary = f"{domain.name}: auto-renew is on at {registrar}, transfer lock on, {when}{agrees}"
    return Status.OK, summary, details


def finding(domain: Domain, status: Status, summary: str, details: dict[str, Any]) -> Finding:
    return Finding(domain.asset_id, "domain", domain.name, CHECK, status, summary, domain.owner, details)
