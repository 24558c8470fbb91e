"""Changes to tenants: create, provision, deactivate, reactivate, delete. Each writes an audit entry."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.signals import schema_migrate_message
from django_tenants.utils import schema_context
from kombu.exceptions import OperationalError

from apps.tenants.migration_state import code_migrations, schemas_behind
from apps.tenants.models import Domain, Tenant, TenantEvent
from apps.tenants.selectors import tenant_subdomain_taken
from apps.tenants.signals import tenant_ready
from apps.tenants.template import template_clone
from apps.tenants.validation import schema_name_for, validate_subdomain, validate_tenant_name

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
ProgressCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class OwnerAccount:
    """The first owner of a new tenant. Carries a password hash, never the password itself."""

    username: str
    email: str
    password_hash: str


def _event(tenant: Tenant, action: str, actor: str, detail: str = "") -> None:
    TenantEvent.objects.create(
        tenant_schema=tenant.schema_name, tenant_name=tenant.name, action=action, actor=actor, detail=detail[:500]
    )


def public_tenant_ensure() -> Tenant:
    """Create or update the public tenant so it serves the base domain and the extra public host names."""
    public, _ = Tenant.objects.update_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={"name": "Public", "state": Tenant.State.READY, "progress": 100, "is_active": True},
    )
    hosts = [settings.PORTAL_BASE_DOMAIN, *settings.PORTAL_PUBLIC_EXTRA_DOMAINS]
    for host in hosts:
        Domain.objects.update_or_create(
            domain=host, defaults={"tenant": public, "is_primary": host == settings.PORTAL_BASE_DOMAIN}
        )
    return public


def _owner_errors(username: str, email: str) -> dict[str, list[ValidationError]]:
    """Check the first owner's account now, not in the worker after the whole schema is built."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        get_user_model()._meta.get_field("username").run_validators(username)
        if not username:
            raise ValidationError("The owner needs a username.", code="required")
    except ValidationError as exc:
        errors["owner_username"] = [exc]
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            errors["owner_email"] = [exc]
    return errors


def _taken(subdomain: str) -> ValidationError:
    return ValidationError(f'The subdomain "{subdomain}" is already taken.', code="taken")


def tenant_create_errors(
    *,
    name: str,
    subdomain: str,
    owner_username: str | None = None,
    owner_email: str = "",
    copy_from: str | None = None,
) -> dict[str, list[ValidationError]]:
    """Return every reason a tenant with these values cannot be created, keyed by field; empty when it can.

    Every field is checked, so a form can report all its errors in one round. Pass `owner_username` only when
    the tenant gets a first owner, `copy_from` (a schema name) only when it starts from another's configuration.
    """
    name, subdomain = name.strip(), subdomain.strip().lower()
    errors: dict[str, list[ValidationError]] = {}
    for field, validate, value in (("name", validate_tenant_name, name), ("subdomain", validate_subdomain, subdomain)):
        try:
            validate(value)
        except ValidationError as exc:
            errors[field] = [exc]
    if "subdomain" not in errors and tenant_subdomain_taken(subdomain, schema_name_for(subdomain)):
        errors["subdomain"] = [_taken(subdomain)]
    if owner_username is not None:
        errors.update(_owner_errors(owner_username, owner_email))
    if (
        copy_from
        and not Tenant.objects.filter(schema_name=copy_from, state=Tenant.State.READY)
        .exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .exists()
    ):
        errors["copy_from"] = [ValidationError(f"No ready tenant {copy_from!r} to copy.", code="invalid")]
    return errors


