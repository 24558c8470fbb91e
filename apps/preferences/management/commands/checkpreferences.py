"""`manage.py checkpreferences [--delete] [--tenant acme]`: find stored rows the code no longer explains.

Reports, per schema and scope, rows whose key is no longer declared (a removed preference), rows of a
deleted instance, and values that no longer decode (they read as the default until someone sets them
again). With --delete, removes the undeclared and orphaned rows (each deletion is recorded in history);
undecodable values are only reported, since their key still exists and an owner may want to fix them.
"""

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from apps.preferences.maintenance import ORPHANED, UNDECLARED, UNDECODABLE, stored_row_delete, stored_rows_check
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = "Report stored preferences whose key is no longer declared or whose value no longer decodes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--delete", action="store_true", help="Delete the rows whose key is no longer declared (and orphans)."
        )
        parser.add_argument("--tenant", help="Check only this tenant's schema (and not the public one).")

    def handle(self, *args: Any, delete: bool = False, tenant: str | None = None, **options: Any) -> None:
        schemas = self._schemas(tenant)
        found: Counter[str] = Counter()
        deleted = 0
        for schema in schemas:
            with schema_context(schema):
                for issue in stored_rows_check():
                    found[issue.problem] += 1
                    self.stdout.write(f"{schema}: {issue}")
                    if delete and issue.problem in (UNDECLARED, ORPHANED):
                        stored_row_delete(row=issue.row, source="command")
                        deleted += 1
        self.stdout.write(
            f"Checked {len(schemas)} schema(s): {found[UNDECLARED]} undeclared, {found[ORPHANED]} orphaned, "
            f"{found[UNDECODABLE]} undecodable."
        )
        if delete:
            self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} row(s)."))
        elif found[UNDECLARED] or found[ORPHANED]:
            self.stdout.write("Run with --delete to delete the undeclared and orphaned rows.")

    def _schemas(self, tenant: str | None) -> list[str]:
        """Return the schemas to check: public (site scope) then every ready tenant, or just one tenant."""
        ready = Tenant.objects.filter(state=Tenant.State.READY).exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        if tenant is not None:
            if not ready.filter(schema_name=tenant).exists():
                raise CommandError(f"No ready tenant {tenant!r}.")
            return [tenant]
        return [settings.PUBLIC_SCHEMA_NAME, *ready.order_by("schema_name").values_list("schema_name", flat=True)]
