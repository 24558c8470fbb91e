"""`manage.py mail_sink [--port 1025]`: the development SMTP server, keeping every message in MAIL_SINK_DIR."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.notifications.mail_sink import Keeper, sink_dir


class Command(BaseCommand):
    help = "Run a local SMTP server that keeps what it receives (development only: needs DEBUG and MAIL_SINK_DIR)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1025)
        parser.add_argument("--dir", default="", help="Where to keep messages (default: MAIL_SINK_DIR).")

    def handle(self, *args: Any, host: str, port: int, dir: str, **options: Any) -> None:
        folder = Path(dir) if dir else sink_dir()
        if folder is None:
            raise CommandError("The mail sink is for development: set MAIL_SINK_DIR and DEBUG, or pass --dir.")
        from aiosmtpd.controller import Controller  # a development requirement only

        controller = Controller(Keeper(folder), hostname=host, port=port)
        controller.start()
        self.stdout.write(f"SMTP sink on {host}:{port}, keeping messages in {folder}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