@transaction.atomic
def tenant_create(
    *,
    name: str,
    subdomain: str,
    actor: str = SYSTEM_ACTOR,
    owner: OwnerAccount | None = None,
    queue_provisioning: bool = False,
    copy_from: str | None = None,
) -> Tenant:
    """Record a new tenant and its domain; with `queue_provisioning`, provision it in a worker on commit.

    `copy_from` (a ready tenant's schema name) is passed on to `tenant_ready`, whose receivers copy that
    tenant's configuration once the schema is ready.

    Raise ValidationError (keyed by field) for an invalid or taken name or subdomain; nothing is written then.
    """
    name = name.strip()
    subdomain = subdomain.strip().lower()
    errors = tenant_create_errors(
        name=name,
        subdomain=subdomain,
        owner_username=owner.username if owner else None,
        owner_email=owner.email if owner else "",
        copy_from=copy_from,
    )
    if errors:
        raise ValidationError(errors)
    schema_name = schema_name_for(subdomain)

    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(schema_name=schema_name, name=name)
            Domain.objects.create(tenant=tenant, domain=f"{subdomain}.{settings.PORTAL_BASE_DOMAIN}", is_primary=True)
    except (IntegrityError, ValidationError) as exc:
        # Someone took it between the check and the insert: django-tenants' save() or the unique index says so.
        raise ValidationError({"subdomain": [_taken(subdomain)]}) from exc
    _event(tenant, TenantEvent.Action.CREATED, actor)
    if queue_provisioning:
        from apps.tenants.tasks import provision_tenant

        owner_args = (owner.username, owner.email, owner.password_hash) if owner else None
        transaction.on_commit(partial(_provisioning_enqueue, provision_tenant, tenant.pk, owner_args, copy_from))
    return tenant


def _provisioning_enqueue(
    task: Any, tenant_id: int, owner_args: tuple[str, str, str] | None, copy_from: str | None = None
) -> None:
    """Queue the provisioning task; if the broker does not answer, mark the tenant failed instead of the request."""
    try:
        # The tenant row holds the outcome: storing a result too would wait on the result store as well.
        task.apply_async((tenant_id, owner_args, copy_from), ignore_result=True)
    except OperationalError:
        logger.warning("Broker unreachable; tenant %s was not provisioned.", tenant_id)
        Tenant.objects.filter(pk=tenant_id).update(
            state=Tenant.State.FAILED,
            status_message="The provisioning could not be queued (the task queue did not answer). "
            "Delete this tenant and create it again.",
        )


def _tenant_migration_count() -> int:
    """Return how many migrations a new tenant schema applies, to turn progress lines into a percentage."""
    labels = {django_apps.get_app_config(path.rsplit(".", 1)[-1]).label for path in settings.TENANT_APPS}
    # The graph is loaded once per process (migration_state caches it); reading the files again cost ~70 ms.
    return sum(1 for app_label, _ in code_migrations() if app_label in labels)


def _set_progress(tenant: Tenant, percent: int, message: str) -> None:
    # An UPDATE, not save(): the polling page reads these columns while the worker holds the row in memory.
    Tenant.objects.filter(pk=tenant.pk).update(progress=percent, status_message=message[:500])
    tenant.progress, tenant.status_message = percent, message


def _drop_schema(schema_name: str) -> None:
    with connection.cursor() as cursor:
        # Inside an outer transaction, deferred foreign-key checks on the schema's tables would block the drop.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(schema_name)} CASCADE")


def _schema_create(tenant: Tenant, report: ProgressCallback) -> bool:
    """Clone the template schema when there is one, then apply what it lacks; else replay every migration.

    A clone of a template older than the code (a deploy that has not rebuilt it yet) is migrated forward, so a
    new tenant always ends at the code's migrations, like a migrated one. Return whether the schema holds the
    rows of the code's declarations (`tenant_ready`'s `seeded`): a clone of a current template does, and so
    does a migrated schema, whose post_migrate receivers wrote them.
    """
    clone = template_clone(tenant.schema_name)
    if clone is not None:
        report(60, "Copied the template schema")
        # The template's header names the migrations it was built at: no query when they are the code's.
        if clone.migrations_current or not schemas_behind([tenant.schema_name]):
            return clone.seeds_current
        report(70, "Applying the migrations the template lacks")
    else:
        connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' backend has it
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(tenant.schema_name)}")
    call_command("migrate_schemas", schema_name=tenant.schema_name, interactive=False, verbosity=1)
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    return True


