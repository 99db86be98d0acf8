"""A local site whose landing page embeds scripts and a form from hosts under a fake vendor domain,
and whose host names CNAME into it (a local DNS server answers for them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.peers.dns import DnsPeer
from tests.peers.http import HttpPeer, Reply

PAGE = """<!doctype html><html><head>
<script src="https://cdn.formvendor.example/embed/v2.js"></script>
<script src="//munchkin.marketo.net/munchkin.js"></script>
<script src="https://js.hs-scripts.com/123456.js" async></script>
<link rel="stylesheet" href="https://static.acme.example/site.css">
</head><body><h1>Request a demo</h1>
<form action="https://forms.formvendor.example/submit/42" method="post"><input name="email"></form>
<img src="/img/logo.png"><img src="https://info.acme.example/banner.png">
<iframe src="https://www.acme.example/video"></iframe>
</body></html>"""
# Outside domains the page depends on: exactly these.
EXPECTED = {"formvendor.example", "formvendor-cdn.example", "marketo.net", "mktoweb.com", "hs-scripts.com"}


@dataclass
class Site:
    web: HttpPeer
    dns: DnsPeer
    directory: Path

    @property
    def page_url(self) -> str:
        return f"http://go.acme.example:{self.web.port}/demo"

    def plan(self, **extra: Any) -> dict[str, Any]:
        return {
            "version": 1,
            "organization": "Acme Corp",
            "settings": {"timeout": "1s", "resolvers": [self.dns.address]},
            "people": [{"id": "dana", "name": "Dana Reyes", "email": "dana@mail.example"}],
            "domains": [{"name": "acme.example", "owner": "dana"}],
            "endpoints": [{"id": "demo", "url": self.page_url, "address": "127.0.0.1", "owner": "dana"}],
            **extra,
        }

    def write_plan(self, **extra: Any) -> Path:
        path = self.directory / "plan.yaml"
        path.write_text(yaml.safe_dump(self.plan(**extra), sort_keys=False))
        return path


@contextmanager
def local_site(directory: Path) -> Iterator[Site]:
    with HttpPeer() as web, DnsPeer(recursive=True) as dns:
        web.route("/demo", Reply(200, PAGE), host="go.acme.example")
        # The landing page host and the form's host are aliases into the vendor's domain.
        dns.add("go.acme.example", "CNAME", "acme.lp.formvendor.example.")
        dns.add("acme.lp.formvendor.example", "CNAME", "edge.formvendor-cdn.example.")
        dns.add("edge.formvendor-cdn.example", "A", "127.0.0.1")
        dns.add("info.acme.example", "CNAME", "acme.mktoweb.com.")
        dns.add("static.acme.example", "A", "127.0.0.1")
        yield Site(web, dns, directory)
