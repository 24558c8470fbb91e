"""The test tenants: create them once per session, bring back their rows after a flush, empty their schemas."""

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_exists

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
    """Delete every row that tests committed in the test tenants' schemas."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for schema in TEST_TENANTS:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND NOT (tablename = ANY(%s))",
                [schema, list(KEPT_TABLES)],
            )
            tables = [f"{quote(schema)}.{quote(name)}" for (name,) in cursor.fetchall()]
            if tables:
                cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    connection.set_schema_to_public()
