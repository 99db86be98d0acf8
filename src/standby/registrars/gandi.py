"""Gandi v5 Domain API (docs/registrars.md#gandi).

`GET /v5/domain/domains?page=&per_page=` lists domains (`fqdn`, `autorenew`, `status`: EPP codes such
as clientTransferProhibited, `dates.registry_ends_at`); the `Total-Count` header says how many there
are. `GET /v5/domain/domains/{fqdn}` returns one, where `autorenew` is an object with `enabled`. Auth
is `Authorization: Bearer PAT`. Errors are `{"code", "message", "object", "cause"}`. Gandi allows
1,000 requests a minute from one address.
"""

from __future__ import annotations

from typing import Any

from standby.registrars.api import MAX_PAGES, HttpRegistrar, Reply
from standby.registrars.dates import flag, parse_date
from standby.registrars.record import AccountDomain, RegistrarError, normal

_LAPSING = {"clienthold", "serverhold", "redemptionperiod", "pendingdelete", "pendingrestore"}


class Gandi(HttpRegistrar):
    name = "Gandi"
    default_base = "https://api.gandi.net"
    interval = 0.1  # 1,000 a minute
    page_size = 100  # the documented maximum

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.account.token}"}

    def explain(self, reply: Reply) -> str:
        body = reply.json()
        if isinstance(body, dict) and body.get("message"):
            return f"{body.get('cause') or body.get('object') or body.get('code')}: {body['message']}"
        return super().explain(reply)

    async def list(self) -> list[AccountDomain]:
        found: list[AccountDomain] = []
        for page in range(1, MAX_PAGES + 1):
            params = {"page": page, "per_page": self.page_size}
            reply = await self.request("GET", "/v5/domain/domains", params=params)
            items = reply.json()
            if reply.status != 200 or not isinstance(items, list):
                raise self.unexpected(reply, "the domain list")
            found += [d for item in items if isinstance(item, dict) and (d := parse(item))]
            total = reply.headers.get("total-count", "")
            if (
                not items
                or (total.isdigit() and page * self.page_size >= int(total))
                or len(items) < self.page_size
            ):
                return found
        raise RegistrarError(f"Gandi kept paging past {MAX_PAGES} pages; Standby stopped reading")

    async def get(self, name: str) -> AccountDomain | None:
        item = await self.details(f"/v5/domain/domains/{name}", name)
        return None if item is None else parse(item)


def parse(item: dict[str, Any]) -> AccountDomain | None:
    if not isinstance(item.get("fqdn"), str):
        return None
    statuses = tuple(str(s) for s in item.get("status") or () if isinstance(s, str))
    renew = item.get("autorenew")
    dates = item["dates"] if isinstance(item.get("dates"), dict) else {}
    lapsing = [s for s in statuses if s.lower() in _LAPSING]
    return AccountDomain(
        name=normal(item["fqdn"]),
        auto_renew=flag(renew.get("enabled") if isinstance(renew, dict) else renew),
        transfer_lock="clientTransferProhibited" in statuses,
        expires_at=parse_date(dates.get("registry_ends_at")),
        statuses=statuses,
        lapsing=f"Gandi shows it as {', '.join(lapsing)}" if lapsing else None,
    )
