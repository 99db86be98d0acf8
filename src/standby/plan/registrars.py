"""`registrars:` — the accounts Standby reads renewal state from (docs/registrars.md).

One model for every kind, with the credential fields each kind takes checked here, so a mistake reads
as "a godaddy account needs api_key and api_secret" rather than as a union's error soup. Secrets come
from the environment (`${GODADDY_SECRET}`); the plan file never holds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Self

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from standby.plan.model import Plan

Kind = Literal["route53", "cloudflare", "godaddy", "gandi", "porkbun"]
CREDENTIALS = ("token", "api_key", "api_secret", "account_id", "access_key_id", "secret_access_key")

# kind -> (required fields, optional fields, what the user is told to look for)
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "route53": (
        (),
        ("access_key_id", "secret_access_key"),
        "an IAM user's access key with route53domains:ListDomains and GetDomainDetail "
        "(omit both to use the AWS default credential chain)",
    ),
    "cloudflare": (
        ("token", "account_id"),
        (),
        "an API token with Registrar read permission, and the account id from the dashboard URL",
    ),
    "godaddy": (("api_key", "api_secret"), (), "a production key and secret from developer.godaddy.com"),
    "gandi": (("token",), (), "a personal access token with the Domain read permission"),
    "porkbun": (("api_key", "api_secret"), (), "the API key and secret API key from porkbun.com/account/api"),
}
NO_ACCOUNT = "none"  # `registrar: none`: this domain's registrar has no API


class RegistrarAccount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="how domains[].registrar refers to this account")
    kind: Kind = Field(description="route53, cloudflare, godaddy, gandi or porkbun")
    token: str | None = Field(None, description="cloudflare, gandi: API token (write ${VAR})")
    api_key: str | None = Field(None, description="godaddy, porkbun: API key (write ${VAR})")
    api_secret: str | None = Field(None, description="godaddy, porkbun: API secret (write ${VAR})")
    account_id: str | None = Field(None, description="cloudflare: the account id")
    access_key_id: str | None = Field(None, description="route53: AWS access key id (write ${VAR})")
    secret_access_key: str | None = Field(None, description="route53: AWS secret access key (write ${VAR})")
    base_url: AnyHttpUrl | None = Field(
        None, description="the API's address instead of the registrar's own (a sandbox, or a test server)"
    )

    @model_validator(mode="after")
    def _credentials_fit_the_kind(self) -> Self:
        required, optional, where = KINDS[self.kind]
        if self.id == NO_ACCOUNT:
            raise ValueError(f"{NO_ACCOUNT!r} is reserved (registrar: none means no API); pick another id")
        missing = [f for f in required if not getattr(self, f)]
        if missing:
            raise ValueError(f"a {self.kind} account needs {' and '.join(missing)}: {where}")
        extra = [f for f in CREDENTIALS if getattr(self, f) is not None and f not in required + optional]
        if extra:
            takes = " and ".join(required + optional)
            raise ValueError(f"a {self.kind} account takes {takes}, not {', '.join(extra)}")
        given = [f for f in optional if getattr(self, f)]
        if given and len(given) != len(optional):
            raise ValueError(f"a {self.kind} account needs {' and '.join(optional)} together, or neither")
        return self


def renewal_unverified(plan: Plan) -> list[str]:
    """Domains no registrar account can vouch for: their renewal rests on the owner's confirmation.
    A domain without `registrar:` in a plan with accounts is matched at run time (the registrar
    check says "renewal unverified" if no account lists it)."""
    if not plan.registrars:
        return [d.name for d in plan.domains]
    return [d.name for d in plan.domains if d.registrar == NO_ACCOUNT]
