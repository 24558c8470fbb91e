"""Provisioning by cloning the template schema gives what replaying the migrations gives; lagging schemas are found.

The template holds the rows migrations and their post_migrate receivers write (notification types and backends,
permissions), so a clone is provisioned without seeding them again, and a changed declaration makes it stale.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.lov.registry import lov_lists
from apps.lov.types import LOVValueType
from apps.notifications import sync
from apps.notifications.registry import Notification, registry
from apps.tenants.migration_state import code_migrations, schema_migrations, schemas_behind
from apps.tenants.models import Tenant
from apps.tenants.services import OwnerAccount, _drop_schema, tenant_create, tenant_provision
from apps.tenants.template import TEMPLATE_SCHEMA, template_build, template_is_current

# The tenant provisioned the slow way (no template: every migration, then the receivers), to compare with.
MIGRATED = "migrated_reference"
# Rows that make up a new tenant, by natural key (ids are left out: only what the rows say must match).
SEEDED_ROWS = {
    "migrations": "SELECT app, name FROM {s}.django_migrations",
    "content types": "SELECT app_label, model FROM {s}.django_content_type",
    "permissions": "SELECT t.app_label, t.model, p.codename, p.name FROM {s}.auth_permission p "
    "JOIN {s}.django_content_type t ON t.id = p.content_type_id",
    "backends": "SELECT name, display_name, is_active FROM {s}.notifications_backend",
    "notification types": "SELECT name, display_name, category, mandatory, required_permissions::text, is_active "
    "FROM {s}.notifications_notificationtype",
    "notification defaults": "SELECT t.name, b.name, d.default FROM {s}.notifications_notificationtypebackend d "
    "JOIN {s}.notifications_notificationtype t ON t.id = d.notification_type_id "
    "JOIN {s}.notifications_backend b ON b.id = d.backend_id",
    "owner": "SELECT p.role, p.must_change_password, u.is_active FROM {s}.accounts_profile p "
    "JOIN {s}.auth_user u ON u.id = p.user_id",
}


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


def _rows(schema: str) -> dict[str, set[tuple[object, ...]]]:
    """Every table's row count, and the seeded tables' rows by natural key."""
    rows: dict[str, set[tuple[object, ...]]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT count(*) FROM {schema}.{table}")
            rows[f"rows of {table}"] = {cursor.fetchone()}
        for name, sql in SEEDED_ROWS.items():
            cursor.execute(sql.format(s=schema))
            rows[name] = set(cursor.fetchall())
    return rows


@dataclass
class SyncSpy:
    """How often the notification sync ran (it is in-process: counted, not replaced)."""

    calls: list[str] = field(default_factory=list)


@pytest.fixture
def sync_spy(monkeypatch: pytest.MonkeyPatch) -> SyncSpy:
    spy = SyncSpy()
    real = sync.notifications_sync

    def counted() -> None:
        spy.calls.append(connection.schema_name)  # type: ignore[attr-defined]
        real()

    monkeypatch.setattr(sync, "notifications_sync", counted)
    return spy


def _owner(name: str) -> OwnerAccount:
    return OwnerAccount(username=f"{name}-owner", email="", password_hash="!unusable")


@pytest.fixture
def template(committed_tenants: dict[str, Tenant], sync_spy: SyncSpy) -> Iterator[None]:
    """A tenant provisioned the slow way (no template) to compare with, then a built template; dropped afterwards."""
    _drop_schema(TEMPLATE_SCHEMA)
    reference = tenant_create(name="Migrated Reference", subdomain="migrated-reference")
    tenant_provision(reference, owner=_owner("migrated-reference"))
    # Its migrations' post_migrate synced the notifications; tenant_ready's receiver did not sync them again.
    assert sync_spy.calls == [MIGRATED]
    template_build()
    sync_spy.calls.clear()
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()
    for schema in (TEMPLATE_SCHEMA, MIGRATED, "clone_one", "clone_two"):
        _drop_schema(schema)


@pytest.fixture
def declared_later() -> Iterator[Notification]:
    """A notification the template does not hold yet, as new code would declare before its deploy."""
    declaration = registry.register(Notification(name="declared_later", display_name="Declared later"))
    yield declaration
    registry.unregister("declared_later")


def test_tenants_cloned_from_the_template_equal_a_migrated_schema_and_get_their_seeds(template, sync_spy):
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
        # The template held the seeded rows: the same as the slow way's, with no seeding receiver writing them.
        assert _rows(schema) == _rows(MIGRATED)
    assert sync_spy.calls == []
    assert schemas_behind(["clone_one", "clone_two", MIGRATED]) == []


def test_a_clone_gets_every_default_of_the_lists(template):
    tenant = tenant_provision(tenant_create(name="Clone One", subdomain="clone-one"))

    with schema_context(tenant.schema_name):
        for item in lov_lists():
            declared = {
                name for name, spec in item.value_model.lov_defaults.items() if spec["value_type"] == "mandatory"
            }
            live = item.value_model.objects.filter(value_type=LOVValueType.MANDATORY, deleted__isnull=True)
            assert set(live.values_list("name", flat=True)) == declared


def test_provisioning_a_clone_of_a_current_template_writes_only_what_is_the_tenants_own(template, sync_spy):
    tenant = tenant_create(name="Clone One", subdomain="clone-one")

    with CaptureQueriesContext(connection) as queries:
        tenant_provision(tenant, owner=_owner("clone-one"))

    assert sync_spy.calls == []
    writes = [query["sql"] for query in queries if query["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    written = {sql.split('"')[1] for sql in writes}
    # The tenant row (state, progress), its audit entry, the owner; no notification or list rows.
    assert written == {"tenants_tenant", "tenants_tenantevent", "auth_user", "accounts_profile"}
    # The clone is one statement; the rest: progress and state updates, the lists checked (one read each), the owner.
    assert len(queries) <= 26


def test_a_changed_declaration_makes_the_template_stale_and_tenant_template_rebuilds_it(
    template, sync_spy, declared_later, capsys
):
    assert not template_is_current()
    # Until the deploy rebuilds it, a clone is seeded by the receiver: it does not miss the new notification.
    stale_clone = tenant_provision(tenant_create(name="Clone One", subdomain="clone-one"))
    assert sync_spy.calls == [stale_clone.schema_name]

    call_command("tenant_template")
    assert "Rebuilt the template schema" in capsys.readouterr().out
    assert template_is_current()
    sync_spy.calls.clear()
    fresh_clone = tenant_provision(tenant_create(name="Clone Two", subdomain="clone-two"))

    assert sync_spy.calls == []
    for schema in (stale_clone.schema_name, fresh_clone.schema_name):
        assert ("declared_later", "Declared later", "General", False, "[]", True) in _rows(schema)["notification types"]
    call_command("tenant_template")
    assert "is current" in capsys.readouterr().out


def test_a_schema_missing_a_leaf_migration_is_behind_and_migrate_tenants_migrates_only_it(template, capsys):
    tenant = tenant_provision(tenant_create(name="Clone One", subdomain="clone-one"))
    with connection.cursor() as cursor:
        # A shared app's migration: its operations are skipped in a tenant schema, so migrating again only records it.
        cursor.execute("DELETE FROM clone_one.django_migrations WHERE app = 'livesettings'")

    assert schemas_behind(["acme", "globex", "clone_one", "no_such_schema"]) == ["clone_one", "no_such_schema"]
    call_command("migrate_tenants", verbosity_migrate=0)

    # acme, globex, the reference provisioned the slow way and the clone.
    assert "Migrated 1 of 4 tenant schema(s)" in capsys.readouterr().out
    assert schemas_behind([tenant.schema_name]) == []
