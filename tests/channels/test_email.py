from __future__ import annotations

import ssl
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import trustme

from standby.channels.email import EmailSender
from standby.channels.errors import DeliveryError
from standby.channels.models import Message
from standby.core.errors import StandbyError
from tests.channels.conftest import T0, email_config
from tests.peers.smtp import SmtpPeer, free_port

TIMEOUT = timedelta(seconds=2)


def handed_over() -> bool:
    """The outbox's answer at the point of no return: this sender still holds the message."""
    return True


def message(to: str = "dana@acme.example", html: str | None = None) -> Message:
    return Message(
        idempotency_key="alert:42/step:0/dana/email",
        topic="alert:42",
        channel="email",
        address=to,
        subject="[critical] demo-page is down",
        body="https://go.acme.example/demo answers 503 since 09:00 UTC.\nOwner: Dana Reyes.",
        html=html,
        created_at=T0,
    )


@pytest.fixture
def tls(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for 127.0.0.1 from a private CA, and that CA as a bundle file."""
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return server, bundle


def test_it_delivers_the_subject_body_and_sender_to_the_relay(
    smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    email_sender.send(message(html="<p>demo-page is <b>down</b></p>"), handed_over)
    [received] = smtp.received
    assert received.rcpt_tos == ["dana@acme.example"]
    assert received.mail_from == "standby@acme.example"
    mail = received.message
    assert mail["From"] == "Standby <standby@acme.example>"
    assert mail["To"] == "dana@acme.example"
    assert mail["Subject"] == "[critical] demo-page is down"
    assert parsedate_to_datetime(mail["Date"]) == T0
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and "answers 503 since 09:00 UTC" in text.get_content()
    assert html is not None and "<b>down</b>" in html.get_content()


def test_a_message_sent_twice_keeps_its_message_id_so_mailboxes_can_fold_the_duplicate(
    smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    email_sender.send(message(), handed_over)
    email_sender.send(message(), handed_over)
    first, second = (m["Message-ID"] for m in smtp.messages)
    assert first == second
    assert first.endswith("@acme.example>")


def test_it_upgrades_to_tls_and_logs_in_when_the_plan_gives_a_username(
    tls: tuple[ssl.SSLContext, Path],
) -> None:
    server, bundle = tls
    with SmtpPeer(starttls=server, users={"standby": "s3cret"}) as peer:
        config = email_config(peer.url, starttls=True, username="standby", password="s3cret")
        EmailSender(config, timeout=TIMEOUT, ca_bundle=bundle).send(message(), handed_over)
    [received] = peer.received
    assert received.login == "standby"


def test_it_speaks_tls_from_the_first_byte_to_an_smtps_relay(tls: tuple[ssl.SSLContext, Path]) -> None:
    server, bundle = tls
    with SmtpPeer(implicit_tls=server) as peer:
        assert peer.url.startswith("smtps://")
        EmailSender(email_config(peer.url), timeout=TIMEOUT, ca_bundle=bundle).send(message(), handed_over)
    assert len(peer.received) == 1


def test_a_relay_with_an_untrusted_certificate_is_retried_not_trusted(
    tls: tuple[ssl.SSLContext, Path],
) -> None:
    server, _ = tls
    with SmtpPeer(starttls=server) as peer:
        sender = EmailSender(email_config(peer.url, starttls=True), timeout=TIMEOUT)
        with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED") as caught:
            sender.send(message(), handed_over)
    assert not caught.value.permanent
    assert peer.received == []


def test_wrong_credentials_are_a_permanent_error(tls: tuple[ssl.SSLContext, Path]) -> None:
    server, bundle = tls
    with SmtpPeer(starttls=server, users={"standby": "s3cret"}) as peer:
        config = email_config(peer.url, starttls=True, username="standby", password="wrong")
        with pytest.raises(DeliveryError, match="535") as caught:
            EmailSender(config, timeout=TIMEOUT, ca_bundle=bundle).send(message(), handed_over)
    assert caught.value.permanent
    assert "wrong" not in str(caught.value)


def test_a_relay_without_starttls_is_refused_when_the_plan_asks_for_it(smtp: SmtpPeer) -> None:
    sender = EmailSender(email_config(smtp.url, starttls=True), timeout=TIMEOUT)
    with pytest.raises(DeliveryError, match="STARTTLS") as caught:
        sender.send(message(), handed_over)
    assert caught.value.permanent
    assert smtp.received == []


@pytest.mark.parametrize(
    ("reply", "permanent"),
    [("550 5.1.1 mailbox unavailable", True), ("451 4.3.0 try again later", False)],
)
def test_a_5xx_refusal_is_permanent_and_a_4xx_is_worth_retrying(
    smtp: SmtpPeer, email_sender: EmailSender, reply: str, permanent: bool
) -> None:
    smtp.reject = reply
    with pytest.raises(DeliveryError) as caught:
        email_sender.send(message(to="nobody@acme.example"), handed_over)
    assert caught.value.permanent is permanent
    assert str(caught.value) == f"SMTP relay 127.0.0.1:{smtp.port} refused nobody@acme.example: {reply}"


def test_a_relay_that_is_down_is_worth_retrying() -> None:
    sender = EmailSender(email_config(f"smtp://127.0.0.1:{free_port()}"), timeout=TIMEOUT)
    with pytest.raises(DeliveryError, match="could not deliver through SMTP relay") as caught:
        sender.send(message(), handed_over)
    assert not caught.value.permanent


def test_an_smtp_url_it_cannot_use_is_a_plan_error() -> None:
    with pytest.raises(StandbyError, match=r"expected smtp://host\[:port\]"):
        EmailSender(email_config("http://relay.acme.example"), timeout=TIMEOUT)
