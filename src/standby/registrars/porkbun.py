"""Porkbun API v3 (docs/registrars.md#porkbun).

Every call is a `POST` with `{"apikey", "secretapikey"}` in the JSON body. `/domain/listAll` with
`start` returns up to 1,000 domains a call in `domains` (`domain`, `status`, `expireDate` as
`YYYY-MM-DD HH:MM:SS`, `securityLock` and `autoRenew` as "1"/"0" or 1/0); there is no call for one
domain, so `get` reads the list. Errors are `{"status": "ERROR", "message"}`; Porkbun documents no
rate, and answers 503 when it throttles, so Standby asks once a second.
"""

from __future__ import annotations

from typing import Any

from standby.registrars.api import MAX_PAGES, HttpRegistrar, Reply
from standby.registrars.dates import flag, parse_date
from standby.registrars.record import AccountDomain, RegistrarError, normal

_LAPSING = ("EXPIRED", "HOLD", "DELETE", "REDEMPTION", "SUSPEND")


class Porkbun(HttpRegistrar):
    name = "Porkbun"
    default_base = "https://api.porkbun.com/api/json/v3"
    interval = 1.0
    page_size = 1000  # what listAll returns per call

    def explain(self, reply: Reply) -> str:
        body = reply.json()
        if isinstance(body, dict) and body.get("message"):
            return str(body["message"])
        return super().explain(reply)

    def is_rate_limited(self, reply: Reply) -> bool:
        return reply.status in (429, 503)

    def wait_for(self, reply: Reply) -> float | None:
        return super().wait_for(reply) or 60.0  # no documented window; a minute clears the usual ones

    def _auth(self) -> dict[str, Any]:
        return {"apikey": self.account.api_key, "secretapikey": self.account.api_secret}

    async def list(self) -> list[AccountDomain]:
        found: list[AccountDomain] = []
        for page in range(MAX_PAGES):
            body = {**self._auth(), "start": page * self.page_size}
            reply = await self.request("POST", "/domain/listAll", body=body)
            data = reply.json()
            ok = isinstance(data, dict) and data.get("status") == "SUCCESS"
            if reply.status == 400 and not ok and "key" in self.explain(reply).lower():
                raise RegistrarError(
                    f"Porkbun refused {self.label}'s API keys ({self.explain(reply)}); check them and that "
                    "API access is on for the account",
                    permanent=True,
                )
            if reply.status != 200 or not ok or not isinstance(data, dict):
                raise self.unexpected(reply, "the domain list")
            items = data.get("domains") or []
            if not isinstance(items, list):
                raise self.unexpected(reply, "the domain list")
            found += [d for item in items if isinstance(item, dict) and (d := parse(item))]
            if len(items) < self.page_size:
                return found
        raise RegistrarError(f"Porkbun kept paging past {MAX_PAGES} pages; Standby stopped reading")

    async def get(self, name: str) -> AccountDomain | None:
        return next((d for d in await self.list() if d.name == name), None)


def parse(item: dict[str, Any]) -> AccountDomain | None:
    if not isinstance(item.get("domain"), str):
        return None
    status = str(item.get("status") or "")
    return AccountDomain(
        name=normal(item["domain"]),
        auto_renew=flag(item.get("autoRenew")),
        transfer_lock=flag(item.get("securityLock")),
        expires_at=parse_date(item.get("expireDate")),
        statuses=(status,) if status else (),
        lapsing=f"Porkbun shows it as {status}" if any(w in status.upper() for w in _LAPSING) else None,
    )
