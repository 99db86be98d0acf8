"""`standby notify test PERSON|AUDIENCE`: a test through every channel of each person, delivered to a
real SMTP server and a real webhook, and what failed said plainly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from standby.cli import main
from tests.peers.smtp import SmtpPeer, free_port
from tests.peers.webhook import WebhookPeer


@pytest.fixture
def peers() -> Iterator[tuple[SmtpPeer, WebhookPeer]]:
    with SmtpPeer() as smtp, WebhookPeer() as hook:
        yield smtp, hook


def _plan(tmp_path: Path, smtp: SmtpPeer, hook: WebhookPeer) -> Path:
    dead = f"json://127.0.0.1:{free_port()}/hook"  # nothing listens there
    data: dict[str, Any] = {
        "version": 1,
        "organization": "Acme",
        "settings": {
            "email": {"smtp": smtp.url, "from": "standby@acme-alerts.example", "starttls": False},
            "timeout": "2s",
        },
        "people": [
            {"id": "dana", "name": "Dana Reyes", "email": "dana@acme.example", "notify": [hook.apprise_url]},
            {"id": "lee", "name": "Lee Park", "email": "lee@acme.example", "notify": [dead]},
            {"id": "kim", "name": "Kim Chen"},
        ],
        "audiences": [{"id": "marketing", "members": ["dana", "lee", "kim"]}],
    }
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_every_channel_of_a_person_gets_one_test(
    peers: tuple[SmtpPeer, WebhookPeer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smtp, hook = peers
    assert main(["notify", "test", "dana", "--plan", str(_plan(tmp_path, smtp, hook))]) == 0
    out = capsys.readouterr().out
    assert "Dana Reyes: email dana@acme.example: delivered" in out and "2 of 2 ways delivered." in out
    assert [str(m["Subject"]) for m in smtp.messages] == ["[Standby test] Can you read this, Dana Reyes?"]
    assert len(hook.posted) == 1


def test_an_audience_test_says_who_could_not_be_reached_and_why(
    peers: tuple[SmtpPeer, WebhookPeer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smtp, hook = peers
    assert main(["notify", "test", "marketing", "--plan", str(_plan(tmp_path, smtp, hook))]) == 2
    out = capsys.readouterr().out
    assert "Lee Park: email lee@acme.example: delivered" in out
    assert "Lee Park: apprise json://127.0.0.1" in out and "NOT delivered: Apprise could not deliver" in out
    assert "Kim Chen: - -: NOT delivered: has no email address and no notify URL in the plan" in out
    assert "3 of 5 ways delivered." in out
    assert sorted(str(m["To"]) for m in smtp.messages) == ["dana@acme.example", "lee@acme.example"]


def test_an_unknown_name_is_a_user_error_with_a_suggestion(
    peers: tuple[SmtpPeer, WebhookPeer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smtp, hook = peers
    assert main(["notify", "test", "dnaa", "--plan", str(_plan(tmp_path, smtp, hook))]) == 1
    assert "did you mean 'dana'" in capsys.readouterr().err
