"""A small fake internet on 127.0.0.1 for whole-command tests: an RDAP registry for `.example`, the
`.example` parent zone, a recursive resolver, a web server and a vendor's Statuspage — plus a plan
file pointing Standby at all of them through `settings` (nothing else needs faking).
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from tests.peers.dns import DnsPeer
from tests.peers.http import HttpPeer, Reply
from tests.peers.rdap import RdapPeer, domain_object
from tests.peers.statuspage import StatuspagePeer

HEALTHY_NS = ["ns1.dnshost.example", "ns2.dnshost.example"]
PARKING_NS = ["ns1.pendingrenewaldeletion.com", "ns2.pendingrenewaldeletion.com"]
PARKED_PAGE = (
    "<html><body><h1>This domain has expired</h1><p>Renew now at Network Solutions</p></body></html>"
)
DEMO_PAGE = "<html><body><h1>Request a demo</h1><form>...</form></body></html>"


class FakeInternet:
    """`with FakeInternet(now, tmp_path) as net: net.add_domain("acme.example"); net.write_plan()`."""

    def __init__(self, now: datetime, directory: Path) -> None:
        self.now = now
        self.directory = directory
        self.rdap = RdapPeer(tlds=["example"])
        self.parent = DnsPeer()
        self.resolver = DnsPeer(recursive=True)
        self.web = HttpPeer()
        self.vendor = StatuspagePeer("Marketo", components=["Marketo Engage"])
        self.domains: list[dict[str, Any]] = []
        self.endpoints: list[dict[str, Any]] = []
        self._stack = ExitStack()

    def __enter__(self) -> FakeInternet:
        for peer in (self.rdap, self.parent, self.resolver, self.web, self.vendor):
            self._stack.enter_context(peer)
        self.parent.zone("example", nameservers=["ns1.nic.example"])
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def add_domain(self, name: str, *, days_left: int = 200, owner: str = "dana") -> None:
        """A healthy registration and delegation; tests then break what they need."""
        self.rdap.domains[name] = domain_object(
            name, expires=self.now + timedelta(days=days_left), nameservers=HEALTHY_NS
        )
        self.parent.delegate(name, HEALTHY_NS)
        self.domains.append({"name": name, "owner": owner, "expected_nameservers": HEALTHY_NS})

    def lapse_like_marketo(self, name: str) -> None:
        """The registry auto-renewed the expired name; the registrar moved it to its parking NS."""
        old_expiry = self.now - timedelta(days=1)
        self.rdap.domains[name] = domain_object(
            name,
            expires=old_expiry.replace(year=old_expiry.year + 1),
            last_changed=old_expiry + timedelta(hours=20),
            statuses=["auto renew period", "client transfer prohibited"],
            nameservers=PARKING_NS,
        )
        self.parent.delegate(name, PARKING_NS)

    def add_endpoint(self, ident: str, host: str, path: str, body: str = DEMO_PAGE, **expect: Any) -> None:
        self.web.route(path, Reply(200, body), host=host)
        url = f"http://{host}:{self.web.port}{path}"
        self.endpoints.append({"id": ident, "url": url, "address": "127.0.0.1", "owner": "dana",
                               "expect": expect or {"status": [200]}})  # fmt: skip

    def park(self, host: str, path: str) -> None:
        self.web.route(path, Reply(200, PARKED_PAGE), host=host)

    def plan(self, **extra: Any) -> dict[str, Any]:
        return {
            "version": 1,
            "organization": "Acme Corp",
            "settings": {
                "timeout": "1s",
                "resolvers": [self.resolver.address],
                "rdap_bootstrap": self.rdap.bootstrap_url,
                "parent_servers": {"example": [self.parent.address]},
                "cache_dir": str(self.directory / "cache"),
            },
            "people": [
                {"id": "dana", "name": "Dana Reyes", "email": "dana@acme.example", "reports_to": "lee"},
                {"id": "lee", "name": "Lee Park", "email": "lee@acme.example"},
            ],
            "domains": self.domains,
            "endpoints": self.endpoints,
            "vendors": [
                {
                    "id": "marketo",
                    "name": "Marketo",
                    "owner": "dana",
                    "statuspage": self.vendor.url,
                    "components": ["Marketo Engage"],
                }
            ],
            **extra,
        }

    def write_plan(self, **extra: Any) -> Path:
        path = self.directory / "plan.yaml"
        path.write_text(yaml.safe_dump(self.plan(**extra), sort_keys=False))
        return path
