from __future__ import annotations

import pytest

from standby.channels.models import Message
from standby.channels.redact import redact_url


@pytest.mark.parametrize(
    ("url", "secret", "shown"),
    [
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#ops", "TIiajkdnlazkcOXrIdevi7FQ", "slack://"),
        (
            "json://standby:hunter2@hooks.acme.example/alerts",
            "hunter2",
            "json://standby:****@hooks.acme.example",
        ),
        (
            "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-100123",
            "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            "tgram://",
        ),
        ("bogus://hunter2@somewhere/x", "hunter2", "bogus://…"),
    ],
)
def test_an_apprise_url_is_never_shown_with_its_secret(url: str, secret: str, shown: str) -> None:
    redacted = redact_url(url)
    assert secret not in redacted
    assert redacted.startswith(shown)


def test_a_message_shows_an_email_address_but_only_a_redacted_apprise_url() -> None:
    email = Message(id=1, topic="alert:1", channel="email", address="dana@acme.example", state="pending")
    hook = Message(id=2, topic="alert:1", channel="apprise", address="json://u:hunter2@h/x", state="pending")
    assert "dana@acme.example" in repr(email)
    assert "hunter2" not in repr(hook)
    assert hook.shown_address == "json://u:****@h/x"
