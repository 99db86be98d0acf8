"""What every channel is to the outbox: something that sends one message or says why it could not.

A send has a point of no return — the final dot of an email, the request of a webhook — after which
the far end may deliver the message even if its answer never comes back. Just before it, the channel
calls `handover()`: the outbox records the moment (committed, so a crash after it is known to be
one) and says whether this sender still holds the message; on False the channel must stop without
passing that point (another worker has taken the message over).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from standby.channels.models import Message

Handover = Callable[[], bool]


class Sender(Protocol):
    @property
    def window(self) -> timedelta:
        """How long after the handover the far end may still be finishing a message whose answer was
        lost: it is not sent again before then."""
        ...

    def send(self, message: Message, handover: Handover) -> None:
        """Deliver `message` to `message.address`, blocking; raise DeliveryError when it was not
        confirmed. Call `handover()` just before the point of no return, and stop if it is False."""
        ...
