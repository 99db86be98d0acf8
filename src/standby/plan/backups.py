"""The plan's `backups:` section: which lists and leads to copy out of Marketo or HubSpot, when, where
to, for how long, and whether to encrypt them. See docs/backups.md.

Kept beside model.py (which imports it), like status_page.py; same rules: unknown keys are errors,
models are frozen. The checks that need the whole plan (references, secrets written in clear, a
target on this very machine) are in backups_check.py.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from standby.core.timetext import PATTERN, format_duration, parse_duration
from standby.plan.accounts import HubSpotAccount, MarketoAccount
from standby.plan.schedule import ScheduleText, parse_schedule
from standby.plan.status_page import PublishTarget
from standby.plan.types import Duration

ID = r"^[a-z0-9][a-z0-9-]{0,62}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BackupSource(_Model):
    marketo: MarketoAccount | None = Field(None, description="read from Marketo (REST and Bulk Extract)")
    hubspot: HubSpotAccount | None = Field(None, description="read from HubSpot (CRM v3 and Lists v3)")

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [k for k in ("marketo", "hubspot") if getattr(self, k) is not None]
        if len(given) != 1:
            both = f" (not {' and '.join(given)})" if given else ""
            raise ValueError(f"give exactly one source: marketo: or hubspot:{both}")
        return self

    @property
    def kind(self) -> Literal["marketo", "hubspot"]:
        return "marketo" if self.marketo is not None else "hubspot"

    @property
    def account(self) -> str:
        """How people name the account: the Munchkin id, or the HubSpot API's host."""
        if self.marketo is not None:
            return self.marketo.munchkin_id
        assert self.hubspot is not None
        return self.hubspot.url.partition("://")[2] or self.hubspot.url


def _since(value: Any) -> Any:
    """`90d` (a rolling window before each first read) or a date / date and time (a fixed start)."""
    if isinstance(value, timedelta | datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(PATTERN, text):
            return parse_duration(text)
        try:
            found = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{value!r} is neither a duration (90d) nor a date (2024-01-31) or date and time"
            ) from None
        return found if found.tzinfo else found.replace(tzinfo=UTC)
    raise ValueError("write updated_since as a duration like 90d or a date like 2024-01-31")


def _since_text(value: timedelta | datetime) -> str:
    return format_duration(value) if isinstance(value, timedelta) else value.isoformat()


Since = Annotated[
    timedelta | datetime,
    BeforeValidator(_since),
    PlainSerializer(_since_text, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["90d", "2024-01-31"]}),
]


class LeadsFilter(_Model):
    updated_since: Since = Field(
        description="leads updated since this date, or within this long before the first snapshot; later "
        "snapshots add what changed, so the file keeps every lead updated since then"
    )

    def start(self, now: datetime) -> datetime:
        since = self.updated_since
        return now - since if isinstance(since, timedelta) else since.astimezone(UTC)


class Keep(_Model):
    within: Duration = Field(timedelta(days=1), description="every snapshot taken within this long is kept")
    daily: int = Field(14, ge=0, le=3650, description="the newest good snapshot of each of this many days")
    weekly: int = Field(8, ge=0, le=520, description="... of each of this many weeks (Monday to Sunday)")
    monthly: int = Field(12, ge=0, le=1200, description="... of each of this many months")

    @model_validator(mode="after")
    def _some(self) -> Self:
        if not (self.daily or self.weekly or self.monthly):
            raise ValueError("keep at least one snapshot: daily, weekly or monthly must be above 0")
        return self


class Backup(_Model):
    id: str = Field(pattern=ID, description="lower-case letters, digits and dashes; names the target folder")
    name: str | None = Field(None, description="how people call it; default the id")
    source: BackupSource = Field(description="exactly one of marketo: or hubspot:")
    lists: list[Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]] = Field(
        default_factory=list, description="static lists to copy, by name or id"
    )
    all_lists: bool = Field(False, description="copy every static list (HubSpot: MANUAL and SNAPSHOT lists)")
    leads: Literal["all"] | LeadsFilter | None = Field(
        None, description="also copy leads: all, or {updated_since: 90d | DATE}"
    )
    fields: list[str] | None = Field(
        None, description="the fields (API names) to keep; default: the platform's standard contact fields"
    )
    schedule: ScheduleText = Field(
        parse_schedule("daily 02:00"), description="daily HH:MM, hourly :MM or weekly DAY HH:MM, plan time"
    )
    keep: Keep = Field(default_factory=Keep, description="how many snapshots to keep (retention)")
    target: PublishTarget = Field(
        description="where snapshots go: a directory or an fsspec URL (s3://bucket/prefix ...), never "
        "only this machine"
    )
    encrypt: bool = Field(False, description="encrypt every data file (AES-256-GCM) with `key`")
    key: str | None = Field(None, description="with encrypt: the passphrase, as ${VAR} (16+ characters)")
    method: Literal["auto", "rest", "bulk"] = Field(
        "auto",
        description="Marketo: rest (paging), bulk (Bulk Extract) or auto (bulk for every lead and for "
        "lists that held 100,000+ members last time)",
    )
    full_every: Duration = Field(
        timedelta(days=7), description="read every lead afresh this often; snapshots between add changes"
    )
    bulk_daily_mb: int = Field(
        500, ge=1, le=500, description="Marketo: Bulk Extract megabytes a day this backup may use (of 500)"
    )
    owner: str | None = Field(None, description="person id responsible for this backup")
    playbook: str | None = Field(None, description="playbook id for alerts about it")

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        clean = [f.strip() for f in value]
        bad = [f for f in clean if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", f)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a field's API name (firstName, lastname, company ...)")
        twice = sorted({f for f in clean if clean.count(f) > 1})
        if twice:
            raise ValueError(f"fields must be unique: {', '.join(twice)} given more than once")
        return clean

    @model_validator(mode="after")
    def _what_and_how(self) -> Self:
        if not self.lists and not self.all_lists and self.leads is None:
            raise ValueError("nothing to back up: give lists: [...], all_lists: true or leads:")
        if self.lists and self.all_lists:
            raise ValueError("give lists: [...] or all_lists: true, not both")
        if self.encrypt and not self.key:
            raise ValueError("encrypt: true needs key: ${VARIABLE} (a passphrase of 16 characters or more)")
        if self.key is not None and not self.encrypt:
            raise ValueError("key is only used with encrypt: true; add it or remove the key")
        if self.key is not None and len(self.key) < 16:
            raise ValueError("the encryption key must be 16 characters or more (a long random passphrase)")
        if self.source.kind == "hubspot" and self.method == "bulk":
            raise ValueError("method: bulk is Marketo's Bulk Extract; HubSpot backups page through its API")
        if self.source.kind == "marketo" and self.leads == "all" and self.method == "rest":
            raise ValueError(
                "leads: all on Marketo needs the Bulk Extract API (no REST call lists every lead); use "
                "method: auto or bulk, or leads: {updated_since: ...}"
            )
        return self

    @property
    def asset_id(self) -> str:
        return f"backup:{self.id}"

    @property
    def label(self) -> str:
        return self.name or self.id
