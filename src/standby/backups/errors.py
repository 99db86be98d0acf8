"""How a backup command or run fails, as far as its caller needs to know: `problem` is a fact found
about the data (a checksum that does not match, counts that disagree: exit 1), otherwise the backup
could not run at all (the platform down or refusing, the target unreachable: exit 2)."""

from __future__ import annotations

from datetime import datetime

from standby.core.errors import StandbyError


class BackupFailed(StandbyError):
    def __init__(self, message: str, *, problem: bool = False, until: datetime | None = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.until = until  # a quota was reached: nothing more goes through before then

    @property
    def exit_code(self) -> int:
        return 1 if self.problem else 2
