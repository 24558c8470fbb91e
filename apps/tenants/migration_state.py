"""Which tenant schemas are behind the code's migrations, found with one SQL statement across schemas.

Running `migrate_schemas` on a schema that is up to date still loads the migration graph and checks every app:
about 0.4 s per schema, an hour at 10,000 tenants. Comparing each schema's django_migrations with the graph's
leaf nodes in SQL costs milliseconds per thousand schemas, so a deploy migrates only the schemas that need it.
"""

from collections.abc import Iterable
from functools import lru_cache

from django.db import connection
from django.db.migrations.loader import MigrationLoader

# Schemas per statement: one UNION ALL branch each; a few thousand keep the statement's planning time small.
BATCH = 2000


@lru_cache(maxsize=1)
def code_leaf_migrations() -> tuple[str, ...]:
    """Return the code's leaf migrations as "app.name", the ones a fully migrated schema has recorded.

    Every app's migrations are recorded in a tenant schema (the router skips the operations of shared-only apps,
    not their rows), so the leaves of the whole graph are what `migrate` would bring a schema to.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    return tuple(sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes()))


@lru_cache(maxsize=1)
def code_migrations() -> frozenset[tuple[str, str]]:
    """Return every migration on disk as (app, name): what a freshly migrated schema records."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    return frozenset(loader.graph.nodes)


def schemas_behind(schemas: Iterable[str], leaves: Iterable[str] | None = None) -> list[str]:
    """Return those of `schemas` whose django_migrations lacks one of the code's leaf migrations (or the table).

    One statement per BATCH schemas: each branch asks its schema's django_migrations whether a leaf is missing.
    """
    wanted = list(leaves if leaves is not None else code_leaf_migrations())
    names = list(schemas)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND nspname = ANY(%s)",
            [names],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        behind = [name for name in names if name not in with_table]
        present = [name for name in names if name in with_table]
        quote = connection.ops.quote_name
        for start in range(0, len(present), BATCH):
            chunk = present[start : start + BATCH]
            branches = " UNION ALL ".join(
                f"SELECT %s::text WHERE EXISTS (SELECT 1 FROM leaves WHERE leaf NOT IN "
                f"(SELECT app || '.' || name FROM {quote(schema)}.django_migrations))"
                for schema in chunk
            )
            cursor.execute(f"WITH leaves(leaf) AS (SELECT unnest(%s::text[])) {branches}", [wanted, *chunk])
            behind.extend(row[0] for row in cursor.fetchall())
    return sorted(behind)


def schema_migrations(schema: str) -> set[tuple[str, str]]:
    """Return the (app, name) rows of `schema`'s django_migrations."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {connection.ops.quote_name(schema)}.django_migrations")
        return {(app, name) for app, name in cursor.fetchall()}
