"""The sink: where a dry-run drill's messages go when the drill names no sink address. Delivered to
nobody, at once: the outbox records it as sent (so the drill's figures run on real delivery times),
and the log says so."""

from __future__ import annotations

import logging

from standby.channels.models import Message

log = logging.getLogger(__name__)


class SinkSender:
    def send(self, message: Message) -> None:
        log.info("dry-run drill message %s for %s kept, sent to nobody", message.id, message.recipient)
