"""The test tenants: create them once per session, bring back their rows after a flush, empty their schemas."""

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django_tenants.utils import schema_context, schema_exists

from apps.notifications.sync import notifications_sync
from apps.tenants.models import Domain, Tenant
from apps.tenants.services import public_tenant_ensure, tenant_create, tenant_provision

TEST_TENANTS = {"acme": "Acme Corporation", "globex": "Globex"}
# Tables a flush keeps: emptying them would lose the permissions that migrations created.
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def ensure_test_tenants() -> dict[str, Tenant]:
    """Return the test tenants, creating their schemas the first time and their rows after a flush."""
    connection.set_schema_to_public()
    public_tenant_ensure()
    tenants = {}
    for subdomain, name in TEST_TENANTS.items():
        tenant = Tenant.objects.filter(schema_name=subdomain).first()
        if tenant is None and schema_exists(subdomain):
            # A transactional test flushed the public tables; the schema and its tables are still there.
            tenant = Tenant.objects.create(schema_name=subdomain, name=name, state=Tenant.State.READY, progress=100)
            Domain.objects.create(tenant=tenant, domain=f"{subdomain}.{settings.PORTAL_BASE_DOMAIN}", is_primary=True)
        elif tenant is None:
            tenant = tenant_provision(tenant_create(name=name, subdomain=subdomain))
        tenants[subdomain] = tenant
    return tenants


def empty_tenant_schemas() -> None:
    """Delete every row that tests committed in the test tenants' schemas, then sync their notifications again."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY(%s) AND NOT (tablename = ANY(%s))",
            [list(TEST_TENANTS), list(KEPT_TABLES)],
        )
        filled = _tables_with_rows(cursor, [f"{quote(schema)}.{quote(name)}" for schema, name in cursor.fetchall()])
        if filled:
            cursor.execute(f"TRUNCATE {', '.join(filled)} RESTART IDENTITY CASCADE")
    for schema in TEST_TENANTS:
        # Provisioning synced the declared notifications; the truncation emptied them, and pages never sync.
        with schema_context(schema):
            notifications_sync()
    connection.set_schema_to_public()


def _tables_with_rows(cursor: CursorWrapper, tables: list[str]) -> list[str]:
    # TRUNCATE costs most of a second for ~60 tables even when they are empty; a test commits rows to a few,
    # so find those in one round trip and truncate only them.
    if not tables:
        return []
    cursor.execute(
        " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {table})" for i, table in enumerate(tables))
    )
    return [tables[index] for (index,) in cursor.fetchall()]
