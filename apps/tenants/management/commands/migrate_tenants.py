from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Apply migrations to every provisioned tenant's schema. Unlike `migrate_schemas --tenant`, tenants that "
        "are queued, being built or failed (with no complete schema) are skipped instead of stopping the deploy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verbosity-migrate", type=int, default=1, help="Verbosity of each schema's migrate.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Tenant.objects.filter(state=Tenant.State.READY).exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        skipped = Tenant.objects.exclude(state=Tenant.State.READY).values_list("schema_name", flat=True)
        for schema in skipped:
            self.stdout.write(self.style.WARNING(f"Skipping {schema}: not provisioned (re-create or delete it)."))
        schemas = list(tenants.values_list("schema_name", flat=True))
        for schema in schemas:
            call_command(
                "migrate_schemas", schema_name=schema, interactive=False, verbosity=options["verbosity_migrate"]
            )
        self.stdout.write(self.style.SUCCESS(f"Migrated {len(schemas)} tenant schema(s)."))
