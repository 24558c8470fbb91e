"""Provisioning by cloning the template schema gives what replaying the migrations gives; lagging schemas are found."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.tenants.migration_state import code_migrations, schema_migrations, schemas_behind
from apps.tenants.models import Tenant
from apps.tenants.services import OwnerAccount, _drop_schema, tenant_create, tenant_provision
from apps.tenants.template import TEMPLATE_SCHEMA, template_build, template_is_current

MIGRATED = "migrated_reference"


def _catalog(schema: str) -> dict[str, set[tuple[str, ...]]]:
    """Everything that makes up a schema's structure, with the schema's own name taken out of definitions."""
    queries = {
        "columns": "SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') "
        "FROM information_schema.columns WHERE table_schema = %(s)s",
        "sequences": "SELECT sequencename, data_type::text, start_value::text, increment_by::text "
        "FROM pg_sequences WHERE schemaname = %(s)s",
        "constraints": "SELECT c.conrelid::regclass::text, c.conname, c.contype::text, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %(s)s",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(s)s",
        "relations": "SELECT relname, relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %(s)s",
    }
    catalog = {}
    with connection.cursor() as cursor:
        # The search_path is the public schema's: every regclass and definition names its schema, replaced here.
        for name, sql in queries.items():
            cursor.execute(sql, {"s": schema})
            catalog[name] = {
                tuple(str(value).replace(f"{schema}.", "SCHEMA.") for value in row) for row in cursor.fetchall()
            }
    return catalog


@pytest.fixture
def template(committed_tenants: dict[str, Tenant]) -> Iterator[None]:
    """A built template and a schema migrated the slow way to compare with; both dropped afterwards."""
    template_build()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {MIGRATED}")
    call_command("migrate_schemas", schema_name=MIGRATED, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()
    for schema in (TEMPLATE_SCHEMA, MIGRATED, "clone_one", "clone_two"):
        _drop_schema(schema)


def test_tenants_cloned_from_the_template_equal_a_migrated_schema_and_get_their_seeds(template):
    assert template_is_current()
    reference = _catalog(MIGRATED)
    assert len(reference["relations"]) > 100 and reference["indexes"] and reference["sequences"]

    for subdomain in ("clone-one", "clone-two"):
        messages: list[str] = []
        tenant = tenant_create(name=subdomain.title(), subdomain=subdomain)
        owner = OwnerAccount(username=f"{subdomain}-owner", email="", password_hash="!unusable")
        tenant_provision(tenant, owner=owner, on_progress=lambda _, message, seen=messages: seen.append(message))

        schema = tenant.schema_name
        assert "Copied the template schema" in messages
        assert not any(message.startswith("Applying migrations") for message in messages)
        assert Tenant.objects.get(pk=tenant.pk).state == Tenant.State.READY
        assert _catalog(schema) == reference
        assert schema_migrations(schema) == schema_migrations(MIGRATED) == set(code_migrations())
        # The tenant_ready receivers ran on the clone: the owner exists, and the rows differ from the template's.
        with schema_context(schema):
            assert Profile.objects.get(user__username=owner.username).role == Profile.Role.OWNER
    assert schemas_behind(["clone_one", "clone_two", MIGRATED]) == []


def test_a_schema_missing_a_leaf_migration_is_behind_and_migrate_tenants_migrates_only_it(template, capsys):
    tenant = tenant_provision(tenant_create(name="Clone One", subdomain="clone-one"))
    with connection.cursor() as cursor:
        # A shared app's migration: its operations are skipped in a tenant schema, so migrating again only records it.
        cursor.execute("DELETE FROM clone_one.django_migrations WHERE app = 'livesettings'")

    assert schemas_behind(["acme", "globex", "clone_one", "no_such_schema"]) == ["clone_one", "no_such_schema"]
    call_command("migrate_tenants", verbosity_migrate=0)

    assert "Migrated 1 of 3 tenant schema(s)" in capsys.readouterr().out
    assert schemas_behind([tenant.schema_name]) == []
