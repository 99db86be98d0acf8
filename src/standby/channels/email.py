"""Email through the plan's SMTP relay (`settings.email`): STARTTLS or implicit TLS, AUTH when asked.

A 5xx reply is permanent (the relay will say the same next time: unknown mailbox, bad credentials);
4xx replies, refused connections, timeouts and TLS failures are retried by the outbox.

The end of the message (the final dot) is the point of no return: a relay that accepts a message
takes responsibility for it before it answers, and RFC 5321 §4.5.3.2.6 gives it 10 minutes to answer.
So every step before it has `settings.timeout`, and the reply to the dot is awaited for
`accept_timeout` (10 minutes unless the plan says otherwise); if the answer is lost anyway (the
connection cut, the wait exhausted), the outcome is unknown, never "failed": the outbox does not send
it again before that window has passed, and the same Message-ID lets a mailbox fold a duplicate away.
"""

from __future__ import annotations

import hashlib
import smtplib
import socket
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from standby.channels.errors import TAKEN_OVER, DeliveryError
from standby.channels.models import Message
from standby.channels.sender import Handover
from standby.core.errors import StandbyError
from standby.core.tls import trust_context
from standby.plan.model import Email, Settings

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class _Smtp(smtplib.SMTP):
    """smtplib's client with a point of no return: `data()` sends the message and its final dot in
    one `send()`; just before that send, `handover()` is asked, and the reply to the dot is awaited
    for `accept_timeout` rather than the command timeout. (smtplib serialises the message, dot-stuffs
    it and negotiates SMTPUTF8; only the moment of the dot needs hooking.)"""

    handover: Handover | None = None
    accept_timeout: float = 600.0
    handed = False  # the final dot was (being) sent: from here on a lost answer is an unknown outcome
    data_started = False  # stopped after this and before the dot: drop the connection, never QUIT
    _in_data = False

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        self._in_data = self.data_started = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False
            if self.sock is not None:
                self.sock.settimeout(self.timeout)  # QUIT and anything after: the command timeout

    def send(self, s: ReadableBuffer | str) -> None:
        if self._in_data and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            if self.handover is not None and not self.handover():
                raise _TakenOver
            self.handed = True
            super().send(s)
            if self.sock is not None:
                self.sock.settimeout(self.accept_timeout)
            return
        super().send(s)


class _SmtpSsl(_Smtp, smtplib.SMTP_SSL):
    pass


class _TakenOver(Exception):
    pass


class EmailSender:
    def __init__(
        self,
        config: Email,
        *,
        timeout: timedelta,
        ca_bundle: Path | None = None,
    ) -> None:
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
        self.window = config.accept_timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> EmailSender | None:
        """The sender for the plan's relay, or None when the plan configures no email."""
        if settings.email is None:
            return None
        return cls(settings.email, timeout=settings.timeout, ca_bundle=settings.ca_bundle)

    def send(self, message: Message, handover: Handover) -> None:
        mail = self._compose(message)
        smtp: _Smtp | None = None
        try:
            smtp = self._connect()
            smtp.handover, smtp.accept_timeout = handover, self.window.total_seconds()
            if self._config.starttls and not self._implicit_tls:
                smtp.starttls(context=self._tls)
            if self._config.username:
                smtp.login(self._config.username, self._config.password or "")
            smtp.send_message(mail)
        except _TakenOver:
            raise DeliveryError(TAKEN_OVER) from None
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise self._replied(f"refused {message.address}", code, reply) from exc
        except smtplib.SMTPResponseException as exc:
            raise self._replied("answered", exc.smtp_code, exc.smtp_error) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"SMTP relay {self.relay}: {exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            reason = str(exc) or type(exc).__name__
            if smtp is not None and smtp.handed:
                raise DeliveryError(
                    f"outcome unknown: SMTP relay {self.relay} was handed the message but its answer "
                    f"never came ({reason}); it may have been delivered",
                    unknown=True,
                ) from exc
            raise DeliveryError(f"could not deliver through SMTP relay {self.relay}: {reason}") from exc
        finally:
            if smtp is not None:
                _close(smtp, polite=smtp.handed or not smtp.data_started)

    def _connect(self) -> _Smtp:
        # An explicit EHLO name: smtplib's default (getfqdn) can stall on a reverse DNS lookup.
        name = socket.gethostname()
        if self._implicit_tls:
            return _SmtpSsl(
                self._host, self._port, local_hostname=name, timeout=self._timeout, context=self._tls
            )
        return _Smtp(self._host, self._port, local_hostname=name, timeout=self._timeout)

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


def _close(smtp: _Smtp, *, polite: bool) -> None:
    """QUIT, whatever it answers (an accepted message is the relay's now), unless the send stopped
    inside DATA: then just drop the connection, and the relay discards a message whose dot never came."""
    try:
        if polite:
            smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()
