"""Plan B end to end, on the real process (`standby serve`, SQLite, the real clock) against local
peers: Marketo's status page says it is down and its API answers 503; an incident opens and its
first internal message names the live fallback page; visitors sign up through the capture endpoint;
Marketo comes back — with a 606 storm and a token that expires mid-replay — and each lead arrives
there exactly once, as a form fill; the incident's timeline counts them."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select

from standby.cli import main
from standby.incidents.models import IncidentEvent
from standby.leads.models import Submission
from standby.store.db import make_engine, session_factory
from tests.engine.test_cli import eventually
from tests.engine.test_serve import standby
from tests.peers.marketo import MarketoFake
from tests.peers.smtp import SmtpPeer, free_port
from tests.peers.statuspage import StatuspagePeer

LEADS = 30


def plan(page: StatuspagePeer, mkto: MarketoFake, smtp: SmtpPeer, port: int) -> dict[str, object]:
    return {
        "version": 1,
        "organization": "Acme Corp",
        "settings": {
            "email": {"smtp": smtp.url, "from": "standby@acme-alerts.example", "starttls": False},
            "base_url": f"http://127.0.0.1:{port}",
            "alert_after": 1,
            "recover_after": 1,
            "timeout": "2s",
        },
        "people": [{"id": "dana", "name": "Dana Reyes", "email": "dana@acme-mail.example"}],
        "audiences": [{"id": "marketing", "members": ["dana"]}],
        "vendors": [
            {
                "id": "marketo",
                "name": "Marketo",
                "owner": "dana",
                "statuspage": page.url,
                "interval": "1s",
                "playbook": "marketo-down",
            }
        ],
        "fallback": {"rate_limit": {"posts": 100, "per": "1m"}},  # every visitor here is 127.0.0.1
        "playbooks": [{"id": "marketo-down", "audiences": ["marketing"], "plan_b": ["demo-request"]}],
        "forms": [
            {
                "id": "demo-request",
                "title": "Request a demo",
                "vendor": "marketo",
                "fields": [
                    {"name": "email", "label": "Work email", "type": "email"},
                    {"name": "firstName", "label": "First name", "required": True},
                ],
                "destination": {
                    "marketo": {
                        "munchkin_id": "123-ABC-456",
                        "client_id": mkto.client_id,
                        "client_secret": "${MKTO_SECRET}",
                        "base_url": mkto.url,
                        "form_id": 2187,
                    }
                },
            }
        ],
    }


def test_marketo_down_leads_captured_then_each_replayed_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, port = f"sqlite:///{tmp_path / 'standby.db'}", free_port()
    with StatuspagePeer("Marketo") as page, MarketoFake() as mkto, SmtpPeer() as smtp:
        mkto.db.forms[2187] = {"email", "firstName"}
        monkeypatch.setenv("MKTO_SECRET", mkto.client_secret)
        plan_file = tmp_path / "plan.yaml"
        plan_file.write_text(yaml.safe_dump(plan(page, mkto, smtp, port)))
        assert main(["db", "upgrade", "--db", url]) == 0
        page.indicator = "major"  # Marketo says it is down, and its API agrees
        mkto.down("503")
        database = make_engine(url)
        try:
            with standby("serve", str(plan_file), "--db", url, "--port", str(port)) as process:

                def told() -> bool:
                    assert process.poll() is None, process.communicate()[1]
                    return any("Plan B: these fallback pages are live" in _body(m) for m in smtp.messages)

                eventually(told, within=60)
                message = next(_body(m) for m in smtp.messages if "Plan B" in _body(m))
                assert f"Request a demo: http://127.0.0.1:{port}/p/demo-request" in message

                keys = [str(uuid.uuid4()) for _ in range(LEADS)]
                with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                    ids = [_post(client, n, key) for n, key in enumerate(keys)]
                    assert _post(client, 0, keys[0]) == ids[0]  # a browser's retry: the same lead
                assert len(set(ids)) == LEADS

                mkto.fail_next("606", 3)  # another integration spends the instance's budget
                mkto.expire_tokens_after(12)  # and the token runs out in the middle of the replay
                page.indicator = "none"
                mkto.up()

                eventually(lambda: len(mkto.db.form_fills) >= LEADS, within=120)
                sessions = session_factory(database)

                def tallied() -> bool:
                    with sessions() as session:  # a fresh snapshot each time
                        texts = session.scalars(
                            select(IncidentEvent.text).where(IncidentEvent.kind == "plan_b")
                        )
                        return f"Plan B: {LEADS} leads captured, {LEADS} delivered" in list(texts)

                eventually(tallied, within=60)
                with sessions() as session:
                    states = set(session.scalars(select(Submission.state)))
        finally:
            database.dispose()
    assert states == {"delivered"}
    assert len(mkto.db.form_fills) == LEADS and set(mkto.writes.values()) == {1} and len(mkto.writes) == LEADS
    assert mkto.answered["606"] == 3 and mkto.answered["602"] == 1 and mkto.answered["identity"] >= 2


def _post(client: httpx.Client, n: int, key: str) -> str:
    reply = client.post(
        "/f/demo-request",
        json={"email": f"lead{n}@example.com", "firstName": f"Lead {n}"},
        headers={"Idempotency-Key": key},
    )
    assert reply.status_code == 202, reply.text
    return str(reply.json()["id"])


def _body(message: object) -> str:
    return str(message.get_body(("plain",)).get_content())  # type: ignore[attr-defined]
