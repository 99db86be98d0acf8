"""Cloudflare Registrar (docs/registrars.md#cloudflare).

`GET /accounts/{account_id}/registrar/registrations?per_page=&cursor=` lists Registration objects
(`domain_name`, `auto_renew`, `locked`, `expires_at`, `status`: active, registration_pending, expired,
suspended, redemption_period, pending_delete) in `result`; `result_info.cursor` is the next page, an
empty string at the end. `GET …/registrations/{domain_name}` returns one. Auth is
`Authorization: Bearer TOKEN`. Errors are `{"success": false, "errors": [{"code", "message"}]}`. The
API allows 1,200 requests per five minutes per user; a 429 carries Retry-After.
"""

from __future__ import annotations

from typing import Any

from standby.registrars.api import MAX_PAGES, HttpRegistrar, Reply
from standby.registrars.dates import flag, parse_date
from standby.registrars.record import AccountDomain, RegistrarError, normal

_LAPSING = {"expired", "suspended", "redemption_period", "pending_delete"}


class Cloudflare(HttpRegistrar):
    name = "Cloudflare"
    default_base = "https://api.cloudflare.com/client/v4"
    interval = 0.25  # 1,200 per five minutes
    page_size = 50  # the documented maximum

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.account.token}"}

    def explain(self, reply: Reply) -> str:
        body = reply.json()
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors if isinstance(e, dict))
        return super().explain(reply)

    @property
    def _path(self) -> str:
        return f"/accounts/{self.account.account_id}/registrar/registrations"

    async def list(self) -> list[AccountDomain]:
        found: list[AccountDomain] = []
        cursor = ""
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"per_page": self.page_size, **({"cursor": cursor} if cursor else {})}
            reply = await self.request("GET", self._path, params=params)
            body = reply.json()
            if reply.status != 200 or not isinstance(body, dict) or not isinstance(body.get("result"), list):
                raise self.unexpected(reply, "the registration list")
            found += [d for item in body["result"] if isinstance(item, dict) and (d := parse(item))]
            info = body.get("result_info")
            cursor = str(info.get("cursor") or "") if isinstance(info, dict) else ""
            if not cursor:
                return found
        raise RegistrarError(f"Cloudflare kept paging past {MAX_PAGES} pages; Standby stopped reading")

    async def get(self, name: str) -> AccountDomain | None:
        reply = await self.request("GET", f"{self._path}/{name}")
        if reply.status == 404:
            return None
        body = reply.json()
        if reply.status != 200 or not isinstance(body, dict) or not isinstance(body.get("result"), dict):
            raise self.unexpected(reply, f"the registration of {name}")
        return parse(body["result"])


def parse(item: dict[str, Any]) -> AccountDomain | None:
    if not isinstance(item.get("domain_name"), str):
        return None
    status = str(item.get("status") or "")
    return AccountDomain(
        name=normal(item["domain_name"]),
        auto_renew=flag(item.get("auto_renew")),
        transfer_lock=flag(item.get("locked")),
        expires_at=parse_date(item.get("expires_at")),
        statuses=(status,) if status else (),
        lapsing=f"Cloudflare shows it as {status}" if status in _LAPSING else None,
    )
