"""The bundled vendor fingerprint table (vendors.yaml): which marketing or CRM platform a registrable
domain belongs to, what it does there, and where its status page is."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict, Field


class Fingerprint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    domains: list[str]
    patterns: list[str] = Field(default_factory=list)
    roles: dict[str, str] = Field(default_factory=dict)
    statuspage: str | None = None

    def matches(self, domain: str) -> bool:
        return domain in self.domains or any(re.search(p, domain) for p in self.patterns)

    def role(self, domain: str) -> str | None:
        """What the vendor uses `domain` for; a key ending in * covers the names it starts."""
        if domain in self.roles:
            return self.roles[domain]
        wild = (t for k, t in self.roles.items() if k.endswith("*") and domain.startswith(k[:-1]))
        return next(wild, None)


@cache
def table(source: str | None = None) -> tuple[Fingerprint, ...]:
    text = source if source is not None else files("standby.discovery").joinpath("vendors.yaml").read_text()
    return tuple(Fingerprint.model_validate(item) for item in yaml.safe_load(text))


def vendor_of(domain: str, fingerprints: tuple[Fingerprint, ...] | None = None) -> Fingerprint | None:
    return next((f for f in fingerprints or table() if f.matches(domain)), None)
