"""Email through the plan's SMTP relay (`settings.email`): STARTTLS or implicit TLS, AUTH when asked.

A 5xx reply is permanent (the relay will say the same next time: unknown mailbox, bad credentials);
4xx replies, refused connections, timeouts and TLS failures are retried by the outbox.
"""

from __future__ import annotations

import hashlib
import smtplib
import socket
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from standby.channels.errors import DeliveryError
from standby.channels.models import Message
from standby.core.errors import StandbyError
from standby.core.tls import trust_context
from standby.plan.model import Email, Settings


class EmailSender:
    def __init__(self, config: Email, *, timeout: timedelta, ca_bundle: Path | None = None) -> None:
        relay = urlsplit(config.smtp)
        if relay.scheme not in ("smtp", "smtps") or not relay.hostname:
            raise StandbyError(
                "settings.email.smtp: expected smtp://host[:port] or smtps://host[:port], "
                f"got {config.smtp!r}"
            )
        self._config = config
        self._implicit_tls = relay.scheme == "smtps"
        self._host = relay.hostname
        self._port = relay.port or (465 if self._implicit_tls else 25)
        self._timeout = timeout.total_seconds()
        self._tls = trust_context(ca_bundle)
        self.relay = f"{self._host}:{self._port}"

    @classmethod
    def from_settings(cls, settings: Settings) -> EmailSender | None:
        """The sender for the plan's relay, or None when the plan configures no email."""
        if settings.email is None:
            return None
        return cls(settings.email, timeout=settings.timeout, ca_bundle=settings.ca_bundle)

    def send(self, message: Message) -> None:
        mail = self._compose(message)
        try:
            with self._connect() as smtp:
                if self._config.starttls and not self._implicit_tls:
                    smtp.starttls(context=self._tls)
                if self._config.username:
                    smtp.login(self._config.username, self._config.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise self._replied(f"refused {message.address}", code, reply) from exc
        except smtplib.SMTPResponseException as exc:
            raise self._replied("answered", exc.smtp_code, exc.smtp_error) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"SMTP relay {self.relay}: {exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            reason = str(exc) or type(exc).__name__
            raise DeliveryError(f"could not deliver through SMTP relay {self.relay}: {reason}") from exc

    def _connect(self) -> smtplib.SMTP:
        # An explicit EHLO name: smtplib's default (getfqdn) can stall on a reverse DNS lookup.
        name = socket.gethostname()
        if self._implicit_tls:
            return smtplib.SMTP_SSL(
                self._host, self._port, local_hostname=name, timeout=self._timeout, context=self._tls
            )
        return smtplib.SMTP(self._host, self._port, local_hostname=name, timeout=self._timeout)

    def _replied(self, what: str, code: int, reply: bytes | str) -> DeliveryError:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
        return DeliveryError(f"SMTP relay {self.relay} {what}: {code} {text}", permanent=500 <= code < 600)

    def _compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self._config.from_
        mail["To"] = message.address
        mail["Subject"] = " ".join(message.subject.split())
        mail["Date"] = format_datetime(message.created_at)
        # The same message retried keeps its Message-ID, so a mailbox can fold a duplicate away.
        digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
        domain = parseaddr(self._config.from_)[1].rpartition("@")[2] or "standby.invalid"
        mail["Message-ID"] = f"<{digest}@{domain}>"
        mail.set_content(message.body)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        return mail
