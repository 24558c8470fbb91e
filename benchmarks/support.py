"""Set-up the notification and delivery benchmarks share: their own database and one provisioned tenant.

Imported after the benchmark has put its environment (DATABASE_URL, settings module) in place; Django is
imported inside the functions, so importing this module sets nothing up.
"""

import os


def database_ensure() -> None:
    """Create the database of DATABASE_URL if it does not exist yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    with psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def bench_tenant_ensure(schema: str) -> None:
    """Migrate the shared apps, then create and provision the tenant `schema` if needed, and migrate it."""
    from django.core.management import call_command

    from apps.tenants.models import Tenant
    from apps.tenants.services import public_tenant_ensure, tenant_create, tenant_provision

    call_command("migrate_schemas", shared=True, verbosity=0)
    public_tenant_ensure()
    tenant = Tenant.objects.filter(schema_name=schema).first()
    if tenant is None:
        tenant = tenant_create(name="Bench", subdomain=schema)
    if tenant.state != Tenant.State.READY:
        tenant_provision(tenant)
    call_command("migrate_schemas", schema_name=schema, verbosity=0)  # a kept database after new migrations
