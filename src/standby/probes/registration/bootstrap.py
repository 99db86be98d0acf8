"""Which RDAP server answers for a domain: the IANA bootstrap (RFC 9224), cached, with fallbacks.

Order of trust: `settings.rdap_servers` (the user's word) over the IANA file (`settings.rdap_bootstrap`,
a URL or a file; fetched at most daily and kept in the cache directory; HTTP caching headers honoured)
over the ccTLD supplement for TLDs IANA omits (.de, .io, .co, ...). When the IANA file cannot be
fetched, the last cached copy is used, and failing that the snapshot bundled with Standby.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from standby.core.expiry import iso
from standby.core.net import describe
from standby.probes.context import ProbeContext

log = logging.getLogger(__name__)
REFRESH = timedelta(hours=24)  # RFC 9224 says cache; IANA changes the file a few times a month
_CACHE = "rdap-dns.json"


@dataclass(frozen=True)
class Bootstrap:
    services: dict[str, tuple[str, ...]]  # entry ("com", "example.com") -> base URLs, https first
    source: str  # where the IANA part came from, for details and docs

    def lookup(self, name: str) -> tuple[str, ...]:
        """Base URLs for `name` by label-wise longest match (RFC 9224 §4).

        Never `endswith`: the entry example.com must not match goodexample.com."""
        labels = name.lower().rstrip(".").split(".")
        for i in range(len(labels)):
            found = self.services.get(".".join(labels[i:]))
            if found:
                return found
        return self.services.get("", ())


def parse_services(data: Any) -> dict[str, tuple[str, ...]]:
    """The `services` of an RFC 9224 file; ValueError when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("services"), list):
        raise ValueError("not an RDAP bootstrap file (no services list)")
    out: dict[str, tuple[str, ...]] = {}
    for service in data["services"]:
        if not (isinstance(service, list) and len(service) >= 2 and isinstance(service[1], list)):
            raise ValueError(f"malformed service entry {service!r}")
        urls = [_base(u) for u in service[1] if isinstance(u, str)]
        urls.sort(key=lambda u: not u.startswith("https:"))  # RFC 9224 §3: prefer HTTPS
        for entry in service[0]:
            if isinstance(entry, str) and urls:
                out[entry.lower().rstrip(".")] = tuple(urls)
    return out


def _base(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _read(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def _bundled(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


def supplement() -> dict[str, tuple[str, ...]]:
    """case/iana-data's list of RDAP servers for ccTLDs missing from IANA's file."""
    rows = _bundled("supplemental-cctld-rdap.json").get("ccTldRdapServers", [])
    return {row["tld"].lower(): (_base(row["rdapServer"]),) for row in rows if row.get("rdapServer")}


async def bootstrap(ctx: ProbeContext) -> Bootstrap:
    """The merged bootstrap for this context, loaded once per day however many domains ask."""
    return await ctx.memo("rdap-bootstrap", REFRESH, lambda: _load(ctx))


async def _load(ctx: ProbeContext) -> Bootstrap:
    services, source = await _iana(ctx)
    merged = {**supplement(), **services}
    merged.update({tld.lower().strip("."): (_base(url),) for tld, url in ctx.settings.rdap_servers.items()})
    return Bootstrap(merged, source)


async def _iana(ctx: ProbeContext) -> tuple[dict[str, tuple[str, ...]], str]:
    where = ctx.settings.rdap_bootstrap
    scheme = urlsplit(where).scheme
    try:
        if scheme in ("http", "https"):
            return parse_services(await _fetch_cached(where, ctx)), where
        path = Path(where[len("file://") :] if scheme == "file" else where)
        return parse_services(await asyncio.to_thread(_read, path)), str(path)
    except (OSError, ValueError, httpx.HTTPError) as exc:
        log.warning("RDAP bootstrap %s unusable (%s); using the bundled snapshot", where, describe(exc))
        bundled = _bundled("dns.json")
        return parse_services(bundled), f"bundled snapshot of {bundled.get('publication')}"


async def _fetch_cached(url: str, ctx: ProbeContext) -> Any:
    """The file at `url`, from the cache when fresh; revalidated with ETag/Last-Modified when stale."""
    cache = _Cache(ctx.cache_dir / _CACHE, url)
    meta, data = await asyncio.to_thread(cache.load)
    if data is not None and meta.get("checked_at", "") > iso(ctx.clock.now() - REFRESH):
        return data
    conditional = (("If-None-Match", meta.get("etag")), ("If-Modified-Since", meta.get("last_modified")))
    try:
        async with ctx.net.slot(urlsplit(url).netloc):
            response = await ctx.net.fetch(url, headers={k: v for k, v in conditional if v and data})
    except httpx.HTTPError:
        if data is None:
            raise
        return data  # stale beats nothing; retried at the next refresh
    if response.status_code == 200:
        data, text = response.json(), response.text
        parse_services(data)  # never cache a broken file
    elif response.status_code == 304 and data is not None:
        text = None
    elif data is not None:
        log.warning("RDAP bootstrap %s answered %s; using the cached copy", url, response.status_code)
        return data
    else:
        raise ValueError(f"{url} answered HTTP {response.status_code}")
    meta = {"url": url, "checked_at": iso(ctx.clock.now()), "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified")}  # fmt: skip
    await asyncio.to_thread(cache.save, meta, text)
    return data


@dataclass(frozen=True)
class _Cache:
    path: Path
    url: str

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".meta.json")

    def load(self) -> tuple[dict[str, Any], Any]:
        """(metadata, data) of the cached copy of `url`; ({}, None) when there is none."""
        try:
            meta = _read(self.meta_path)
            return (meta, _read(self.path)) if meta.get("url") == self.url else ({}, None)
        except (OSError, ValueError):
            return {}, None

    def save(self, meta: dict[str, Any], text: str | None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if text is not None:
            self.path.write_text(text, "utf-8")
        self.meta_path.write_text(json.dumps(meta), "utf-8")
