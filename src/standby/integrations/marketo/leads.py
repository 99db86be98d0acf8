"""Writing leads: Sync Leads (`leads.json`, up to 300 per call) and Submit Form (`submitForm.json`,
one lead per call, recorded in Marketo as a real "Fill out Form" activity).

Results come back in the order of the input. A record Marketo skipped keeps its reasons (1xxx codes:
"1006 Field 'x' not found"); a record it created or updated carries the lead id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from standby.integrations.errors import PlatformDown
from standby.integrations.marketo.client import MarketoClient
from standby.integrations.results import RecordResult

MAX_BATCH = 300
SYNC = "/rest/v1/leads.json"
SUBMIT_FORM = "/rest/v1/leads/submitForm.json"
ACTIONS = ("createOrUpdate", "createOnly", "updateOnly", "createDuplicate")


async def sync_leads(
    client: MarketoClient,
    leads: Sequence[Mapping[str, Any]],
    *,
    action: str = "createOrUpdate",
    lookup_field: str = "email",
    partition: str | None = None,
) -> list[RecordResult]:
    """Create or update up to 300 leads in one call; one result per lead, in order."""
    if not 0 < len(leads) <= MAX_BATCH:
        raise ValueError(f"sync_leads takes 1 to {MAX_BATCH} leads, not {len(leads)}")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    body: dict[str, Any] = {"action": action, "lookupField": lookup_field, "input": list(leads)}
    if partition:
        body["partitionName"] = partition
    data = await client.call("POST", SYNC, body=body)
    return _results(data, len(leads), SYNC)


async def submit_form(
    client: MarketoClient,
    *,
    form_id: int,
    fields: Mapping[str, Any],
    program_id: int | None = None,
    visitor: Mapping[str, str] | None = None,
    cookie: str | None = None,
) -> RecordResult:
    """Submit one lead through a Marketo form (`fields` by REST API name; `email` required)."""
    item: dict[str, Any] = {"leadFormFields": dict(fields)}
    if visitor:
        item["visitorData"] = {k: v for k, v in visitor.items() if v}
    if cookie:
        item["cookie"] = cookie
    body: dict[str, Any] = {"formId": form_id, "input": [item]}
    if program_id is not None:
        body["programId"] = program_id
    data = await client.call("POST", SUBMIT_FORM, body=body)
    return _results(data, 1, SUBMIT_FORM)[0]


def _results(data: Mapping[str, Any], expected: int, path: str) -> list[RecordResult]:
    items = data.get("result")
    if not isinstance(items, list) or len(items) != expected:
        # Without one answer per record we cannot tell which were taken: treat none as acknowledged.
        got = len(items) if isinstance(items, list) else 0
        raise PlatformDown(f"Marketo answered {got} results for {expected} records on {path}")
    return [_result(item) for item in items]


def _result(item: Any) -> RecordResult:
    if not isinstance(item, dict):
        return RecordResult.skipped("Marketo gave no status for this record")
    status = str(item.get("status", ""))
    lead = item.get("id")
    if status in ("created", "updated"):
        return RecordResult(True, status, str(lead) if lead is not None else None)
    reasons = [r for r in item.get("reasons") or [] if isinstance(r, dict)]
    said = "; ".join(f"{r.get('code', '')} {r.get('message', '')}".strip() for r in reasons)
    return RecordResult.skipped(said or f"Marketo said {status or 'nothing'} without a reason")
