"""Certificates: days left before expiry, and precisely why a certificate fails verification.

The handshake sends SNI for the host and verifies against the system store plus `settings.ca_bundle`
(`ctx.net.ssl_context`). When verification fails we connect again without verifying, only to read the
certificate, and say what is wrong with it: expired, not valid for the host name, or from an
authority nobody trusts. Not reaching the server (refused, timed out, no address) is `unknown`; a
server that answers but cannot complete a TLS handshake is `critical`, since no client can either.
"""

from __future__ import annotations

import asyncio
import ssl
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from standby.core.expiry import days_left, expiry_details, expiry_status
from standby.core.local import local_cause, mark
from standby.core.net import ResolveError, describe, unresolved
from standby.core.status import Finding, Status
from standby.core.tls import inspect_context
from standby.core.words import plural
from standby.plan.model import Certificate, Endpoint
from standby.probes.context import ProbeContext

ENDPOINT_WARN = timedelta(days=14)
ENDPOINT_CRITICAL = timedelta(days=3)

# OpenSSL verify codes that mean "the chain does not end at an anchor we trust".
_SELF_SIGNED = 18  # X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
_UNTRUSTED = {2, 19, 20, 21, 27}  # unable to get issuer / self-signed in chain / untrusted
_EXPIRED = 10  # X509_V_ERR_CERT_HAS_EXPIRED
_NOT_YET_VALID = 9
_HOSTNAME = 62  # X509_V_ERR_HOSTNAME_MISMATCH


@dataclass(frozen=True)
class CertInfo:
    not_after: datetime
    subject: str
    issuer: str
    sans: list[str]

    def details(self, now: datetime) -> dict[str, Any]:
        return {
            **expiry_details(self.not_after, now),
            "issuer": self.issuer,
            "subject": self.subject,
            "sans": self.sans,
        }


def _name(name: x509.Name) -> str:
    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        attributes = name.get_attributes_for_oid(oid)
        if attributes:
            return str(attributes[0].value)
    return name.rfc4514_string() or "(empty name)"


def read_certificate(der: bytes) -> CertInfo:
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = san.get_values_for_type(x509.DNSName) + [
            str(a) for a in san.get_values_for_type(x509.IPAddress)
        ]
    except x509.ExtensionNotFound:
        sans = []
    return CertInfo(cert.not_valid_after_utc, _name(cert.subject), _name(cert.issuer), sans)


def covers(sans: list[str], host: str) -> bool:
    """Whether a certificate for `sans` is valid for `host` (a wildcard stands for exactly one label)."""
    host = host.lower().rstrip(".")
    for name in (s.lower().rstrip(".") for s in sans):
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


async def _peer_certificate(
    ctx: ProbeContext, host: str, port: int, address: str | None, context: ssl.SSLContext
) -> bytes:
    async with ctx.net.slot(address or host):
        _, writer = await ctx.net.open_tcp(address or host, port, tls=context, server_hostname=host)
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
        with suppress(OSError, TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), ctx.net.timeout)
    if not der:
        raise ssl.SSLError("the server sent no certificate")
    return bytes(der)


def _date(when: datetime) -> str:
    return when.strftime("%Y-%m-%d")


def _days(n: int) -> str:
    return plural(n, "day")


def _problems(error: ssl.SSLCertVerificationError, info: CertInfo, host: str, now: datetime) -> list[str]:
    """Each way the certificate fails, as phrases completing "The certificate of HOST:PORT ..."."""
    problems = []
    code = error.verify_code
    if code == _EXPIRED or info.not_after <= now:
        ago = days_left(now, info.not_after)  # days since expiry, rounded down
        when = "today" if ago <= 0 else f"{_days(ago)} ago"
        problems.append(f"expired {when} on {_date(info.not_after)}")
    if code == _HOSTNAME or not covers(info.sans, host):
        names = ", ".join(info.sans) if info.sans else "no host names at all"
        problems.append(f"is not valid for {host} (it covers {names})")
    if code == _SELF_SIGNED:
        problems.append("is self-signed, so no client trusts it")
    elif code in _UNTRUSTED:
        problems.append(
            f"is issued by {info.issuer}, which is not a trusted authority "
            "(if it is your own CA, add it to settings.ca_bundle)"
        )
    elif code == _NOT_YET_VALID:
        problems.append("is not valid yet")
    if not problems:
        problems.append(f"fails verification ({error.verify_message})")
    return problems


