"""A webhook as a destination: each lead POSTed as JSON, with an `Idempotency-Key` (the visitor's key,
else the submission's id) so a re-send after a crash is recognisable, and with a `secret` an
`X-Standby-Signature: sha256=HMAC(secret, body)` header. 2xx is delivered; 400, 409, 410 and 422
refuse that lead (skipped, with what the server said); other 4xx are permanent (the URL or its
credentials); 408, 429, 5xx and connection errors are "still down" after a couple of quick retries."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence

import httpx

from standby.core.net import describe
from standby.integrations.errors import PlatformDown, PlatformRefused
from standby.integrations.pacing import backoff
from standby.integrations.results import RecordResult
from standby.leads.replay.destinations import Destinations, Lead
from standby.plan.forms import WebhookDestination as WebhookPlan

RECORD_REFUSALS = {400, 409, 410, 422}
RETRIES = 2
TIMEOUT = 30.0


def body_of(lead: Lead) -> bytes:
    payload = {
        "id": lead.public_id,
        "form": lead.form_id,
        "received_at": lead.received_at.isoformat(),
        "fields": lead.fields,
        "page_url": lead.page_url,
        "referrer": lead.referrer,
        "user_agent": lead.user_agent,
        "address": lead.address,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookDestination:
    batch_size, parallel = 1, 4

    def __init__(self, hub: Destinations, plan: WebhookPlan, form_id: str) -> None:
        self.hub, self.url, self.secret, self.form_id = hub, str(plan.url), plan.secret, form_id

    def order_key(self, lead: Lead) -> str:
        return str(lead.fields.get("email", "")).lower()

    async def send(self, leads: Sequence[Lead]) -> list[RecordResult]:
        [lead] = leads
        body = body_of(lead)
        headers = {"Content-Type": "application/json", "Idempotency-Key": lead.key or lead.public_id}
        if self.secret:
            headers["X-Standby-Signature"] = signature(self.secret, body)
        for attempt in range(RETRIES + 1):
            try:
                async with self.hub.network.http() as client:
                    response = await client.post(self.url, content=body, headers=headers, timeout=TIMEOUT)
            except httpx.HTTPError as exc:
                why = f"cannot reach {self.url}: {describe(exc)}"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return [RecordResult(True, "accepted")]
                said = f"HTTP {status}: {response.text.strip()[:200]}".rstrip(": ")
                if status in RECORD_REFUSALS:
                    return [RecordResult.skipped(said)]
                if 400 <= status < 500 and status not in (408, 429):
                    raise PlatformRefused(
                        f"the webhook {self.url} refused the lead (HTTP {status}); check its URL and secret"
                    )
                why = f"the webhook {self.url} answered {said}"
            if attempt < RETRIES:
                await self.hub.clock.sleep(backoff(attempt + 1, base=1.0, cap=10.0))
        raise PlatformDown(f"still down: {why}")
