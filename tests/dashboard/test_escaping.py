"""Nothing from the plan or the store reaches a page unescaped: an endpoint id, a person's name, a
finding's summary, an alert's timeline and a plan message carrying markup all render as text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from markupsafe import escape
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts import service
from standby.core.clock import ManualClock
from standby.engine.models import CheckState, FindingRecord, PlanLoad
from standby.plan.model import Plan
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.dashboard.seed import Seeded
from tests.dashboard.site import Dashboard
from tests.web.server import serving

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
EVIL = f"{SCRIPT} {IMG}"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ENDPOINT = f"endpoint:{SCRIPT}"

PLAN = Plan.model_validate(
    {
        "version": 1,
        "organization": f"Acme {IMG}",
        "people": [
            {"id": "mallory", "name": IMG, "email": "mallory@ops.example", "reports_to": "boss"},
            {"id": "boss", "name": SCRIPT, "notify": [f"json://user:pass@127.0.0.1:9/{SCRIPT}"]},
        ],
        "endpoints": [{"id": SCRIPT, "url": f"http://127.0.0.1:9/{IMG}", "owner": "mallory"}],
    }
)


def _store(session: Session) -> None:
    """What the engine would have written about a page whose answer carries markup."""
    details = {"status_code": 500, "latency_ms": 12, "final_url": f"http://127.0.0.1:9/{IMG}", "note": EVIL}
    session.add(
        CheckState(key=f"{ENDPOINT}|http", monitor=f"{ENDPOINT}/http", asset=ENDPOINT, kind="endpoint",
                   check="http", target=EVIL, owner="mallory", status="critical", since=NOW, observed="critical",
                   streak=0, summary=f"the page says {EVIL}", details=details, observed_at=NOW)
    )  # fmt: skip
    session.add(
        FindingRecord(asset=ENDPOINT, check="http", status="critical", summary=f"the page says {EVIL}",
                      details=details, observed_at=NOW)
    )  # fmt: skip
    session.add(
        PlanLoad(path=f"/plans/{IMG}.yaml", sha256="a" * 64, loaded_at=NOW, valid=True, messages=[EVIL])
    )
    service.open_alert(session, reason="check", asset=ENDPOINT, kind="endpoint", check="http", owner="mallory",
                       severity="critical", summary=f"the page says {EVIL}", since=NOW, plan=PLAN, now=NOW)  # fmt: skip


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Dashboard]:
    engine = make_engine(f"sqlite:///{tmp_path / 'standby.db'}")
    migrate.upgrade(engine)
    sessions: sessionmaker[Session] = session_factory(engine)
    with sessions.begin() as session:
        _store(session)
    dashboard = Dashboard(Seeded(sessions, PLAN, ManualClock(NOW)))
    with serving(dashboard.app) as base:
        dashboard.serve(base)
        yield dashboard
    engine.dispose()


@pytest.mark.parametrize("path", ["/", f"/assets/{quote(ENDPOINT, safe=':')}", "/alerts", "/people", "/plan"])
def test_markup_from_the_plan_and_the_store_renders_as_text(site: Dashboard, path: str) -> None:
    reply = site.sign_in().get(path)
    assert reply.status_code == 200, reply.text
    page = reply.text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert escape(SCRIPT) in page or escape(IMG) in page  # the page did show the text, escaped


def test_every_piece_of_the_asset_page_shows_the_text_escaped(site: Dashboard) -> None:
    page = site.sign_in().get(f"/assets/{quote(ENDPOINT, safe=':')}").text
    assert page.count(escape(f"the page says {EVIL}")) >= 3  # the summary, the check, the history
    assert escape(f"could not tell {IMG}") in page  # the alert's timeline names the person
    assert escape(EVIL) in page  # a detail
