"""`standby backup restore`: a list (or the leads) of a snapshot as a CSV another platform imports.

Formats name the columns the way each platform's import maps them by itself:
- `marketo`: Marketo's field names as its list import shows them (Email Address, First Name ...);
- `hubspot`: HubSpot's property labels (Email, First Name ...), which its import matches;
- `generic`: plain names (email, first_name ...) plus the source's id and timestamps.
The platform formats leave out what no platform can import: the source's record ids and its system
timestamps. Fields with no common name keep their API name (an import lets you map or skip them).

The stored file's SHA-256 is checked as it is read; the CSV is written beside FILE and renamed only
when the whole file was read and matched (and, if encrypted, authenticated): a restore never leaves a
half or an unverified file behind under the name asked for.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal

from standby.backups import crypto
from standby.backups.errors import BackupFailed
from standby.backups.files import CHUNK, HashingReader, cell, read_rows
from standby.backups.manifest import FileEntry, Manifest
from standby.backups.storage import Store

Format = Literal["marketo", "hubspot", "generic"]
FORMATS: tuple[Format, ...] = ("marketo", "hubspot", "generic")

# (generic name, Marketo REST name, HubSpot property, Marketo import header, HubSpot import header)
COMMON = (
    ("email", "email", "email", "Email Address", "Email"),
    ("first_name", "firstName", "firstname", "First Name", "First Name"),
    ("last_name", "lastName", "lastname", "Last Name", "Last Name"),
    ("company", "company", "company", "Company Name", "Company Name"),
    ("job_title", "title", "jobtitle", "Job Title", "Job Title"),
    ("phone", "phone", "phone", "Phone Number", "Phone Number"),
    ("mobile_phone", "mobilePhone", "mobilephone", "Mobile Phone Number", "Mobile Phone Number"),
    ("address", "address", "address", "Address", "Street Address"),
    ("city", "city", "city", "City", "City"),
    ("state", "state", "state", "State", "State/Region"),
    ("postal_code", "postalCode", "zip", "Postal Code", "Postal Code"),
    ("country", "country", "country", "Country", "Country/Region"),
    ("website", "website", "website", "Website", "Website URL"),
    ("unsubscribed", "unsubscribed", "hs_email_optout", "Unsubscribed", "Unsubscribed from all email"),
)
SYSTEM = {
    "id": "source_id", "hs_object_id": "source_id", "createdAt": "created_at", "createdate": "created_at",
    "updatedAt": "updated_at", "lastmodifieddate": "updated_at",
}  # fmt: skip


def headers(columns: list[str], platform: str, format: Format) -> list[tuple[str, str]]:
    """(stored column, restore header) in file order; system columns only in `generic`."""
    by_name = {row[1 if platform == "marketo" else 2]: row for row in COMMON}
    out = []
    for column in columns:
        common = by_name.get(column)
        if column in SYSTEM:
            if format == "generic":
                out.append((column, SYSTEM[column]))
        elif common is None:
            out.append((column, column))
        else:
            out.append((column, {"generic": common[0], "marketo": common[3], "hubspot": common[4]}[format]))
    return out


def restore(
    store: Store, manifest: Manifest, entry: FileEntry, dest: Path, *, format: Format, key: str | None
) -> int:
    """Write `entry` of `manifest` to `dest` in `format`; the rows written (call from a thread)."""
    if entry.path.endswith(crypto.SUFFIX) and key is None:
        raise BackupFailed(
            f"{manifest.snapshot}/{entry.path} is encrypted: the plan's key is needed to restore it"
        )
    aside = dest.with_name(dest.name + ".partial")
    rows, unreadable = 0, None
    try:
        with store.open(manifest.snapshot, entry.path) as raw:
            hashed = HashingReader(raw)
            try:
                stream: IO[bytes] = io.BufferedReader(hashed, CHUNK)
                if key is not None and entry.path.endswith(crypto.SUFFIX):
                    stream = crypto.opened(stream, key, f"{manifest.snapshot}/{entry.path}")
                with aside.open("w", newline="", encoding="utf-8") as out:
                    rows = _write(read_rows(stream), out, manifest, format)
            except (crypto.DecryptError, OSError, EOFError, csv.Error, UnicodeDecodeError) as exc:
                unreadable = exc  # first see whether the file is the one the manifest describes
            digest = hashed.drain()
        if digest != entry.sha256:
            raise BackupFailed(
                f"{manifest.snapshot}/{entry.path} does not match its manifest's SHA-256: it was changed or "
                "damaged at the target; restore from another snapshot",
                problem=True,
            )
        if unreadable is not None:
            wrong_key = isinstance(unreadable, crypto.DecryptError) and "another key" in str(unreadable)
            raise BackupFailed(str(unreadable), problem=not wrong_key)
        aside.replace(dest)
    finally:
        aside.unlink(missing_ok=True)
    return rows


def _write(found: Iterator[dict[str, str]], out: IO[str], manifest: Manifest, format: Format) -> int:
    columns = headers(manifest.fields, manifest.platform, format)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for _, header in columns])
    rows = 0
    for row in found:
        writer.writerow([cell(row.get(column)) for column, _ in columns])
        rows += 1
    return rows
