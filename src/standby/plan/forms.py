"""The plan's Plan B sections: `forms:` (fallback forms, what they capture and where leads go once the
platform is back) and `fallback:` (where Standby's capture endpoint is reached, where the static
fallback pages are published, and the capture endpoint's limits). See docs/plan-b.md.

Kept beside model.py (which imports it), like status_page.py; same rules: unknown keys are errors,
models are frozen.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal, Self

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator, model_validator

from standby.plan.accounts import HubSpotAccount, MarketoAccount
from standby.plan.status_page import PublishTarget
from standby.plan.types import Duration

FieldType = Literal["text", "email", "tel", "select", "checkbox", "textarea"]
NAME = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
ID = r"^[a-z0-9][a-z0-9-]{0,62}$"
RESERVED = {"_key", "_hp", "_page", "csrf_token"}  # fields the capture endpoint itself reads
DEFAULT_THANKS = "Thank you — we have your details and will be in touch."


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormField(_Model):
    name: str = Field(
        pattern=NAME,
        description="the destination's name for it: a Marketo REST API name (firstName), a HubSpot "
        "property (firstname), a key of the webhook's JSON",
    )
    label: str = Field(min_length=1, description="what the visitor reads next to it")
    type: FieldType = Field("text", description="text, email, tel, select, checkbox or textarea")
    required: bool = Field(False, description="the visitor must fill it (email always is)")
    options: list[str] | None = Field(None, description="the choices of a select, in order")

    @model_validator(mode="after")
    def _options(self) -> Self:
        if self.type == "select" and not self.options:
            raise ValueError(f"the select field {self.name!r} needs options: [...]")
        if self.type != "select" and self.options is not None:
            raise ValueError(f"options only apply to a select; {self.name!r} is a {self.type}")
        if self.name == "email" and self.type != "email":
            raise ValueError("the field named email must have type: email")
        if self.name == "email" and "required" in self.model_fields_set and not self.required:
            raise ValueError("the email field is always required: leads are replayed by email")
        return self


class MarketoDestination(MarketoAccount):
    form_id: int | None = Field(
        None, ge=1, description="replay through submitForm.json (a real form fill; one lead per call)"
    )
    lookup_field: str | None = Field(
        None, description="replay through leads.json createOrUpdate on this field (default email)"
    )
    program_id: int | None = Field(None, ge=1, description="with form_id: add the lead to this program")
    partition: str | None = Field(None, description="with lookup_field: the lead partition's name")

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if self.form_id is not None and self.lookup_field is not None:
            raise ValueError("give form_id (submit the form) or lookup_field (sync leads), not both")
        if self.form_id is None and self.program_id is not None:
            raise ValueError("program_id applies to form submissions: give form_id too")
        if self.form_id is not None and self.partition is not None:
            raise ValueError("partition applies to lead sync; a form fills its workspace's partition")
        return self


class HubSpotDestination(HubSpotAccount):
    forms_url: AnyHttpUrl | None = Field(None, description="default https://api.hsforms.com")
    portal_id: str | None = Field(None, pattern=r"^\d+$", description="with form_guid: the Forms API")
    form_guid: str | None = Field(None, description="the HubSpot form to submit to")

    @model_validator(mode="after")
    def _both(self) -> Self:
        if (self.portal_id is None) != (self.form_guid is None):
            raise ValueError("give portal_id and form_guid together (or neither: batch upsert by email)")
        return self


class WebhookDestination(_Model):
    url: AnyHttpUrl = Field(description="each lead is POSTed here as JSON")
    secret: str | None = Field(None, description="signs the body (HMAC-SHA256), as ${VAR}")


class Destination(_Model):
    marketo: MarketoDestination | None = Field(None, description="replay into Marketo (REST API)")
    hubspot: HubSpotDestination | None = Field(None, description="replay into HubSpot (CRM v3 or Forms)")
    webhook: WebhookDestination | None = Field(None, description="POST each lead to your own endpoint")

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [k for k in ("marketo", "hubspot", "webhook") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one destination: marketo:, hubspot: or webhook:"
                + (f" (not {' and '.join(given)})" if given else "")
            )
        return self

    @property
    def kind(self) -> str:
        return "marketo" if self.marketo else "hubspot" if self.hubspot else "webhook"


class Form(_Model):
    id: str = Field(pattern=ID, description="lower-case letters, digits and dashes; in /p/ID and /f/ID")
    title: str = Field(min_length=1, description="the page's heading")
    intro: str | None = Field(None, description="a paragraph under the heading")
    fields: list[FormField] = Field(min_length=1, description="in the order shown; one must be email")
    thank_you: str = Field(
        DEFAULT_THANKS, description="text shown after a submission, or an http(s) URL to redirect to"
    )
    allowed_origins: list[str] = Field(
        default_factory=list, description="origins (https://www.example.com) whose pages may post here"
    )
    vendor: str | None = Field(
        None, description="the vendor id whose monitor says when the platform is back (replay waits on it)"
    )
    embed_timeout: Duration = Field(
        timedelta(seconds=5),
        description="the switch script shows the fallback when the embed has not rendered",
    )
    destination: Destination = Field(
        description="where leads are replayed: exactly one of marketo, hubspot, webhook"
    )

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        out = []
        for origin in value:
            scheme, sep, rest = origin.strip().partition("://")
            if scheme not in ("http", "https") or not sep or not rest or "/" in rest.rstrip("/"):
                raise ValueError(
                    f"{origin!r} is not an origin; write scheme://host[:port], like https://www.example.com"
                )
            out.append(f"{scheme}://{rest.rstrip('/').lower()}")
        return out

    @model_validator(mode="after")
    def _fields(self) -> Self:
        names = [f.name for f in self.fields]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"field names must be unique: {', '.join(twice)} given more than once")
        reserved = sorted(set(names) & RESERVED)
        if reserved:
            raise ValueError(f"{', '.join(reserved)} is reserved for the capture endpoint; rename the field")
        if "email" not in names:
            raise ValueError("a form needs a field named email (type: email): leads are replayed by email")
        return self

    @property
    def thanks_url(self) -> str | None:
        text = self.thank_you.strip()
        return text if text.startswith(("https://", "http://")) and " " not in text else None


class RateLimit(_Model):
    posts: int = Field(20, ge=1, le=1_000_000, description="submissions one address may make per `per`")
    per: Duration = Field(timedelta(minutes=1), description="the sliding window the posts are counted in")


class Fallback(_Model):
    capture_url: AnyHttpUrl | None = Field(
        None, description="the public URL of this Standby's capture endpoint; default settings.base_url"
    )
    pages_url: AnyHttpUrl | None = Field(
        None, description="where people read the pages `standby pages build` publishes"
    )
    publish: list[PublishTarget] = Field(
        default_factory=list, description="where `standby pages build` writes the pages and scripts"
    )
    rate_limit: RateLimit = Field(default_factory=RateLimit, description="per visitor address")
    max_body: int = Field(64 * 1024, ge=1024, le=10 * 1024 * 1024, description="bytes a submission may have")