def _join(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _valid(
    info: CertInfo, where: str, now: datetime, warn: timedelta, critical: timedelta
) -> tuple[Status, str]:
    status = expiry_status(info.not_after, now, warn_within=warn, critical_within=critical)
    left = days_left(info.not_after, now)
    date = _date(info.not_after)
    if left < 0:
        ago = _days(days_left(now, info.not_after))
        return status, f"The certificate of {where} expired {ago} ago on {date}; renew it now"
    if status is Status.OK:
        return (
            status,
            f"The certificate of {where} is valid until {date} ({_days(left)} left), issued by {info.issuer}",
        )
    urgency = "now" if status is Status.CRITICAL else "soon"
    return status, f"The certificate of {where} expires in {_days(left)}, on {date}; renew it {urgency}"


async def inspect(
    ctx: ProbeContext, host: str, port: int, address: str | None, *, warn: timedelta, critical: timedelta
) -> tuple[Status, str, dict[str, Any]]:
    """Status, summary and details for the certificate served at host:port (connecting to `address`)."""
    where = f"{host}:{port}"
    now = ctx.clock.now()
    unknown = expiry_details(None, now)
    verify_error: ssl.SSLCertVerificationError | None = None
    try:
        der = await _peer_certificate(ctx, host, port, address, ctx.net.ssl_context)
    except ssl.SSLCertVerificationError as exc:
        if (local := ctx.net.trust_problem()) is not None:  # nothing would verify: Standby's own fault
            return Status.UNKNOWN, local.summary, mark(dict(unknown), local)
        verify_error = exc
        try:
            der = await _peer_certificate(ctx, host, port, address, inspect_context())
        except (OSError, ResolveError) as again:
            summary = (
                f"The certificate of {where} fails verification ({exc.verify_message}) and could not be read"
            )
            return Status.CRITICAL, f"{summary} ({describe(again)})", {**unknown, "error": exc.verify_message}
    except ssl.SSLError as exc:
        reason = (exc.reason or describe(exc)).replace("_", " ").lower()
        summary = f"{where} accepts connections but the TLS handshake fails ({reason}); no client can connect"
        return Status.CRITICAL, summary, {**unknown, "error": str(exc)}
    except (OSError, ResolveError) as exc:
        if (local := local_cause(exc)) is not None:
            unread = f"Could not read the certificate of {where}: {local.otherwise}"
            details = {**unknown, "unresolved": bool(local.otherwise)}
            return Status.UNKNOWN, local.summary, mark(details, local, otherwise=unread)
        summary = f"Could not read the certificate of {where}: {describe(exc)}"
        return Status.UNKNOWN, summary, {**unknown, "error": describe(exc), "unresolved": unresolved(exc)}
    info = read_certificate(der)
    details = info.details(now)
    if verify_error is None:
        status, summary = _valid(info, where, now, warn, critical)
        return status, summary, {**details, "verified": True}
    problems = _problems(verify_error, info, host, now)
    summary = f"The certificate of {where} {_join(problems)}"
    return Status.CRITICAL, summary, {**details, "verified": False, "problems": problems}


async def check_certificate(cert: Certificate, ctx: ProbeContext) -> list[Finding]:
    status, summary, details = await inspect(
        ctx, cert.host, cert.port, cert.address, warn=cert.warn_within, critical=cert.critical_within
    )
    return [
        Finding(
            cert.asset_id, "certificate", cert.target, "certificate", status, summary, cert.owner, details
        )
    ]


async def check_endpoint_certificate(endpoint: Endpoint, ctx: ProbeContext) -> list[Finding]:
    """Every https endpoint's certificate, with fixed thresholds (14 days warning, 3 days critical)."""
    host, port = endpoint.url.host or "", endpoint.url.port or 443
    status, summary, details = await inspect(
        ctx, host, port, endpoint.address, warn=ENDPOINT_WARN, critical=ENDPOINT_CRITICAL
    )
    return [
        Finding(
            endpoint.asset_id,
            "endpoint",
            str(endpoint.url),
            "certificate",
            status,
            summary,
            endpoint.owner,
            details,
        )
    ]