def tenant_provision(
    tenant: Tenant,
    *,
    owner: OwnerAccount | None = None,
    on_progress: ProgressCallback | None = None,
    copy_from: str | None = None,
) -> Tenant:
    """Create the tenant's schema (a clone of the template, else by migrations), send `tenant_ready`, mark it ready.

    `tenant_ready` carries `owner`, `copy_from` and `seeded` to its receivers, which seed the new schema.

    Progress (0 to 100, with a message) is written to the tenant row after each migration, so a page can
    poll it. On failure the half-made schema is dropped and the tenant marked failed with the error.
    """
    if tenant.state == Tenant.State.READY:
        return tenant

    def report(percent: int, message: str) -> None:
        _set_progress(tenant, percent, message)
        if on_progress is not None:
            on_progress(percent, message)

    Tenant.objects.filter(pk=tenant.pk).update(state=Tenant.State.PROVISIONING)
    tenant.state = Tenant.State.PROVISIONING
    report(5, "Creating the database schema")
    total = 0  # counted at the first migration applied: a clone of a current template applies none
    applied = 0

    def on_migrate_line(sender: object, message: str, **kwargs: object) -> None:
        nonlocal applied, total
        if "Applying " in message:
            total = total or max(_tenant_migration_count(), 1)
            applied += 1
            report(5 + min(85, 85 * applied // total), f"Applying migrations ({applied} of {total})")

    schema_migrate_message.connect(on_migrate_line)
    try:
        # A schema left by an interrupted run (Ctrl-C, a killed worker) is incomplete and unused, since the
        # tenant is not ready: rebuild it, rather than let create_schema skip the migrations it lacks.
        _drop_schema(tenant.schema_name)
        seeded = _schema_create(tenant, report)
        report(92, "Seeding the tenant's data")
        with schema_context(tenant.schema_name):
            # Receivers seed the schema; accounts creates the owner. Any receiver's error fails the whole run.
            tenant_ready.send(sender=Tenant, tenant=tenant, owner=owner, copy_from=copy_from, seeded=seeded)
    except Exception as exc:
        logger.exception("Provisioning tenant %s failed", tenant.schema_name)
        connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' backend has it
        _drop_schema(tenant.schema_name)
        Tenant.objects.filter(pk=tenant.pk).update(state=Tenant.State.FAILED, status_message=str(exc)[:500])
        tenant.state = Tenant.State.FAILED
        _event(tenant, TenantEvent.Action.FAILED, SYSTEM_ACTOR, str(exc))
        raise
    finally:
        schema_migrate_message.disconnect(on_migrate_line)

    Tenant.objects.filter(pk=tenant.pk).update(state=Tenant.State.READY)
    tenant.state = Tenant.State.READY
    report(100, "Ready")
    _event(tenant, TenantEvent.Action.PROVISIONED, SYSTEM_ACTOR)
    return tenant


def tenant_deactivate(*, tenant: Tenant, actor: str) -> Tenant:
    """Take a tenant offline (its domain answers 404); its data stays."""
    if tenant.is_public:
        raise ValidationError("The public tenant cannot be deactivated.")
    with transaction.atomic():
        tenant.is_active = False
        tenant.deactivated_at = timezone.now()
        tenant.save(update_fields=["is_active", "deactivated_at"])
        _event(tenant, TenantEvent.Action.DEACTIVATED, actor)
    return tenant


def tenant_reactivate(*, tenant: Tenant, actor: str) -> Tenant:
    """Bring a deactivated tenant back online."""
    with transaction.atomic():
        tenant.is_active = True
        tenant.deactivated_at = None
        tenant.save(update_fields=["is_active", "deactivated_at"])
        _event(tenant, TenantEvent.Action.REACTIVATED, actor)
    return tenant


def tenant_delete(*, tenant: Tenant, actor: str, confirm_subdomain: str) -> None:
    """Delete a tenant, its domains and its schema with all its data. Irreversible.

    `confirm_subdomain` must repeat the tenant's schema name (as typed by a person), as a guard.
    """
    if tenant.is_public:
        raise ValidationError("The public tenant cannot be deleted.")
    if schema_name_for(confirm_subdomain.strip().lower()) != tenant.schema_name:
        raise ValidationError("Type the tenant's subdomain exactly to confirm the deletion.", code="confirm")
    with transaction.atomic():
        _event(tenant, TenantEvent.Action.DELETED, actor)
        schema_name = tenant.schema_name
        tenant.delete()
        _drop_schema(schema_name)
