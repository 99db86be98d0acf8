"""Amazon Route 53 Domains through boto3 (docs/registrars.md#route-53-domains).

`ListDomains` (pages of `MaxItems`, `Marker` → `NextPageMarker`) gives each domain's `AutoRenew`,
`TransferLock` and `Expiry`; `GetDomainDetail` adds `StatusList` (EPP codes: clientHold,
redemptionPeriod, pendingDelete, …) and fails with InvalidInput for a domain the account does not
hold. The API lives in us-east-1 only and allows five requests a second per account; botocore's
"standard" retry mode backs off on ThrottlingException. boto3 is synchronous: calls run in a thread,
with the plan's timeout. `base_url` is boto3's `endpoint_url` (moto in the tests). boto3 is imported
when a Route 53 account is first asked: it costs a second of start-up to every `standby serve` otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from standby.plan.registrars import RegistrarAccount
from standby.probes.context import ProbeContext
from standby.registrars.api import MAX_PAGES, Pacer
from standby.registrars.dates import parse_date
from standby.registrars.record import AccountDomain, RegistrarError, normal

_LAPSING = {"clienthold", "serverhold", "redemptionperiod", "pendingdelete", "pendingrestore"}
_REFUSED = {
    "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException",
    "AccessDeniedException", "AccessDenied", "ExpiredTokenException",
}  # fmt: skip


class Route53Domains:
    name = "Route 53 Domains"
    interval = 0.2  # five requests a second
    page_size = 100  # the documented maximum of MaxItems

    def __init__(self, account: RegistrarAccount, ctx: ProbeContext, pacer: Pacer) -> None:
        import boto3
        import botocore.config

        self.account = account
        self.ctx = ctx
        self.pacer = pacer
        timeout = ctx.net.timeout
        config = botocore.config.Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"mode": "standard", "max_attempts": 3},
            user_agent_extra="standby",
        )
        keys = {}
        if account.access_key_id:
            keys = {
                "aws_access_key_id": account.access_key_id,
                "aws_secret_access_key": account.secret_access_key,
            }
        self.client: Any = boto3.session.Session().client(
            "route53domains",
            region_name="us-east-1",
            endpoint_url=str(account.base_url) if account.base_url else None,
            config=config,
            **keys,
        )

    @property
    def label(self) -> str:
        return f"the Route 53 Domains account {self.account.id!r}"

    async def _call(self, call: Callable[..., dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
        import botocore.exceptions

        await self.pacer.wait()
        try:
            return await asyncio.to_thread(call, **kwargs)
        except botocore.exceptions.ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = str(error.get("Code", "")), str(error.get("Message", exc))
            if code in _REFUSED:
                raise RegistrarError(
                    f"AWS refused {self.label}'s credentials ({code}: {message}); check the access key "
                    "and that its policy allows route53domains:ListDomains and GetDomainDetail",
                    permanent=True,
                ) from exc
            raise RegistrarError(f"Route 53 Domains answered {code}: {message}") from exc
        except botocore.exceptions.NoCredentialsError as exc:
            raise RegistrarError(
                f"{self.label} has no AWS credentials: give access_key_id and secret_access_key, or set "
                "up the AWS default credential chain for the process running Standby",
                permanent=True,
            ) from exc
        except botocore.exceptions.BotoCoreError as exc:
            raise RegistrarError(f"Route 53 Domains could not be reached: {exc}") from exc

    async def list(self) -> list[AccountDomain]:
        found: list[AccountDomain] = []
        marker: str | None = None
        for _ in range(MAX_PAGES):
            kwargs: dict[str, Any] = {"MaxItems": self.page_size, **({"Marker": marker} if marker else {})}
            page = await self._call(self.client.list_domains, **kwargs)
            for item in page.get("Domains", []):
                found.append(
                    AccountDomain(
                        name=normal(item["DomainName"]),
                        auto_renew=item.get("AutoRenew"),
                        transfer_lock=item.get("TransferLock"),
                        expires_at=parse_date(_epoch(item.get("Expiry"))),
                    )
                )
            marker = page.get("NextPageMarker")
            if not marker:
                return found
        raise RegistrarError(f"Route 53 Domains kept paging past {MAX_PAGES} pages; Standby stopped reading")

    async def get(self, name: str) -> AccountDomain | None:
        try:
            item = await self._call(self.client.get_domain_detail, DomainName=name)
        except RegistrarError as exc:
            if "not associated" in str(exc) or "InvalidInput" in str(exc):
                return None
            raise
        statuses = tuple(str(s) for s in item.get("StatusList", []))
        lapsing = [s for s in statuses if s.lower() in _LAPSING]
        return AccountDomain(
            name=normal(item.get("DomainName", name)),
            auto_renew=item.get("AutoRenew"),
            transfer_lock=None,  # ListDomains says; the detail's StatusList varies by TLD
            expires_at=parse_date(_epoch(item.get("ExpirationDate"))),
            statuses=statuses,
            lapsing=f"Route 53 shows it as {', '.join(lapsing)}" if lapsing else None,
        )


def _epoch(value: Any) -> Any:
    """boto3 turns timestamps into datetimes; make them epoch seconds for `parse_date`."""
    return value.timestamp() if hasattr(value, "timestamp") else value
