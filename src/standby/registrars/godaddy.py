"""GoDaddy Domains API v1 (docs/registrars.md#godaddy).

`GET /v1/domains?limit=&marker=` returns a plain JSON array of DomainSummary (`domain`, `renewAuto`,
`locked`, `expires`, `status`, `holdRegistrar`); the next page starts after `marker`, the last name of
the previous one. `GET /v1/domains/{domain}` returns one, 404 when the account does not hold it. Auth
is `Authorization: sso-key KEY:SECRET`. Errors are `{"code", "message", "fields"}`; a 429 adds
`retryAfterSec`. GoDaddy allows 60 requests a minute per endpoint.
"""

from __future__ import annotations

from typing import Any

from standby.registrars.api import MAX_PAGES, HttpRegistrar, Reply
from standby.registrars.dates import flag, parse_date
from standby.registrars.record import AccountDomain, RegistrarError, normal

# Statuses (GoDaddy's list) that mean the name is lapsing, held or gone from this account.
_LAPSING = ("EXPIRED", "CANCELLED", "HELD", "SUSPENDED", "CONFISCATED", "DISABLED", "TRANSFERRED",
            "FAILED", "REVERTED", "UPDATED")  # fmt: skip


class GoDaddy(HttpRegistrar):
    name = "GoDaddy"
    default_base = "https://api.godaddy.com"
    interval = 1.0  # 60 requests a minute
    page_size = 500

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"sso-key {self.account.api_key}:{self.account.api_secret}"}

    def explain(self, reply: Reply) -> str:
        body = reply.json()
        if isinstance(body, dict) and body.get("message"):
            return f"{body.get('code', '')}: {body['message']}".lstrip(": ")
        return super().explain(reply)

    def wait_for(self, reply: Reply) -> float | None:
        body = reply.json()
        seconds = body.get("retryAfterSec") if isinstance(body, dict) else None
        if isinstance(seconds, int | float) and not isinstance(seconds, bool):
            return float(seconds)
        return super().wait_for(reply)

    async def list(self) -> list[AccountDomain]:
        found: list[AccountDomain] = []
        marker: str | None = None
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"limit": self.page_size, **({"marker": marker} if marker else {})}
            reply = await self.request("GET", "/v1/domains", params=params)
            items = reply.json()
            if reply.status != 200 or not isinstance(items, list):
                raise self.unexpected(reply, "the domain list")
            found += [d for item in items if isinstance(item, dict) and (d := parse(item))]
            if len(items) < self.page_size:
                return found
            marker = found[-1].name
        raise RegistrarError(f"GoDaddy kept paging past {MAX_PAGES} pages; Standby stopped reading")

    async def get(self, name: str) -> AccountDomain | None:
        item = await self.details(f"/v1/domains/{name}", name)
        return None if item is None else parse(item)


def parse(item: dict[str, Any]) -> AccountDomain | None:
    if not isinstance(item.get("domain"), str):
        return None
    status = str(item.get("status") or "")
    lapsing = None
    if status.upper().startswith(_LAPSING):
        lapsing = f"GoDaddy shows it as {status}"
    elif item.get("holdRegistrar") is True:
        lapsing = "GoDaddy has put it on hold (holdRegistrar)"
    return AccountDomain(
        name=normal(item["domain"]),
        auto_renew=flag(item.get("renewAuto")),
        transfer_lock=flag(item.get("locked")),
        expires_at=parse_date(item.get("expires")),
        statuses=(status,) if status else (),
        lapsing=lapsing,
    )
