"""Marketo as a destination: Submit Form (one lead per call, a real form fill with the visitor's page,
address and browser) or Sync Leads createOrUpdate (300 per call) on the lookup field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from standby.integrations.marketo.client import MarketoClient
from standby.integrations.marketo.leads import MAX_BATCH, submit_form, sync_leads
from standby.integrations.results import RecordResult
from standby.leads.replay.destinations import Destinations, Lead
from standby.plan.forms import MarketoDestination


def for_form(hub: Destinations, plan: MarketoDestination) -> FormFill | LeadSync:
    def make() -> MarketoClient:
        return MarketoClient(
            base_url=plan.url,
            client_id=plan.client_id,
            client_secret=plan.client_secret,
            network=hub.network,
            clock=hub.clock,
        )

    client: MarketoClient = hub.client(("marketo", plan.url, plan.client_id, plan.client_secret), make)
    if plan.form_id is not None:
        return FormFill(client, plan.form_id, plan.program_id)
    return LeadSync(client, plan.lookup_field or "email", plan.partition)


def _values(lead: Lead) -> dict[str, Any]:
    return {k: v for k, v in lead.fields.items() if v is not None and v != ""}


class FormFill:
    batch_size, parallel = 1, 5

    def __init__(self, client: MarketoClient, form_id: int, program_id: int | None) -> None:
        self.client, self.form_id, self.program_id = client, form_id, program_id

    def order_key(self, lead: Lead) -> str:
        return str(lead.fields.get("email", "")).lower()

    async def send(self, leads: Sequence[Lead]) -> list[RecordResult]:
        [lead] = leads
        visitor = {
            "pageURL": lead.page_url or "",
            "queryString": urlsplit(lead.page_url).query if lead.page_url else "",
            "leadClientIpAddress": lead.address if lead.address and ":" not in lead.address else "",
            "userAgentString": lead.user_agent or "",
        }
        result = await submit_form(
            self.client,
            form_id=self.form_id,
            fields=_values(lead),
            program_id=self.program_id,
            visitor=visitor,
        )
        return [result]


class LeadSync:
    batch_size, parallel = MAX_BATCH, 5

    def __init__(self, client: MarketoClient, lookup_field: str, partition: str | None) -> None:
        self.client, self.lookup_field, self.partition = client, lookup_field, partition

    def order_key(self, lead: Lead) -> str:
        return str(lead.fields.get(self.lookup_field, "")).lower()

    async def send(self, leads: Sequence[Lead]) -> list[RecordResult]:
        records = [_values(lead) for lead in leads]
        return await sync_leads(
            self.client, records, lookup_field=self.lookup_field, partition=self.partition
        )
