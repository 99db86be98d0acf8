"""An RDAP registry (and registrar) on 127.0.0.1: the IANA-style bootstrap file plus domain objects.

`peer.bootstrap_url` goes into `settings.rdap_bootstrap`; the bootstrap sends the given TLDs to this
peer's `/rdap/` base. Domain objects are built by `domain_object()` in the shape real registries use
(Verisign-style events, statuses, nameservers, a registrar entity with a vCard, a `related` link).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tests.peers.http import HttpPeer, Reply, Request


def _time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def domain_object(
    name: str,
    *,
    expires: datetime | None,
    registered: datetime | None = None,
    last_changed: datetime | None = None,
    statuses: Iterable[str] = ("client transfer prohibited",),
    nameservers: Iterable[str] = (),
    registrar: str = "Example Registrar, Inc.",
    related: str | None = None,
    registrar_expiration: datetime | None = None,
) -> dict[str, Any]:
    events = [("registration", registered), ("expiration", expires), ("last changed", last_changed)]
    events.append(("registrar expiration", registrar_expiration))
    entity: dict[str, Any] = {
        "objectClassName": "entity",
        "handle": "9999",
        "roles": ["registrar"],
        "publicIds": [{"type": "IANA Registrar ID", "identifier": "9999"}],
        "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", registrar]]],
    }
    obj: dict[str, Any] = {
        "objectClassName": "domain",
        "rdapConformance": ["rdap_level_0", "icann_rdap_response_profile_0"],
        "handle": f"{name.upper()}-EXAMPLE",
        "ldhName": name.upper(),
        "status": list(statuses),
        "events": [{"eventAction": a, "eventDate": _time(d)} for a, d in events if d is not None],
        "entities": [entity],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": ns.upper()} for ns in nameservers],
        "secureDNS": {"delegationSigned": False},
        "links": [],
    }
    if related:
        obj["links"].append({"rel": "related", "href": related, "type": "application/rdap+json"})
    return obj


class RdapPeer:
    """`with RdapPeer(tlds=["example"]) as rdap: rdap.domains["acme.example"] = domain_object(...)`."""

    def __init__(self, tlds: Iterable[str] = ("example",), latency: float = 0.0) -> None:
        self.tlds = list(tlds)
        self.http = HttpPeer(latency=latency)
        self.domains: dict[str, dict[str, Any] | Reply | list[Reply]] = {}  # a list: replies in turn
        self.registrar: dict[str, dict[str, Any]] = {}  # the registrar's own RDAP objects

    @property
    def base(self) -> str:
        return self.http.url("/rdap/")

    @property
    def bootstrap_url(self) -> str:
        return self.http.url("/dns.json")

    def registrar_url(self, name: str) -> str:
        return self.http.url(f"/registrar/domain/{name}")

    @property
    def queries(self) -> list[str]:
        return [r.path for r in self.http.requests]

    def _bootstrap(self, request: Request) -> Reply:
        services = [[self.tlds, [self.base]]]
        return Reply.json({"version": "1.0", "publication": "2026-11-01T00:00:00Z", "services": services})

    def _serve(self, request: Request) -> Reply:
        path = request.path.split("?", 1)[0]
        for prefix, table in (("/rdap/domain/", self.domains), ("/registrar/domain/", self.registrar)):
            if path.startswith(prefix):
                answer = table.get(path[len(prefix) :].lower())
                if isinstance(answer, list):
                    answer = answer.pop(0) if len(answer) > 1 else answer[0]
                if answer is None:
                    return Reply.json({"errorCode": 404, "title": "Not Found"}, status=404)
                if isinstance(answer, Reply):
                    return answer
                return Reply(200, json.dumps(answer), {"Content-Type": "application/rdap+json"})
        return Reply(404, "")

    def start(self) -> RdapPeer:
        self.http.route("/dns.json", self._bootstrap)
        self.http.fallback = self._serve
        self.http.start()
        return self

    def stop(self) -> None:
        self.http.stop()

    def __enter__(self) -> RdapPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
