"""The fake Marketo's lead database: leads, the field catalog, forms and static lists, with the
per-record rules of Sync Leads and Submit Form (docs: leads.md, error-codes.md)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from standby.core.clock import Clock
from tests.peers.platform import iso

# Field REST names → (SOAP name, data type): a standard instance's usual fields.
FIELDS = {
    "id": ("Id", "integer"),
    "email": ("Email", "email"),
    "firstName": ("FirstName", "string"),
    "lastName": ("LastName", "string"),
    "company": ("Company", "string"),
    "title": ("Title", "string"),
    "phone": ("Phone", "phone"),
    "postalCode": ("PostalCode", "string"),
    "country": ("Country", "string"),
    "leadSource": ("LeadSource", "string"),
    "comments": ("Comments", "text"),
    "unsubscribed": ("Unsubscribed", "boolean"),
    "createdAt": ("CreatedAt", "datetime"),
    "updatedAt": ("UpdatedAt", "datetime"),
}
READ_ONLY = {"id", "createdAt", "updatedAt"}
DEFAULT_READ = ("id", "email", "updatedAt", "createdAt", "firstName", "lastName")


@dataclass
class Lead:
    id: int
    fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def view(self, wanted: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        for name in wanted:
            if name == "createdAt":
                out[name] = iso(self.created_at)
            elif name == "updatedAt":
                out[name] = iso(self.updated_at)
            elif name != "id" and self.fields.get(name) is not None:
                out[name] = self.fields[name]  # unset fields are omitted ("implied null")
        return out


@dataclass
class StaticList:
    id: int
    name: str
    program: str | None
    created_at: datetime
    members: list[int] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        out = {"id": self.id, "name": self.name, "createdAt": iso(self.created_at)}
        out["updatedAt"] = out["createdAt"]
        return out | ({"programName": self.program} if self.program else {})


def skipped(code: str, message: str) -> dict[str, Any]:
    return {"status": "skipped", "reasons": [{"code": code, "message": message}]}


class LeadDatabase:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.fields = dict(FIELDS)
        self.leads: dict[int, Lead] = {}
        self.lists: dict[int, StaticList] = {}
        self.forms: dict[int, set[str]] = {}  # form id → the REST names of its fields
        self.programs: set[int] = set()
        self.writes: Counter[str] = Counter()  # email → creates and updates acknowledged
        self.form_fills: list[dict[str, Any]] = []  # "Fill out Form" activities
        self.refuse: dict[str, tuple[str, str]] = {}  # email → (code, message) to skip it with
        self.lock = threading.Lock()
        self._emails: dict[str, list[int]] = {}  # lower-case email → lead ids, for the common lookup
        self._next_lead, self._next_list = 1000, 5000

    # -- seeding ------------------------------------------------------------------------------

    def add_lead(self, **fields: Any) -> Lead:
        now = self.clock.now()
        lead = Lead(self._next_lead, dict(fields), now, now)
        self._next_lead += 1
        self.leads[lead.id] = lead
        self._index(lead)
        return lead

    def _index(self, lead: Lead) -> None:
        email = str(lead.fields.get("email") or "").strip().lower()
        if email and lead.id not in self._emails.get(email, []):
            self._emails.setdefault(email, []).append(lead.id)

    def add_list(self, name: str, members: list[int], program: str | None = None) -> StaticList:
        found = StaticList(self._next_list, name, program, self.clock.now(), list(members))
        self._next_list += 1
        self.lists[found.id] = found
        return found

    def by_email(self, email: str) -> list[Lead]:
        found = [self.leads[i] for i in self._emails.get(email.strip().lower(), []) if i in self.leads]
        return [x for x in found if str(x.fields.get("email", "")).strip().lower() == email.strip().lower()]

    def matching(self, field: str, value: Any) -> list[Lead]:
        if field == "email":
            return self.by_email(str(value))
        return [x for x in self.leads.values() if str(x.fields.get(field, "")).lower() == str(value).lower()]

    # -- writes -------------------------------------------------------------------------------

    def sync(self, records: list[Any], action: str, lookup: str) -> list[dict[str, Any]]:
        return [self._sync_one(r, action, lookup) for r in records]

    def _sync_one(self, record: Any, action: str, lookup: str) -> dict[str, Any]:
        if not isinstance(record, dict):
            return skipped("1003", "Invalid data")
        unknown = [k for k in record if k not in self.fields]
        if unknown:
            return skipped("1006", f"Field '{unknown[0]}' not found")
        key = record.get(lookup)
        if action != "createDuplicate" and (key is None or key == ""):
            return skipped("1002", f"Missing value for required parameter '{lookup}'")
        email = str(record.get("email") or "")
        if not email.isascii():
            return skipped("1001", f"Invalid value '{email}', required type 'email'")
        if email.lower() in self.refuse:
            return skipped(*self.refuse[email.lower()])
        matches = self.matching(lookup, key)
        if action == "createOnly" and matches:
            return skipped("1005", "Lead already exists")
        if action == "updateOnly" and not matches:
            return skipped("1004", "Lead not found")
        if len(matches) > 1 and action != "createDuplicate":
            return skipped("1007", "Multiple lead match lookup criteria")
        return self._write(matches[0] if matches and action != "createDuplicate" else None, record)

    def _write(self, lead: Lead | None, record: dict[str, Any]) -> dict[str, Any]:
        clean = {k: v for k, v in record.items() if k not in READ_ONLY}
        if lead is None:
            lead = self.add_lead(**clean)
            status = "created"
        else:
            lead.fields.update(clean)
            lead.updated_at = self.clock.now()
            self._index(lead)
            status = "updated"
        self.writes[str(lead.fields.get("email", "")).lower()] += 1
        return {"id": lead.id, "status": status}

    def submit_form(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """One result, or None when the form does not exist (a response-level error)."""
        form_id, items = body.get("formId"), body.get("input")
        if form_id not in self.forms:
            return None
        if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
            return skipped("1003", "Invalid data")
        fields = items[0].get("leadFormFields")
        if not isinstance(fields, dict) or not fields.get("email"):
            return skipped("1002", "Missing value for required parameter 'email'")
        if any(v is None for v in fields.values()) or set(fields) - self.forms[form_id]:
            return skipped("1003", "Form validation failed")
        email = str(fields["email"])
        if email.lower() in self.refuse:
            return skipped(*self.refuse[email.lower()])
        found = sorted(self.by_email(email), key=lambda x: x.updated_at)  # the most recently updated wins
        result = self._write(found[-1] if found else None, fields)
        visitor = items[0].get("visitorData") or {}
        program = body.get("programId")
        self.form_fills.append(
            {"form": form_id, "email": email.lower(), "visitor": visitor, "program": program}
        )
        return result

    def add_to_list(self, list_id: int, ids: list[int], remove: bool = False) -> list[dict[str, Any]]:
        members = self.lists[list_id].members
        out = []
        for lead_id in ids:
            if lead_id not in self.leads:
                out.append({"id": lead_id, **skipped("1004", "Lead not found")})
            elif remove and lead_id not in members:
                out.append({"id": lead_id, **skipped("1015", "Lead not in list")})
            else:
                if remove:
                    members.remove(lead_id)
                elif lead_id not in members:
                    members.append(lead_id)
                out.append({"id": lead_id, "status": "removed" if remove else "added"})
        return out
