import multiprocessing
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from apps.tenants.migration_state import schemas_behind
from apps.tenants.models import Tenant


def _migrate_one(job: tuple[str, int]) -> str:
    """Migrate one schema in a pool process (forked: it inherits the loaded apps, not the connection)."""
    schema, verbosity = job
    call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=verbosity)
    connection.close()
    return schema


class Command(BaseCommand):
    help = (
        "Apply migrations to the provisioned tenants' schemas that are behind the code: one query finds them, "
        "then they migrate in parallel. Unlike `migrate_schemas --tenant`, tenants that are queued, being built "
        "or failed (with no complete schema) are skipped instead of stopping the deploy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verbosity-migrate", type=int, default=1, help="Verbosity of each schema's migrate.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=getattr(settings, "TENANT_MIGRATION_JOBS", 4),
            help="Schemas migrated at once (each holds one database connection).",
        )
        parser.add_argument("--check", action="store_true", help="Only list the schemas behind; exit 1 if any.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        tenants = Tenant.objects.filter(state=Tenant.State.READY).exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        skipped = Tenant.objects.exclude(state=Tenant.State.READY).values_list("schema_name", flat=True)
        for schema in skipped:
            self.stdout.write(self.style.WARNING(f"Skipping {schema}: not provisioned (re-create or delete it)."))
        schemas = list(tenants.values_list("schema_name", flat=True))
        behind = schemas_behind(schemas)
        self.stdout.write(f"{len(behind)} of {len(schemas)} tenant schema(s) behind the code's migrations.")
        if options["check"]:
            for schema in behind:
                self.stdout.write(schema)
            if behind:
                raise SystemExit(1)
            return
        jobs = [(schema, options["verbosity_migrate"]) for schema in behind]
        if len(jobs) <= 1 or options["jobs"] <= 1:
            for job in jobs:
                _migrate_one(job)
        else:
            connection.close()  # a forked child must not share the parent's socket
            with multiprocessing.get_context("fork").Pool(min(options["jobs"], len(jobs))) as pool:
                for _ in pool.imap_unordered(_migrate_one, jobs):
                    pass
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Migrated {len(behind)} of {len(schemas)} tenant schema(s) in {elapsed:.1f} s.")
        )
