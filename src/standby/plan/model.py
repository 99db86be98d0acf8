"""The plan file as pydantic models (format version 1; see docs/plan.md).

Unknown keys are errors everywhere (`extra="forbid"`): a typo must never silently change who gets paged.
Models are frozen: the engine works on a snapshot of the plan and a reload makes a new one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from standby.plan.assets import Asset
from standby.plan.backups import Backup
from standby.plan.drills import Drill
from standby.plan.forms import Fallback, Form
from standby.plan.impact import Impact
from standby.plan.issues import suggest
from standby.plan.registrars import RegistrarAccount
from standby.plan.resolvers import PublicResolver
from standby.plan.runbook import Runbook
from standby.plan.status_page import StatusPage, shown_url
from standby.plan.templates import AudienceTemplate, check_template
from standby.plan.types import Duration, HostName, HostPort

IANA_BOOTSTRAP = "https://data.iana.org/rdap/dns.json"
# Fields a plan may not use yet: they would be read by nothing, so they are refused, with why.
# (("section", "field") → the message; empty while every field the models have is acted on.)
NOT_YET: dict[tuple[str, str], str] = {}
RecordType = Literal["A", "AAAA", "CNAME", "MX", "TXT", "NS", "CAA", "SOA"]


def _zone_hint(value: str) -> str:
    """` (did you mean 'America/New_York'?)`, else how to write one."""
    zones = available_timezones()
    exact = {z.lower(): z for z in zones}.get(value.strip().lower().replace(" ", "_"))
    if exact is not None:
        return f" (did you mean {exact!r}? time zone names are case-sensitive)"
    return suggest(value, zones) or "; use an IANA name like America/New_York"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Email(Model):
    smtp: str = Field(description="smtp://host[:port] or smtps://host[:port] of the relay")
    from_: str = Field(alias="from", description="sender address")
    starttls: bool = True
    username: str | None = None
    password: str | None = None
    accept_timeout: Duration = Field(
        timedelta(minutes=10),
        ge=timedelta(seconds=1),
        le=timedelta(hours=1),
        description="how long to wait for the relay to accept a message (its reply to the end of the "
        "message; RFC 5321 allows it 10 minutes); settings.timeout covers every other step",
    )


class SelfCheck(Model):
    """What Standby looks at each tick to know that it can see at all (docs/engine.md, "Standby's own
    sight"): point it at things you control, that are up whenever your network is."""

    name: str = Field(
        ".", description="a name its resolvers must always resolve (one you control); default: the root zone"
    )
    connect: list[HostPort] = Field(
        default_factory=list,
        description="host:port it must always reach over TCP (one you control); default: only the route "
        "to the resolvers is checked",
    )


class Settings(Model):
    resolvers: list[HostPort] = Field(
        default_factory=list, description="recursive resolvers (ip[:port]) for every lookup; default: system"
    )
    rdap_bootstrap: str = Field(IANA_BOOTSTRAP, description="IANA RDAP bootstrap (URL or file)")
    rdap_servers: dict[str, str] = Field(default_factory=dict, description="per-TLD RDAP base URL")
    whois_servers: dict[str, HostPort] = Field(
        default_factory=dict,
        description="per-TLD WHOIS server (host[:port]); a key that is a WHOIS host name redirects referrals",
    )
    whois_root: HostPort = Field("whois.iana.org", description="where WHOIS servers for a TLD are looked up")
    parent_servers: dict[str, list[HostPort]] = Field(
        default_factory=dict, description="per-zone authoritative servers of the parent (host[:port])"
    )
    authoritative_servers: dict[str, list[HostPort]] = Field(
        default_factory=dict, description="per-zone authoritative servers (host[:port]) for DNSSEC checks"
    )
    ca_bundle: Path | None = Field(None, description="extra trust anchors (PEM) for TLS and HTTPS checks")
    timeout: Duration = Field(timedelta(seconds=10), description="per network operation")
    concurrency: int = Field(64, ge=1, le=10000, description="network operations in flight at once")
    per_server_concurrency: int = Field(8, ge=1, le=1000, description="operations at once against one server")
    cache_dir: Path | None = Field(
        None, description="where the RDAP bootstrap is cached; default: user cache"
    )
    email: Email | None = None
    base_url: AnyHttpUrl | None = Field(None, description="where links in messages point")
    alert_after: int = Field(
        2, ge=1, le=100, description="bad observations in a row before a check counts as bad (an alert opens)"
    )
    recover_after: int = Field(
        2, ge=1, le=100, description="ok observations in a row before it recovers (the alert resolves)"
    )
    retention: Duration = Field(timedelta(days=90), description="how long `standby serve` keeps findings")
    public_resolvers: list[PublicResolver] | None = Field(
        None,
        description="resolvers the DNS recovery tracker asks; default: a built-in list (docs/recovery.md)",
    )
    self_check: SelfCheck = Field(
        default_factory=SelfCheck, description="how Standby tells that it can see at all (each tick)"
    )


class Person(Model):
    id: str = Field(description="how the rest of the plan refers to this person")
    name: str | None = None
    email: str | None = Field(None, description="address for messages (through settings.email)")
    notify: list[str] = Field(default_factory=list, description="extra Apprise URLs")
    reports_to: str | None = Field(None, description="the next person up the chain of responsibility")


class Audience(Model):
    id: str
    members: list[str] = Field(default_factory=list, description="person ids")
    notify: list[str] = Field(default_factory=list, description="Apprise URLs (mailto:, slack:, ...)")
    external: bool = Field(False, description="outside the company: told only what is published on purpose")
    status_page: bool = Field(False, description="this audience reads the public status page")


def _days(*days: int) -> list[timedelta]:
    return [timedelta(days=d) for d in days]


class Domain(Model):
    name: HostName = Field(description="the registered domain, e.g. acme.example")
    owner: str | None = Field(None, description="person id responsible for renewing it")
    expected_nameservers: list[HostName] | None = Field(None, description="the delegation you expect")
    warn_within: Duration = Field(timedelta(days=30), description="warning at or under this many days left")
    critical_within: Duration = Field(
        timedelta(days=7), description="critical at or under this many days left"
    )
    remind_at: list[Duration] = Field(
        default_factory=lambda: _days(90, 60, 30, 14, 7, 3, 1),
        description="remind the owner this long before",
    )
    confirm_by: Duration | None = Field(
        None, description="the owner must confirm the renewal this long before"
    )
    registrar: str | None = Field(
        None,
        description="id of the registrar account holding it (registrars[]); none: its registrar has no "
        "API (renewals are confirmed by hand); omitted: the account that lists it",
    )
    playbook: str | None = Field(None, description="playbook id for alerts about it")

    @property
    def asset_id(self) -> str:
        return f"domain:{self.name}"


class Certificate(Model):
    host: HostName = Field(description="the name the certificate must be valid for (sent as SNI)")
    port: int = Field(443, ge=1, le=65535)
    address: str | None = Field(None, description="connect here instead of resolving host")
    owner: str | None = Field(None, description="person id responsible for renewing it")
    warn_within: Duration = Field(timedelta(days=14), description="warning at or under this many days left")
    critical_within: Duration = Field(
        timedelta(days=3), description="critical at or under this many days left"
    )
    remind_at: list[Duration] = Field(
        default_factory=lambda: _days(30, 14, 7, 3, 1), description="remind the owner this long before"
    )
    confirm_by: Duration | None = Field(
        None, description="the owner must confirm the renewal this long before"
    )
    playbook: str | None = Field(None, description="playbook id for alerts about it")

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def asset_id(self) -> str:
        return f"certificate:{self.target}"


class DnsCheck(Model):
    name: HostName
    type: RecordType = Field("A", description="record type to resolve")
    expect: list[str] | None = Field(None, description="exact set of answers; omit to only require one")
    dnssec: bool = Field(False, description="also check signatures at the zone's authoritative servers")
    owner: str | None = None
    playbook: str | None = None

    @property
    def asset_id(self) -> str:
        return f"dns:{self.name}/{self.type}"


class Expect(Model):
    status: list[int] | None = Field(None, description="accepted final status codes; default any 2xx")
    contains: list[str] = Field(default_factory=list, description="texts the body must contain")
    not_contains: list[str] = Field(default_factory=list, description="texts the body must not contain")
    max_latency: Duration | None = Field(None, description="slower than this is a warning")


class Endpoint(Model):
    id: str
    url: AnyHttpUrl = Field(description="http(s) URL to request")
    address: str | None = Field(None, description="connect here instead of resolving the URL's host")
    owner: str | None = None
    interval: Duration = Field(timedelta(seconds=60), description="how often `standby serve` probes it")
    method: Literal["GET", "HEAD", "POST"] = "GET"
    follow_redirects: bool = Field(True, description="follow up to 10 redirects and check the final answer")
    expect: Expect = Field(default_factory=Expect)
    playbook: str | None = None

    @property
    def asset_id(self) -> str:
        return f"endpoint:{self.id}"


class VendorEndpoint(Model):
    url: AnyHttpUrl
    address: str | None = Field(None, description="connect here instead of resolving the URL's host")
    method: Literal["GET", "HEAD", "POST"] = "GET"
    follow_redirects: bool = True
    expect: Expect = Field(default_factory=Expect)


class Vendor(Model):
    id: str
    name: str | None = None
    owner: str | None = None
    statuspage: AnyHttpUrl | None = Field(
        None, description="Statuspage v2 base URL (api/v2/summary.json is read)"
    )
    components: list[str] | None = Field(
        None, description="only these components count; omit for the overall"
    )
    endpoints: list[VendorEndpoint] = Field(default_factory=list, description="your own probes of the vendor")
    interval: Duration = Field(timedelta(seconds=60), description="how often `standby serve` probes it")
    playbook: str | None = None

    @property
    def asset_id(self) -> str:
        return f"vendor:{self.id}"


class Step(Model):
    after: Duration = Field(description="how long after the alert opened this step runs")
    notify: list[str] = Field(
        min_length=1,
        description="person ids, audience ids, owner, owner.reports_to, owner.reports_to.reports_to",
    )


class Playbook(Model):
    id: str
    severity: Literal["minor", "major", "critical"] = "major"
    escalation: list[Step] = Field(default_factory=list, description="who is told when")
    repeat: int = Field(
        0, ge=0, le=100, description="run the steps again this many times if nobody acknowledges"
    )
    first_update_within: Duration | None = Field(
        None, description="the first incident update is due this soon"
    )
    update_every: Duration | None = Field(None, description="later incident updates are due at this rhythm")
    external_after: Duration | None = Field(None, description="external audiences hear only after this long")
    audiences: list[str] = Field(default_factory=list, description="audience ids told during an incident")
    templates: dict[str, AudienceTemplate] = Field(
        default_factory=dict, description="incident messages per audience id (docs/incidents.md)"
    )
    public_text: str | None = Field(
        None,
        description="Jinja template of the public text an update starts from (neutral values only); "
        "default: Standby's neutral words for the state",
    )

    @field_validator("public_text")
    @classmethod
    def _public_text_compiles(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)

    plan_b: list[str] = Field(
        default_factory=list,
        description="form ids whose fallback pages its incidents announce and count (docs/plan-b.md)",
    )
    impact: Impact | None = Field(None, description="what an hour of the outage costs (incident reports)")


class Plan(Model):
    version: Literal[1] = Field(description="the plan-file format version; 1")
    organization: str = Field(description="your organization's name, used in messages")
    timezone: str = Field("UTC", description="IANA time zone for times shown to people; storage is UTC")
    settings: Settings = Field(default_factory=Settings)
    people: list[Person] = Field(default_factory=list)
    operators: list[str] = Field(
        default_factory=list,
        description="person ids of who runs Standby: told when Standby itself cannot see; default: the "
        "web app's admins",
    )
    audiences: list[Audience] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)
    certificates: list[Certificate] = Field(default_factory=list)
    dns: list[DnsCheck] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(default_factory=list)
    vendors: list[Vendor] = Field(default_factory=list)
    playbooks: list[Playbook] = Field(default_factory=list)
    registrars: list[RegistrarAccount] = Field(
        default_factory=list,
        description="registrar accounts Standby reads renewal state from (docs/registrars.md)",
    )
    status_page: StatusPage | None = Field(None, description="the public status page (docs/status-page.md)")
    forms: list[Form] = Field(
        default_factory=list, description="fallback forms and lead replay (docs/plan-b.md)"
    )
    fallback: Fallback | None = Field(None, description="where fallback forms are captured and published")
    backups: list[Backup] = Field(
        default_factory=list, description="scheduled, verified copies of lists and leads (docs/backups.md)"
    )
    drills: list[Drill] = Field(default_factory=list, description="rehearsed failures (docs/drills.md)")
    runbook: Runbook | None = Field(None, description="where the crisis runbook goes (docs/recovery.md)")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        hint = "use an IANA name like America/New_York"
        if len(value) > 64:  # the longest IANA name is 32 characters; a file name this long is an OSError
            raise ValueError(f"a time zone name of {len(value)} characters is not one; {hint}")
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {value!r}{_zone_hint(value)}") from None
        return value

    def assets(self) -> Iterator[Asset]:
        """Every asset the plan watches, in plan order: domains, certificates, DNS, endpoints, vendors,
        backups."""
        for d in self.domains:
            yield Asset(d.asset_id, "domain", d.name, d.owner, d.playbook, d.name)
        for c in self.certificates:
            yield Asset(
                c.asset_id, "certificate", c.target, c.owner, c.playbook, f"the certificate of {c.host}"
            )
        for r in self.dns:
            yield Asset(r.asset_id, "dns", r.name, r.owner, r.playbook, f"DNS for {r.name}")
        for e in self.endpoints:
            yield Asset(e.asset_id, "endpoint", str(e.url), e.owner, e.playbook, e.id)
        for v in self.vendors:
            yield Asset(v.asset_id, "vendor", v.id, v.owner, v.playbook, v.name or v.id)
        for b in self.backups:
            yield Asset(b.asset_id, "backup", shown_url(b.target.url), b.owner, b.playbook, b.label)

    def drill(self, ident: str) -> Drill | None:
        return next((d for d in self.drills if d.id == ident), None)

    def playbook(self, ident: str | None) -> Playbook | None:
        """The playbook with this id, if any."""
        return next((p for p in self.playbooks if p.id == ident), None) if ident else None

    def playbook_for(self, asset: str) -> Playbook | None:
        """The playbook the plan names for `asset` (an asset id), if any."""
        return self.playbook(next((a.playbook for a in self.assets() if a.id == asset), None))
