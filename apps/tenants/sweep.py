"""Periodic work that does not grow with the number of tenants: one statement finds the schemas with work.

Visiting every schema each minute costs a few statements per tenant: at 10,000 tenants most of the minute,
for schemas that almost never have anything to do. `schemas_with_rows` asks all of them at once (an EXISTS per
schema, answered from the table's index, in one UNION ALL per BATCH schemas), so a sweep visits only the schemas
that have due rows.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection

from apps.tenants.models import Tenant

BATCH = 2000


def ready_tenant_schemas() -> list[str]:
    """Return the schema names of the ready, active tenants (the ones periodic work serves)."""
    tenants = Tenant.objects.filter(state=Tenant.State.READY, is_active=True).exclude(
        schema_name=settings.PUBLIC_SCHEMA_NAME
    )
    return list(tenants.order_by("schema_name").values_list("schema_name", flat=True))


def schemas_with_rows(schemas: Iterable[str], table: str, where: str, params: Sequence[Any] = ()) -> list[str]:
    """Return those of `schemas` whose `table` has a row matching `where` (SQL with %s placeholders for `params`).

    `table` and `where` are code, never input: they are pasted into the statement once per schema.
    """
    names = list(schemas)
    found: list[str] = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(names), BATCH):
            chunk = names[start : start + BATCH]
            branches = " UNION ALL ".join(
                f"SELECT %s::text WHERE EXISTS (SELECT 1 FROM {quote(schema)}.{quote(table)} WHERE {where})"
                for schema in chunk
            )
            arguments: list[Any] = []
            for schema in chunk:
                arguments.extend([schema, *params])
            cursor.execute(branches, arguments)
            found.extend(row[0] for row in cursor.fetchall())
    return found
