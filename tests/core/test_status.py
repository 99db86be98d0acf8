from __future__ import annotations

from standby.core.status import Status, worst


def test_the_worst_status_follows_the_nagios_order() -> None:
    assert worst([Status.OK, Status.WARNING]) is Status.WARNING
    assert worst([Status.WARNING, Status.UNKNOWN]) is Status.UNKNOWN
    assert worst([Status.UNKNOWN, Status.CRITICAL, Status.OK]) is Status.CRITICAL
    assert worst([]) is Status.OK


def test_exit_codes_are_the_nagios_convention() -> None:
    codes = {s: s.exit_code for s in Status}
    assert codes == {Status.OK: 0, Status.WARNING: 1, Status.CRITICAL: 2, Status.UNKNOWN: 3}
