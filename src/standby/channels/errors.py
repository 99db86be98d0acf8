"""The one error a channel raises, saying whether trying again could help and whether the message may
have arrived anyway."""

from __future__ import annotations


class DeliveryError(Exception):
    """A message was not confirmed as delivered.

    `permanent` is decided where the fact is known (an SMTP 5xx reply, an unusable Apprise URL): the
    outbox stops retrying a permanent error and shows it; anything else is retried with backoff.
    `unknown` means the message had been handed over (the final dot sent, the request made) when the
    answer was lost: it may have been delivered, so it is not sent again before the far end's window
    has passed (docs/delivery.md). The message text must never contain a secret (passwords, tokens in
    Apprise URLs).
    """

    def __init__(self, message: str, *, permanent: bool = False, unknown: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.unknown = unknown


TAKEN_OVER = "another worker took the message over before it was handed over; that worker sends it"
