"""One error per boundary, each carrying what its caller needs to say or decide."""

from __future__ import annotations


class StandbyError(Exception):
    """A problem the user can fix; the CLI prints the message (no traceback) and exits 1."""


class ProbeError(Exception):
    """A remote answered badly or not at all. Probes turn it into a finding; it never escapes them.

    `status` is what the finding should say: usually "unknown" (we could not tell).
    """

    def __init__(self, message: str, *, status: str = "unknown") -> None:
        super().__init__(message)
        self.status = status
