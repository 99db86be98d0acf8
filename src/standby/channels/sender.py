"""What every channel is to the outbox: something that sends one message or says why it could not."""

from __future__ import annotations

from typing import Protocol

from standby.channels.models import Message


class Sender(Protocol):
    def send(self, message: Message) -> None:
        """Deliver `message` to `message.address`, blocking; raise DeliveryError when it was not."""
        ...
