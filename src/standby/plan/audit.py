"""The independence audit: warnings where a way Standby communicates depends on what the plan monitors.

When acme.example lapses, a status page at status.acme.example, an SMTP relay at mail.acme.example
and the owner's dana@acme.example inbox all fail with it: the warning never reaches anyone. Each
warning names what depends on what and what to change. A "monitored domain" is a `domains:` entry;
anything at it or under it (a subdomain) depends on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import SplitResult, parse_qs, urlsplit

from standby.plan.hosts import at_or_under
from standby.plan.issues import Path
from standby.plan.model import Person, Plan
from standby.plan.refs import Problem
from standby.plan.status_page import OBJECT_STORES, PublishTarget, protocol_of

# Apprise schemes whose URL names a host the message goes through (slack://, tgram://, ... carry tokens).
_HOSTED = {
    "http", "https", "json", "jsons", "xml", "xmls", "form", "forms", "mailto", "mailtos", "ntfy", "ntfys",
    "gotify", "gotifys", "matrix", "matrixs", "mmost", "mmosts", "rocket", "rockets", "apprise", "apprises",
    "ncloud", "nclouds",
}  # fmt: skip
ELSEWHERE = "an address on another domain or a chat notify URL"
# How far up a chain of responsibility the audit looks for someone who can still be reached. Escalation
# steps name a few levels (owner.reports_to.reports_to); a cap keeps a 10,000-person chain linear.
_CHAIN_LEVELS = 20


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:  # `http://[::1` and the like: the channel says so when it is used
        return None


def _host(url: str) -> str | None:
    parts = _split(url)
    host = parts.hostname if parts else None
    return host.rstrip(".") if host else None


class _Monitored:
    def __init__(self, plan: Plan) -> None:
        self.domains = {d.name for d in plan.domains}

    def under(self, host: str | None) -> str | None:
        """The most specific monitored domain `host` is at or under, if any: a look-up per label, so a
        plan of thousands of domains and people costs no more than its size."""
        labels = host.strip().rstrip(".").lower().split(".") if host else []
        return next((d for i in range(len(labels)) if (d := ".".join(labels[i:])) in self.domains), None)

    def address(self, email: str | None) -> str | None:
        return self.under(email.rpartition("@")[2]) if email and "@" in email else None

    def notify(self, url: str) -> tuple[str, str] | None:
        """(host, monitored domain) when an Apprise URL goes through a host under a monitored domain."""
        parts = _split(url)
        scheme = parts.scheme.lower() if parts else ""
        if parts is None or scheme not in _HOSTED:
            return None
        hosts = [_host(url) or ""]
        if scheme.startswith("mailto"):
            # mailto:someone@host, or mailto://user@host?smtp=relay: the relay and the domain both count.
            hosts.append(parts.path.rpartition("@")[2] if "@" in parts.path else "")
            hosts += parse_qs(parts.query).get("smtp", [])
        return next(((h, d) for h in hosts if (d := self.under(h)) is not None), None)

    def independent(self, person: Person) -> bool:
        """True when the person can be reached by a path that does not depend on a monitored domain."""
        if person.email and self.address(person.email) is None:
            return True
        return any(self.notify(url) is None for url in person.notify)


def audit_plan(plan: Plan) -> list[Problem]:
    monitored = _Monitored(plan)
    if not monitored.domains:
        return []
    out = list(_status_page(plan, monitored))
    out += _runbook(plan, monitored)
    out += _email(plan, monitored)
    out += _notify(plan, monitored)
    out += _owners(plan, monitored)
    out += _chains(plan, monitored)
    out += _fallback(plan, monitored)
    return out


def _warn(path: Path, message: str) -> Problem:
    return Problem(path, message, "warning")


def _status_page(plan: Plan, monitored: _Monitored) -> Iterator[Problem]:
    page = plan.status_page
    if page is None:
        return
    host = _host(str(page.url))
    if domain := monitored.under(host):
        yield _warn(
            ("status_page", "url"),
            f"the status page is read at {host}, under {domain}, which this plan monitors: if "
            f"{domain} fails, so does the page that should say so; host the status page on a domain you "
            "do not monitor, e.g. with a separate registrar and DNS provider",
        )
    for path, host in _publish_hosts("status_page", page.publish):
        if domain := monitored.under(host):
            yield _warn(
                path,
                f"the status page is published to {host}, under {domain}, which this plan monitors: if "
                f"{domain} fails, the page cannot be updated; publish to storage that does not depend "
                f"on {domain}",
            )


def _publish_hosts(section: str, targets: list[PublishTarget]) -> Iterator[tuple[Path, str | None]]:
    """The hosts a section's publish targets write through, with where each is in the plan."""
    for i, target in enumerate(targets):
        if protocol_of(target.url) not in OBJECT_STORES:  # an object store's "host" is a bucket name
            yield (section, "publish", i, "url"), _host(target.url)
        endpoint = target.options.get("endpoint_url")
        if isinstance(endpoint, str):
            yield (section, "publish", i, "options", "endpoint_url"), _host(endpoint)


