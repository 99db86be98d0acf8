"""Asset identity: what the rest of Standby calls each thing the plan watches.

An asset id is `KIND:NAME` — `domain:acme.example`, `certificate:www.acme.example:443`,
`dns:acme.example/MX`, `endpoint:demo-page`, `vendor:marketo`, `backup:marketo-lists`. Each of the
plan's models that is an asset spells its own (`Domain.asset_id`, ...) and `Plan.assets()` lists them
all: a new kind of asset is added there, and nothing else spells an id by hand (code that only has an
id reads it with `kind_of` and `label`).
"""

from __future__ import annotations

from typing import NamedTuple


class Asset(NamedTuple):
    id: str  # "domain:acme.example"
    kind: str  # domain | certificate | dns | endpoint | vendor | backup
    target: str  # what is probed: the domain, host:port, the record's name, the URL, the vendor id,
    # where a backup's snapshots are (its target, any password masked)
    owner: str | None  # a person id
    playbook: str | None  # a playbook id
    name: str  # how people call it: "acme.example", "the certificate of www.acme.example", "Marketo"


def kind_of(asset: str) -> str:
    """`domain:acme.example` → `domain`."""
    return asset.partition(":")[0]


def label(asset: str) -> str:
    """`domain:acme.example` → `acme.example`: the id without its kind, as subjects and lists show it."""
    return asset.partition(":")[2] or asset
