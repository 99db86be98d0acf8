"""The plan's `settings.public_resolvers`: the resolvers the DNS recovery tracker asks, each with a
name and a region so a person can read "the fix has reached Quad9 but not Yandex yet".

Omitted, the tracker asks the built-in list of public resolver operators (recovery/dns/resolvers.py,
docs/recovery.md). Kept beside model.py (which imports it); same rules as the other plan models.
"""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from standby.plan.types import HostPort


class PublicResolver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="how people know it, e.g. Google Public DNS")
    region: str = Field("", description="where it serves from, e.g. global anycast, China, Europe")
    address: HostPort = Field(description="ip[:port] to ask (port 53 unless given)")
    flush: AnyHttpUrl | None = Field(None, description="the operator's public page to ask for a cache flush")
