"""Standby's own failures, told apart from the failures of what it watches, and network errors in
people's words (never a library's: no "Server Do53:127.0.0.1@18453 answered ...").

A check that fails because of something on Standby's side — its configured resolvers do not answer,
it has no route or no network, its own trust store is missing — says nothing about the asset: it is
`unknown`, with one summary that names the cause, the same for every kind of check, and
`details["local"]` says which cause (resolvers | network | trust).

Some of these can also mean something else: resolvers that do not answer for one name may be waiting
on that name's dead servers, and resolvers that say a name does not exist (NXDOMAIN, or no record of
the type asked) may be right — a deleted domain — or may say it of every name, the root zone too (a
sandbox's or captive network's resolver, a broken forwarder). Such a finding carries
`details["otherwise"]`, what the check would say if Standby turns out to see fine. Standby's
self-check decides (probes/sight.py): while it fails, Standby is blind and these findings are held;
when it passes, they say `otherwise`.
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import dns.exception
import dns.resolver

# No route, no network, no local address: errors the machine Standby runs on gives itself.
_LOCAL_ERRNOS = {errno.ENETUNREACH, errno.ENETDOWN, errno.EADDRNOTAVAIL}
RESOLVERS, NETWORK, TRUST = "resolvers", "network", "trust"


class LocalError(ConnectionError):
    """A failure on Standby's side. `cause` is resolvers, network or trust; `summary` says it;
    `otherwise` is how the same event reads when Standby can see (the name's own servers are dead)."""

    def __init__(self, cause: str, summary: str, otherwise: str | None = None) -> None:
        super().__init__(summary)
        self.cause = cause
        self.summary = summary
        self.otherwise = otherwise


def mark(
    details: Mapping[str, object], error: LocalError, *, otherwise: str | None = None, status: str = "unknown"
) -> dict[str, object]:
    """A finding's details, saying the failure was Standby's own. When it may not be (`error.otherwise`),
    `otherwise` and `status` are what the finding says instead if Standby's self-check shows it can see."""
    out: dict[str, object] = {**details, "local": error.cause, "error": error.summary}
    if otherwise is not None and error.otherwise is not None:
        out["otherwise"] = {"status": status, "summary": otherwise}
    return out


def cannot_resolve(resolvers: str, name: str | None = None) -> LocalError:
    otherwise = f"cannot resolve {name}: no resolver answered in time" if name else None
    summary = f"Standby cannot resolve names: its resolvers {resolvers} do not answer"
    return LocalError(RESOLVERS, summary, otherwise)


def denial(resolvers: str, name: str, said: str) -> LocalError:
    """Standby's resolvers deny `name` (NXDOMAIN, or no record of the type asked); `said` is what that
    means when Standby sees. Resolvers that deny the root zone deny every name: while Standby's
    self-check fails, the denial says nothing about `name`."""
    summary = (
        f"Standby cannot tell whether {name} resolves: its resolvers {resolvers} say it does not, "
        "but Standby's own self-check fails"
    )
    return LocalError(RESOLVERS, summary, said)


def denied(
    exc: dns.exception.DNSException, resolvers: str, name: str, said: str | None = None
) -> LocalError | None:
    """For a failed recursive lookup: the resolvers answered that the name does not exist or has no
    such record (or, for a zone's search, that not even the root zone exists). `said` defaults to
    `cannot resolve NAME: why`."""
    if isinstance(exc, dns.resolver.NXDOMAIN | dns.resolver.NoAnswer | dns.resolver.NoRootSOA):
        return denial(resolvers, name, said or f"cannot resolve {name}: {dns_words(exc)}")
    return None


def no_network(where: str, exc: OSError) -> LocalError:
    reason = (exc.strerror or str(exc)).lower()
    return LocalError(NETWORK, f"Standby cannot reach the network: no route to {where} ({reason})")


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """`exc`, then what caused it or was being handled when it was raised (even `from None`)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def local_cause(exc: BaseException | None) -> LocalError | None:
    """The failure on Standby's side behind `exc`, if that is what it was."""
    for link in _chain(exc):
        if isinstance(link, LocalError):
            return link
        if isinstance(link, OSError) and link.errno in _LOCAL_ERRNOS:
            return no_network("the server", link)
        if isinstance(link, socket.gaierror) and link.errno == socket.EAI_AGAIN:
            said = "Standby cannot resolve names: the system's resolver does not answer"
            return LocalError(RESOLVERS, said)
    return None


def resolver_failure(
    exc: dns.exception.DNSException, resolvers: str, name: str | None = None
) -> LocalError | None:
    """For a failed recursive lookup: Standby's own resolvers not answering at all (every one timed
    out or refused the connection, or they refuse to serve Standby), as opposed to resolvers that
    answered that the name's own servers fail (SERVFAIL)."""
    if isinstance(exc, dns.resolver.LifetimeTimeout | dns.exception.Timeout):
        errors = exc.kwargs.get("errors") or []
        if all(_no_answer(e) for e in errors):
            return cannot_resolve(resolvers, name)
    if isinstance(exc, dns.resolver.NoNameservers):
        errors = exc.kwargs.get("errors") or []
        if errors and all(_no_answer(e) or _refused(e) for e in errors):
            return cannot_resolve(resolvers, name)
    return None


def _no_answer(error: Sequence[object]) -> bool:
    """One of dnspython's (server, tcp, port, exception, answer) entries: no answer came back."""
    return len(error) > 4 and error[4] is None and isinstance(error[3], dns.exception.Timeout | OSError)


def _refused(error: Sequence[object]) -> bool:
    answer = error[4] if len(error) > 4 else None
    return answer is not None and "REFUSED" in str(error[3])


def dns_words(exc: BaseException) -> str:
    """What went wrong with a lookup, for people."""
    if isinstance(exc, dns.resolver.NXDOMAIN):
        return "the name does not exist (NXDOMAIN)"
    if isinstance(exc, dns.resolver.NoAnswer):
        return "the name has no record of that type"
    if isinstance(exc, dns.resolver.LifetimeTimeout | dns.exception.Timeout):
        return "no resolver answered in time"
    if isinstance(exc, dns.resolver.NoNameservers):
        answers = [str(e[3]) for e in exc.kwargs.get("errors") or [] if len(e) > 4 and e[4] is not None]
        if any("REFUSED" in a for a in answers):
            return "the resolvers refused to answer"
        return (
            "the resolvers failed (SERVFAIL): the name's own servers are broken or unreachable, "
            "or its DNSSEC signatures do not validate"
        )
    if isinstance(exc, dns.resolver.NoRootSOA):
        return "the resolvers gave no zone (SOA) for any parent of the name"
    if isinstance(exc, dns.name.LabelTooLong | dns.name.NameTooLong | dns.name.EmptyLabel):
        return "it is not a valid DNS name"
    return type(exc).__name__


def trust_problem(context: ssl.SSLContext) -> LocalError | None:
    """Standby's trust store holds no certificate authority: every certificate would look untrusted."""
    if context.cert_store_stats().get("x509_ca", 0) == 0 and not _lazy_store():
        return LocalError(
            TRUST,
            "Standby cannot verify certificates: its trust store holds no certificate authority "
            "(install the system's CA certificates, e.g. the ca-certificates package, or set "
            "settings.ca_bundle)",
        )
    return None


def _lazy_store() -> bool:
    """OpenSSL reads a hashed CA directory only when it verifies: empty stats then prove nothing."""
    capath = ssl.get_default_verify_paths().capath
    return bool(capath) and Path(capath).is_dir() and any(Path(capath).iterdir())


def unreadable_bundle(path: object, exc: BaseException) -> LocalError:
    reason = getattr(exc, "strerror", None) or type(exc).__name__
    return LocalError(
        TRUST, f"Standby cannot verify certificates: its CA bundle {path} cannot be read ({reason})"
    )
