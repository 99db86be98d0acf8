"""The plan's `status_page:` section: what the public status page shows and where it is published.

Kept beside model.py (which imports it) so the plan models stay readable; same rules: unknown keys
are errors, models are frozen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from standby.plan.issues import suggest
from standby.plan.types import Duration

ASSET_KINDS = ("vendor", "endpoint", "domain")
_SECRET_WORDS = ("secret", "password", "passwd", "token", "key", "credential", "passphrase", "session")
# Object stores have buckets and keys, not hosts and directories.
OBJECT_STORES = {"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "oss", "oci"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def protocol_of(url: str) -> str:
    """The fsspec protocol of a publish URL: "file" for a plain directory path."""
    scheme, sep, _ = url.partition("://")
    return scheme.lower() if sep else "file"


def shown_url(url: str) -> str:
    """The URL with its password masked and its query (which may carry tokens) left out."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = f"{parts.username or ''}:***@" + netloc.rpartition("@")[2]
    return parts._replace(netloc=netloc, query="", fragment="").geturl()


def scrub(text: str, secrets: list[str]) -> str:
    """`text` (an error message) with every one of `secrets` masked."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _secret_values(options: Mapping[str, Any]) -> Iterator[str]:
    for name, value in options.items():
        if isinstance(value, Mapping):
            yield from _secret_values(value)
        elif isinstance(value, str) and value and any(w in name.lower() for w in _SECRET_WORDS):
            yield value


class PublishTarget(_Model):
    url: str = Field(
        description="where the files go: a directory, file://, s3://bucket/prefix, sftp://host/path "
        "or any fsspec URL"
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="fsspec storage options, e.g. endpoint_url, key and secret (write secrets as ${VAR})",
    )

    @field_validator("url")
    @classmethod
    def _known_protocol(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give a directory or an fsspec URL such as s3://bucket/prefix")
        # Imported here: fsspec costs a fifth of a second, and most commands never publish.
        from fsspec.registry import known_implementations, registry

        protocol = protocol_of(value)
        known = set(known_implementations) | set(registry)
        if protocol not in known:
            raise ValueError(
                f"unknown storage protocol {protocol!r}{suggest(protocol, known)}; use a directory or "
                "an fsspec URL such as s3://bucket/prefix or sftp://host/path"
            )
        return value

    def secrets(self) -> list[str]:
        """What must never be shown of this target: the URL's password, secret-looking options.
        Longest first, so a secret containing another is masked whole."""
        found = list(_secret_values(self.options))
        password = urlsplit(self.url).password if "://" in self.url else None
        return sorted([*found, *([password] if password else [])], key=len, reverse=True)


class StatusComponent(_Model):
    asset: str = Field(description='what it shows: "vendor:ID", "endpoint:ID" or "domain:NAME"')
    name: str = Field(description="the name people read on the page")
    group: str | None = Field(None, description="components with the same group are shown together")
    description: str | None = Field(None, description="one line shown under the name")

    @field_validator("asset")
    @classmethod
    def _asset_id(cls, value: str) -> str:
        kind, sep, ident = value.partition(":")
        if not sep or kind not in ASSET_KINDS or not ident:
            raise ValueError(f"{value!r} is not an asset id; write vendor:ID, endpoint:ID or domain:NAME")
        # Domain names are compared lower-case everywhere else in the plan.
        return f"domain:{ident.strip().rstrip('.').lower()}" if kind == "domain" else value


class StatusPage(_Model):
    title: str | None = Field(None, description="the page's title; default: ORGANIZATION status")
    url: AnyHttpUrl = Field(
        description="the public URL where people read the page; host it on a domain you do not monitor"
    )
    publish: list[PublishTarget] = Field(
        default_factory=list, description="where the rendered files are written after every change"
    )
    components: list[StatusComponent] = Field(
        default_factory=list, description="what the page shows, in this order"
    )
    history: Duration = Field(timedelta(days=30), description="resolved incidents stay on the page this long")
