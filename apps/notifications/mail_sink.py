"""The development SMTP sink: an aiosmtpd server keeping each message it receives as a file, and their listing.

`make run` starts it (`manage.py mail_sink`) and points EMAIL_* at it; the console's "Outgoing mail" page lists
what it kept. Both need MAIL_SINK_DIR and DEBUG: production never sets the first and never runs with the second.
"""

from __future__ import annotations

import email.policy
import time
import uuid
from dataclasses import dataclass
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from django.conf import settings


def sink_dir() -> Path | None:
    """The folder the sink writes to, or None when the sink is off (no MAIL_SINK_DIR, or DEBUG off)."""
    folder = getattr(settings, "MAIL_SINK_DIR", "")
    if not folder or not settings.DEBUG:
        return None
    return Path(folder)


class Keeper:
    """The aiosmtpd handler: write each DATA to `<folder>/<time>-<uuid>.eml`, as received."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        partial = self.folder / f".{name}"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.folder / name)  # the page never reads a half-written file
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class CapturedMail:
    """One message the sink kept, for the Outgoing mail page."""

    name: str
    received_at: float
    to: str
    subject: str
    headers: list[tuple[str, str]]
    text: str
    html: str


def _parse(path: Path) -> CapturedMail:
    message = BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return CapturedMail(
        name=path.name,
        received_at=int(path.name.split("-", 1)[0]) / 1e9,
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        # Raw values: our Message-ID carries colons, which the parsed header would cut short.
        headers=[(name, " ".join(str(value).split())) for name, value in message.raw_items()],
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else "",
    )


def captured_mail(folder: Path) -> list[str]:
    """The names of the kept messages, newest first."""
    if not folder.is_dir():
        return []
    return sorted((path.name for path in folder.glob("*.eml")), reverse=True)


def captured_mail_load(folder: Path, names: list[str]) -> list[CapturedMail]:
    """Parse the kept messages `names` (one page of them)."""
    return [_parse(folder / name) for name in names if (folder / name).is_file()]
