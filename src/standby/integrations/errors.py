"""The three ways a platform call can fail, as far as the caller needs to know.

- `PlatformDown`: unreachable, 5xx, a transient error code, or throttled past our bounded retries.
  Nothing was acknowledged; try again later (the platform is "still down").
- `PlatformRefused`: a permanent answer about the request itself — bad credentials, no access, an
  unknown form. Retrying cannot help; a person must fix the plan or the platform's settings.
- `QuotaReached`: the daily quota is used up; nothing more goes through before `until`.

Per-record refusals are not errors: they come back as `RecordResult(delivered=False, reason=...)`.
"""

from __future__ import annotations

from datetime import datetime


class PlatformError(Exception):
    """A call to an outside platform gave no answer for its records. The message is for people;
    `code` is the platform's own error code when it gave one (Marketo's "1029"), for callers that
    act on a particular one."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class PlatformDown(PlatformError):
    pass


class PlatformRefused(PlatformError):
    pass


class QuotaReached(PlatformError):
    def __init__(self, message: str, *, until: datetime) -> None:
        super().__init__(message)
        self.until = until
