"""A real SMTP server for tests: aiosmtpd on a free port of 127.0.0.1, keeping every message it receives.

    with SmtpSink() as sink:
        ... send mail to sink.host:sink.port ...
        [message] = sink.wait_for(1)
        message["To"], message["Subject"], message.get_content()

The `smtp_server` fixture (tests/conftest.py) starts one per test and points Django's EMAIL_* settings at it.
"""

import email.policy
import threading
import time
from email.message import EmailMessage
from email.parser import BytesParser
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.processes import free_port


class _Keeper:
    """The aiosmtpd handler: parse each DATA into an EmailMessage and keep it."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.connections = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=email.policy.default).parsebytes(envelope.original_content or envelope.content)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpSink:
    """Start with `with SmtpSink() as sink:` or `.start()` / `.stop()`."""

    def __init__(self, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self._keeper = _Keeper()
        self._controller = Controller(self._keeper, hostname=self.host, port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._keeper.lock:
            return list(self._keeper.messages)

    @property
    def connections(self) -> int:
        """How many SMTP sessions (EHLO) the server has seen: one per connection a sender opened."""
        with self._keeper.lock:
            return self._keeper.connections

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until at least `count` messages arrived; return them all (AssertionError after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.messages
            if len(received) >= count:
                return received
            time.sleep(0.02)
        raise AssertionError(f"expected {count} message(s) at the SMTP server, got {len(self.messages)}")

    def clear(self) -> None:
        with self._keeper.lock:
            self._keeper.messages.clear()
            self._keeper.envelopes.clear()

    def start(self) -> "SmtpSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
