"""HubSpot as a destination: the Forms submission API (one per call, with the original time, page
and address) or a batch upsert of contacts by email (100 per call). HubSpot takes text values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from standby.integrations.hubspot import forms
from standby.integrations.hubspot.client import API_URL, FORMS_URL, HubSpotClient
from standby.integrations.hubspot.contacts import MAX_BATCH, upsert_by_email
from standby.integrations.results import RecordResult
from standby.leads.replay.destinations import Destinations, Lead
from standby.plan.forms import HubSpotDestination


def for_form(hub: Destinations, plan: HubSpotDestination) -> FormSubmit | ContactUpsert:
    base = str(plan.base_url).rstrip("/") if plan.base_url else API_URL
    forms_url = str(plan.forms_url).rstrip("/") if plan.forms_url else FORMS_URL

    def make() -> HubSpotClient:
        return HubSpotClient(
            token=plan.token, network=hub.network, clock=hub.clock, base_url=base, forms_url=forms_url
        )

    client: HubSpotClient = hub.client(("hubspot", base, forms_url, plan.token), make)
    if plan.portal_id is not None and plan.form_guid is not None:
        return FormSubmit(client, plan.portal_id, plan.form_guid)
    return ContactUpsert(client)


def _text(fields: dict[str, Any]) -> dict[str, str]:
    out = {}
    for name, value in fields.items():
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif value is not None and value != "":
            out[name] = str(value)
    return out


def _email(lead: Lead) -> str:
    return str(lead.fields.get("email", "")).lower()


class FormSubmit:
    batch_size, parallel = 1, 4

    def __init__(self, client: HubSpotClient, portal_id: str, form_guid: str) -> None:
        self.client, self.portal_id, self.form_guid = client, portal_id, form_guid

    def order_key(self, lead: Lead) -> str:
        return _email(lead)

    async def send(self, leads: Sequence[Lead]) -> list[RecordResult]:
        [lead] = leads
        result = await forms.submit(
            self.client,
            portal_id=self.portal_id,
            form_guid=self.form_guid,
            fields=_text(lead.fields),
            submitted_at=lead.received_at,
            page_uri=lead.page_url,
            ip_address=lead.address,
        )
        return [result]


class ContactUpsert:
    batch_size, parallel = MAX_BATCH, 4

    def __init__(self, client: HubSpotClient) -> None:
        self.client = client

    def order_key(self, lead: Lead) -> str:
        return _email(lead)

    async def send(self, leads: Sequence[Lead]) -> list[RecordResult]:
        return await upsert_by_email(self.client, [_text(lead.fields) for lead in leads])
