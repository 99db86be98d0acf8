"""The Forms submission API (authenticated, on api.hsforms.com): one submission per call, recorded in
HubSpot as a real form submission with the original time, page and visitor address.

200 means accepted. A 400 names what HubSpot refused (an invalid email, a required field missing):
that record is skipped with the reason. A 404 means the portal or form does not exist: permanent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from standby.integrations.errors import PlatformRefused
from standby.integrations.hubspot.client import HubSpotClient
from standby.integrations.results import RecordResult


async def submit(
    client: HubSpotClient,
    *,
    portal_id: str,
    form_guid: str,
    fields: Mapping[str, str],
    submitted_at: datetime,
    page_uri: str | None = None,
    ip_address: str | None = None,
) -> RecordResult:
    path = f"/submissions/v3/integration/secure/submit/{portal_id}/{form_guid}"
    context = {k: v for k, v in (("pageUri", page_uri), ("ipAddress", ip_address)) if v}
    body: dict[str, Any] = {
        "submittedAt": str(int(submitted_at.timestamp() * 1000)),
        "fields": [{"objectTypeId": "0-1", "name": k, "value": v} for k, v in fields.items()],
    }
    if context:
        body["context"] = context
    reply = await client.call("POST", path, body=body, forms=True)
    if reply.status == 200:
        return RecordResult(True, "accepted")
    reason = _reason(reply.data) or f"HTTP {reply.status}"
    if reply.status == 400:
        return RecordResult.skipped(reason)
    raise PlatformRefused(
        f"HubSpot refused the submission to form {form_guid} of portal {portal_id} ({reason}); "
        "check portal_id and form_guid"
    )


def _reason(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    errors = [e for e in data.get("errors") or [] if isinstance(e, dict)]
    found = [f"{e.get('errorType', '')}: {e.get('message', '')}".strip(": ") for e in errors]
    return "; ".join(found) or str(data.get("message") or "")
