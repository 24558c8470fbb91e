from typing import Any

from django.core.management.base import BaseCommand

from apps.lov.services import lov_defaults_sync_all


class Command(BaseCommand):
    help = (
        "Synchronise every list's lov_defaults with the database: add new defaults, update changed value "
        "types in place, retire removed ones. The values live in the public schema, shared by every tenant "
        "schema, so one pass serves all tenants. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for report in lov_defaults_sync_all():
            style = self.style.SUCCESS if report.unchanged else self.style.WARNING
            for line in report.lines():
                self.stdout.write(style(line) if "clash" not in line else self.style.ERROR(line))