def _runbook(plan: Plan, monitored: _Monitored) -> Iterator[Problem]:
    section = plan.runbook
    if section is None:
        return
    found = list(_publish_hosts("runbook", section.publish))
    if section.url is not None:
        found.insert(0, (("runbook", "url"), _host(str(section.url))))
    for path, host in found:
        if domain := monitored.under(host):
            yield _warn(
                path,
                f"the crisis runbook would be published at {host}, under {domain}, which this plan "
                f"monitors: when {domain} fails, the plan for that moment fails with it; publish it to "
                f"storage that does not depend on {domain}",
            )


def _fallback(plan: Plan, monitored: _Monitored) -> Iterator[Problem]:
    """Fallback forms must keep working when a monitored domain fails: where visitors post, where
    the pages are read and where they are published."""
    if not plan.forms:
        return
    fallback = plan.fallback
    capture = fallback.capture_url if fallback and fallback.capture_url else plan.settings.base_url
    path = ("fallback", "capture_url") if fallback and fallback.capture_url else ("settings", "base_url")
    if capture is not None and (domain := monitored.under(_host(str(capture)))):
        yield _warn(
            path,
            f"fallback forms post to {_host(str(capture))}, under {domain}, which this plan monitors: if "
            f"{domain} fails, no lead can be captured; give the capture endpoint a host on a domain you do "
            "not monitor (fallback.capture_url)",
        )
    if fallback is None:
        return
    found: list[tuple[Path, str | None]] = []
    if fallback.pages_url is not None:
        found.append((("fallback", "pages_url"), _host(str(fallback.pages_url))))
    for i, target in enumerate(fallback.publish):
        if protocol_of(target.url) not in OBJECT_STORES:
            found.append((("fallback", "publish", i, "url"), _host(target.url)))
    for where, host in found:
        if domain := monitored.under(host):
            yield _warn(
                where,
                f"the fallback pages live at {host}, under {domain}, which this plan monitors: if {domain} "
                "fails, so do the pages meant to replace what failed; host them on a domain you do not "
                "monitor",
            )


def _email(plan: Plan, monitored: _Monitored) -> Iterator[Problem]:
    email = plan.settings.email
    if email is None:
        return
    host = _host(email.smtp if "://" in email.smtp else f"smtp://{email.smtp}")
    if domain := monitored.under(host):
        yield _warn(
            ("settings", "email", "smtp"),
            f"the SMTP relay {host} is under {domain}, which this plan monitors: if {domain} fails, no "
            "email goes out; use a relay on a domain you do not monitor (e.g. your email provider's) "
            "and give people a chat notify URL as a second path",
        )
    if domain := monitored.address(email.from_):
        yield _warn(
            ("settings", "email", "from"),
            f"email is sent from {email.from_}, under {domain}, which this plan monitors: if {domain}'s "
            "DNS fails, receivers reject mail from it (SPF, DKIM and DMARC live there); send from an "
            "address on a domain you do not monitor",
        )


def _notify(plan: Plan, monitored: _Monitored) -> Iterator[Problem]:
    lists = [("people", i, p.id, p.notify) for i, p in enumerate(plan.people)]
    lists += [("audiences", i, f"audience {a.id}", a.notify) for i, a in enumerate(plan.audiences)]
    for section, i, who, urls in lists:
        for j, url in enumerate(urls):
            if found := monitored.notify(url):
                host, domain = found
                yield _warn(
                    (section, i, "notify", j),
                    f"this notify URL goes through {host}, under {domain}, which this plan monitors: if "
                    f"{domain} fails, {who} is not told; use a service that does not depend on {domain}",
                )


def _owners(plan: Plan, monitored: _Monitored) -> Iterator[Problem]:
    people = {p.id: (i, p) for i, p in enumerate(plan.people)}
    for domain in plan.domains:
        if domain.owner not in people:
            continue
        i, person = people[domain.owner]
        if not person.email or not at_or_under(person.email.rpartition("@")[2], domain.name):
            continue
        if any(monitored.notify(url) is None for url in person.notify):
            continue  # a chat path that does not depend on the domain still reaches them
        yield _warn(
            ("people", i, "email"),
            f"{person.id} owns {domain.name} but reads email at {person.email}, which depends on it: if "
            f"{domain.name} lapses, the warning never arrives; give {person.id} {ELSEWHERE}",
        )


def _chains(plan: Plan, monitored: _Monitored) -> Iterator[Problem]:
    people = {p.id: (i, p) for i, p in enumerate(plan.people)}
    owners = {
        a.owner
        for s in (plan.domains, plan.certificates, plan.dns, plan.endpoints, plan.vendors, plan.backups)
        for a in s
    }
    for ident, (i, person) in people.items():
        if ident not in owners or person.reports_to is None:
            continue
        chain = [person]
        while (up := chain[-1].reports_to) in people and len(chain) < _CHAIN_LEVELS:
            if any(p.id == up for p in chain):
                break
            chain.append(people[up][1])
        inboxes = {d for p in chain if (d := monitored.address(p.email))}
        if not inboxes or any(monitored.independent(p) for p in chain):
            continue
        yield _warn(
            ("people", i, "id"),
            f"everyone in {ident}'s chain of responsibility ({' → '.join(p.id for p in chain)}) reads "
            f"email only under domains this plan monitors ({', '.join(sorted(inboxes))}): if they fail, "
            f"nobody in the chain hears; give at least one of them {ELSEWHERE}",
        )
