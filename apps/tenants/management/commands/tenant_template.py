from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.tenants.template import TEMPLATE_SCHEMA, template_build, template_is_current


class Command(BaseCommand):
    help = (
        f"Create or rebuild the template schema ({TEMPLATE_SCHEMA}) new tenants are cloned from, when it is missing "
        "or behind the code's migrations. Run after the migrations of a deploy; needs pg_dump."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Rebuild even when the template is current.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["force"] and template_is_current():
            self.stdout.write(self.style.SUCCESS(f"The template schema {TEMPLATE_SCHEMA} is current."))
            return
        size = template_build(on_line=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the template schema {TEMPLATE_SCHEMA} ({size} bytes of SQL)."))
