"""The sink: where a dry-run drill's messages go when the drill names no sink address. Delivered to
nobody, at once: the outbox records it as sent (so the drill's figures run on real delivery times),
and the log says so."""

from __future__ import annotations

import logging
from datetime import timedelta

from standby.channels.errors import TAKEN_OVER, DeliveryError
from standby.channels.models import Message
from standby.channels.sender import Handover

log = logging.getLogger(__name__)


class SinkSender:
    window = timedelta(0)  # nothing is ever in flight at a far end

    def send(self, message: Message, handover: Handover) -> None:
        if not handover():
            raise DeliveryError(TAKEN_OVER)
        log.info("dry-run drill message %s for %s kept, sent to nobody", message.id, message.recipient)
