"""Every other channel (Slack, Teams, Telegram, ntfy, webhooks…) through Apprise, one URL per message.

The reason for a failure is in the log Apprise keeps for each call (its `AppriseResult`, Apprise 2):
those entries become the error text, with the URL masked wherever it appears.
"""

from __future__ import annotations

from datetime import timedelta

import apprise

from standby.channels.errors import TAKEN_OVER, DeliveryError
from standby.channels.models import Message
from standby.channels.redact import redact_url
from standby.channels.sender import Handover


class AppriseSender:
    # A service may still act on a request whose answer was lost for as long as Apprise waits on it
    # (seconds, with its own retries): a minute is ample before such a message is sent again.
    window = timedelta(minutes=1)

    def __init__(self) -> None:
        # In memory: Apprise would otherwise keep per-service state files in the user's directories.
        self._asset = apprise.AppriseAsset(storage_mode=apprise.PersistentStoreMode.MEMORY)

    def send(self, message: Message, handover: Handover) -> None:
        shown = redact_url(message.address)
        notifier = apprise.Apprise(asset=self._asset)
        if not notifier.add(message.address):
            raise DeliveryError(
                f"Apprise cannot use {shown}: unknown service or malformed URL", permanent=True
            )
        if not handover():
            raise DeliveryError(TAKEN_OVER)
        # Apprise says only whether the service confirmed. An unconfirmed call counts as not
        # delivered, as before: most services refuse before acting (HTTP 4xx/5xx, a refused
        # connection), and a rare lost answer leaves at worst a chat message twice.
        result = notifier.notify(body=message.body, title=message.subject)
        if not result:
            reasons = [entry.message.replace(message.address, shown) for entry in result.logs()]
            raise DeliveryError(
                f"Apprise could not deliver to {shown}: {'; '.join(reasons) or 'no reason given'}"
            )
