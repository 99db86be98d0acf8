"""Every other channel (Slack, Teams, Telegram, ntfy, webhooks…) through Apprise, one URL per message.

The reason for a failure is in the log Apprise keeps for each call (its `AppriseResult`, Apprise 2):
those entries become the error text, with the URL masked wherever it appears.
"""

from __future__ import annotations

import apprise

from standby.channels.errors import DeliveryError
from standby.channels.models import Message
from standby.channels.redact import redact_url


class AppriseSender:
    def __init__(self) -> None:
        # In memory: Apprise would otherwise keep per-service state files in the user's directories.
        self._asset = apprise.AppriseAsset(storage_mode=apprise.PersistentStoreMode.MEMORY)

    def send(self, message: Message) -> None:
        shown = redact_url(message.address)
        notifier = apprise.Apprise(asset=self._asset)
        if not notifier.add(message.address):
            raise DeliveryError(
                f"Apprise cannot use {shown}: unknown service or malformed URL", permanent=True
            )
        result = notifier.notify(body=message.body, title=message.subject)
        if not result:
            reasons = [entry.message.replace(message.address, shown) for entry in result.logs()]
            raise DeliveryError(
                f"Apprise could not deliver to {shown}: {'; '.join(reasons) or 'no reason given'}"
            )
