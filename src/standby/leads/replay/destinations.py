"""What a destination is to the replay: batches of up to `batch_size` leads, up to `parallel` batches
in flight, one `RecordResult` per lead in order, or a platform error for the whole batch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from standby.core.clock import Clock
from standby.core.net import Network
from standby.integrations.results import RecordResult
from standby.plan.forms import Form


@dataclass(frozen=True)
class Lead:
    """A pending submission as the replay reads it (a snapshot: the row may change under it)."""

    id: int
    public_id: str
    form_id: str
    key: str | None  # the visitor's idempotency key
    fields: dict[str, Any]
    received_at: datetime
    page_url: str | None
    referrer: str | None
    user_agent: str | None
    address: str | None


class Destination(Protocol):
    batch_size: int
    parallel: int

    def order_key(self, lead: Lead) -> str:
        """Leads with the same key are sent one after another, in arrival order."""
        ...

    async def send(self, leads: Sequence[Lead]) -> list[RecordResult]: ...


def fingerprint(form: Form) -> str:
    """Changes whenever the form's destination does (a fixed secret, another form id): a replay
    stopped by a refusal tries again then."""
    return hashlib.sha256(form.destination.model_dump_json().encode()).hexdigest()[:16]


class Destinations:
    """One destination per form, and one client per platform account, kept between passes: the
    Marketo token is reused, and forms writing to one instance share its pacing."""

    def __init__(self, network: Network, clock: Clock) -> None:
        self.network, self.clock = network, clock
        self._clients: dict[tuple[str, ...], Any] = {}

    def client(self, key: tuple[str, ...], make: Any) -> Any:
        if key not in self._clients:
            self._clients[key] = make()
        return self._clients[key]

    def for_form(self, form: Form) -> Destination:
        from standby.leads.replay import hubspot, marketo, webhook

        destination = form.destination
        if destination.marketo is not None:
            return marketo.for_form(self, destination.marketo)
        if destination.hubspot is not None:
            return hubspot.for_form(self, destination.hubspot)
        assert destination.webhook is not None
        return webhook.WebhookDestination(self, destination.webhook, form.id)
