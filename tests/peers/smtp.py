"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

It can be stopped and started again on the same port ("the relay was down for a while"), refuse
recipients with a chosen reply (`peer.reject = "550 5.1.1 no such mailbox"`), offer STARTTLS or speak
implicit TLS, and require AUTH. Like a busy relay it can take its time: `answer_after` seconds before
it answers the final dot (the message is already its own, and kept; sooner once `answer_when` is
set), or hold a client at RCPT TO until `release()` (`peer.at_rcpt` is set while one is held there).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None  # the AUTH user, if the client logged in


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpPeer:
    """`with SmtpPeer() as smtp: ...; smtp.url; smtp.received` (a list of `Received`)."""

    def __init__(
        self,
        *,
        starttls: ssl.SSLContext | None = None,
        implicit_tls: ssl.SSLContext | None = None,
        users: dict[str, str] | None = None,
    ) -> None:
        self.starttls = starttls
        self.implicit_tls = implicit_tls
        self.users = users
        self.port = free_port()
        self.received: list[Received] = []
        self.reject: str | None = None  # an SMTP reply to RCPT TO, e.g. "451 4.3.0 try again later"
        self.answer_after = 0.0  # seconds between receiving the final dot and answering it
        self.answer_when: threading.Event | None = (
            None  # answer as soon as this is set (answer_after: at most)
        )
        self.hold_rcpt = False  # keep clients waiting at RCPT TO until release()
        self.at_rcpt = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"{'smtps' if self.implicit_tls else 'smtp'}://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received]

    def release(self) -> None:
        self.hold_rcpt = False
        self._released.set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.hold_rcpt:
            self.at_rcpt.set()
            while not self._released.is_set():
                await asyncio.sleep(0.05)
        if self.reject:
            return self.reject
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if session.auth_data else None
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, login))
        deadline = asyncio.get_running_loop().time() + self.answer_after
        while asyncio.get_running_loop().time() < deadline:
            if self.answer_when is not None and self.answer_when.is_set():
                break
            await asyncio.sleep(0.02)
        return "250 Message accepted"

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (self.users or {}).get(data.login.decode()) == (
            data.password.decode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

    def start(self) -> SmtpPeer:
        kwargs: dict[str, Any] = {}
        if self.starttls:
            kwargs.update(tls_context=self.starttls, require_starttls=True)
        if self.implicit_tls:
            kwargs.update(ssl_context=self.implicit_tls)
        if self.users is not None:
            kwargs.update(authenticator=self._authenticate, auth_required=True)
            kwargs.update(auth_require_tls=bool(self.starttls or self.implicit_tls))
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
