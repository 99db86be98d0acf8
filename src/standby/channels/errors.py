"""The one error a channel raises, saying whether trying again could help."""

from __future__ import annotations


class DeliveryError(Exception):
    """A message was not delivered.

    `permanent` is decided where the fact is known (an SMTP 5xx reply, an unusable Apprise URL): the
    outbox stops retrying a permanent error and shows it; anything else is retried with backoff.
    The message text must never contain a secret (passwords, tokens in Apprise URLs).
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
