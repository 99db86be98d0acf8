"""The connection blocks of the platforms Standby reads from and writes to — the same in a backup's
`source:` and a fallback form's `destination:`: where the account is and how Standby signs in (secrets
as `${VAR}`).
"""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MarketoAccount(_Model):
    munchkin_id: str = Field(pattern=r"^\d{3}-[A-Za-z]{3}-\d{3}$", description="e.g. 123-ABC-456")
    client_id: str = Field(min_length=1, description="a LaunchPoint custom service's client id")
    client_secret: str = Field(description="its client secret, as ${VAR}")
    base_url: AnyHttpUrl | None = Field(None, description="default https://MUNCHKIN-ID.mktorest.com")

    @property
    def url(self) -> str:
        return str(self.base_url).rstrip("/") if self.base_url else f"https://{self.munchkin_id}.mktorest.com"


class HubSpotAccount(_Model):
    token: str = Field(description="a private app's access token, as ${VAR}")
    base_url: AnyHttpUrl | None = Field(None, description="default https://api.hubapi.com")

    @property
    def url(self) -> str:
        return str(self.base_url).rstrip("/") if self.base_url else "https://api.hubapi.com"
