from __future__ import annotations

from typing import Any

from tests import corpus_report

pytest_plugins = ["tests.peers.postgres", "tests.store.fixtures"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if corpus_report.RATES:
        terminalreporter.section("registry-data corpus pass rates")
        for line in corpus_report.lines():
            terminalreporter.write_line(line)
