"""Contacts: batch upsert by email (up to 100 per call) and paging through all contacts.

A batch answers 200, or 207 with `errors` naming the inputs that failed (their `context.ids`). A 400
refuses the whole batch for one bad record (an unknown property, an invalid email): we split the
batch in halves until the bad records stand alone, so each good record still goes through and each
bad one is skipped with HubSpot's reason — at most about 2·log2(100) extra calls per bad record.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from standby.integrations.errors import PlatformDown, PlatformRefused
from standby.integrations.hubspot.client import HubSpotClient, Reply
from standby.integrations.results import RecordResult

MAX_BATCH = 100
UPSERT = "/crm/v3/objects/contacts/batch/upsert"
CONTACTS = "/crm/v3/objects/contacts"


async def upsert_by_email(client: HubSpotClient, contacts: Sequence[Mapping[str, str]]) -> list[RecordResult]:
    """Create or update contacts keyed by their `email` property; one result per contact, in order."""
    if not 0 < len(contacts) <= MAX_BATCH:
        raise ValueError(f"upsert_by_email takes 1 to {MAX_BATCH} contacts, not {len(contacts)}")
    emails = [str(c["email"]).strip().lower() for c in contacts]
    if len(set(emails)) != len(emails):
        raise ValueError("one batch must not name the same email twice (HubSpot would merge them)")
    inputs = [
        {"id": email, "idProperty": "email", "properties": dict(contact)}
        for email, contact in zip(emails, contacts, strict=True)
    ]
    return await _upsert(client, inputs)


async def _upsert(client: HubSpotClient, inputs: list[dict[str, Any]]) -> list[RecordResult]:
    reply = await client.call("POST", UPSERT, body={"inputs": inputs})
    if reply.status == 400:
        if len(inputs) == 1:
            return [RecordResult.skipped(_message(reply.data))]
        half = len(inputs) // 2
        return await _upsert(client, inputs[:half]) + await _upsert(client, inputs[half:])
    if reply.status not in (200, 201, 207) or not isinstance(reply.data, dict):
        raise PlatformRefused(
            f"HubSpot answered the batch upsert with HTTP {reply.status}: {_message(reply.data)}"
        )
    return _per_input(inputs, reply)


def _per_input(inputs: list[dict[str, Any]], reply: Reply) -> list[RecordResult]:
    data: dict[str, Any] = reply.data
    done: dict[str, RecordResult] = {}
    for item in data.get("results") or []:
        email = str((item.get("properties") or {}).get("email", "")).lower() if isinstance(item, dict) else ""
        if email:
            outcome = "created" if item.get("new") else "updated"
            done[email] = RecordResult(True, outcome, str(item.get("id")) if item.get("id") else None)
    for error in data.get("errors") or []:
        if not isinstance(error, dict):
            continue
        ids = (error.get("context") or {}).get("ids") or []
        for ident in ids if isinstance(ids, list) else []:
            done.setdefault(str(ident).lower(), RecordResult.skipped(_message(error)))
    missing = [i["id"] for i in inputs if i["id"] not in done]
    if missing:
        # An input HubSpot neither took nor refused by name: it cannot count as acknowledged.
        raise PlatformDown(f"HubSpot's batch answer left out {len(missing)} of {len(inputs)} contacts")
    return [done[i["id"]] for i in inputs]


def _message(data: Any) -> str:
    if not isinstance(data, dict):
        return "no reason given"
    details = [
        str(e.get("message")) for e in data.get("errors") or [] if isinstance(e, dict) and e.get("message")
    ]
    head = str(data.get("message") or data.get("category") or "refused")
    return head + (f" ({'; '.join(details)})" if details and details[0] not in head else "")


async def contacts(
    client: HubSpotClient, *, properties: Sequence[str] = ("email", "firstname", "lastname"), limit: int = 100
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every contact, a page at a time, following `paging.next.after` until it is absent."""
    params: dict[str, Any] = {"limit": min(limit, 100), "properties": ",".join(properties)}
    async for page in pages(client, CONTACTS, params):
        yield page


async def pages(
    client: HubSpotClient, path: str, params: Mapping[str, Any]
) -> AsyncIterator[list[dict[str, Any]]]:
    """The `results` of each page of a GET that pages with an `after` cursor."""
    query = dict(params)
    while True:
        reply = await client.call("GET", path, params=query)
        if reply.status != 200 or not isinstance(reply.data, dict):
            raise PlatformRefused(f"HubSpot answered {path} with HTTP {reply.status}: {_message(reply.data)}")
        yield [r for r in reply.data.get("results") or [] if isinstance(r, dict)]
        after = ((reply.data.get("paging") or {}).get("next") or {}).get("after")
        if not after:
            return
        query["after"] = after
