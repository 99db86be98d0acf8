"""One client per registrar kind; adding a kind is a module and a line here."""

from __future__ import annotations

from typing import Protocol

from standby.plan.registrars import RegistrarAccount
from standby.probes.context import ProbeContext
from standby.registrars.api import Pacer
from standby.registrars.cloudflare import Cloudflare
from standby.registrars.gandi import Gandi
from standby.registrars.godaddy import GoDaddy
from standby.registrars.porkbun import Porkbun
from standby.registrars.record import AccountDomain
from standby.registrars.route53 import Route53Domains


class Client(Protocol):
    name: str
    interval: float

    async def list(self) -> list[AccountDomain]: ...

    async def get(self, name: str) -> AccountDomain | None: ...


class ClientType(Protocol):
    name: str
    interval: float

    def __call__(self, account: RegistrarAccount, ctx: ProbeContext, pacer: Pacer) -> Client: ...


KINDS: dict[str, ClientType] = {
    "route53": Route53Domains,
    "cloudflare": Cloudflare,
    "godaddy": GoDaddy,
    "gandi": Gandi,
    "porkbun": Porkbun,
}
