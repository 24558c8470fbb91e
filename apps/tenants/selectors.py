"""Read-only queries about tenants."""

from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.core.roles import Role
from apps.tenants.models import Domain, Tenant, TenantEvent


def tenant_list() -> QuerySet[Tenant]:
    """Return every tenant except the public one, with their domains prefetched."""
    return Tenant.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).prefetch_related("domains")


def tenant_user_counts(tenants: Iterable[Tenant]) -> dict[int, int]:
    """Return {tenant id: number of users} for the ready tenants, in one query across their schemas."""
    ready = [t for t in tenants if t.state == Tenant.State.READY and not t.is_public]
    if not ready:
        return {}
    quote = connection.ops.quote_name
    union = " UNION ALL ".join(
        f"SELECT {int(t.pk)} AS tenant_id, count(*) AS users FROM {quote(t.schema_name)}.auth_user" for t in ready
    )
    with connection.cursor() as cursor:
        cursor.execute(union)
        return dict(cursor.fetchall())


def tenant_primary_domain(tenant: Tenant) -> str | None:
    """Return the tenant's primary host name, or None if it has no domain."""
    domains = list(tenant.domains.all())
    primary = next((d for d in domains if d.is_primary), domains[0] if domains else None)
    return primary.domain if primary else None


def tenant_domain_url(tenant: Tenant, request: HttpRequest) -> str | None:
    """Return the URL of the tenant's site, on the scheme and port the request came in on."""
    domain = tenant_primary_domain(tenant)
    if domain is None:
        return None
    host = request.get_host()
    port = f":{host.rsplit(':', 1)[1]}" if ":" in host else ""
    return f"{request.scheme}://{domain}{port}/"


def tenant_subdomain_taken(subdomain: str, schema_name: str) -> bool:
    """Return whether a tenant already uses this schema or a domain built from this subdomain."""
    domain = f"{subdomain}.{settings.PORTAL_BASE_DOMAIN}"
    return Tenant.objects.filter(schema_name=schema_name).exists() or Domain.objects.filter(domain=domain).exists()


def tenant_events_recent(*, limit: int = 20) -> QuerySet[TenantEvent]:
    """Return the newest entries of the tenant audit log."""
    return TenantEvent.objects.all()[:limit]


def tenant_people(tenant: Tenant) -> tuple[int, list[str]] | None:
    """Return (number of people, usernames of the active owners) of a ready tenant, None before it is ready.

    Read across the schema with SQL, as `tenant_user_counts` does: the console runs on the public schema, and the
    profiles' table (apps.accounts) belongs to an app above this one.
    """
    if tenant.state != Tenant.State.READY or tenant.is_public:
        return None
    schema = connection.ops.quote_name(tenant.schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {schema}.auth_user")
        (count,) = cursor.fetchone()
        cursor.execute(
            f"SELECT u.username FROM {schema}.auth_user u JOIN {schema}.accounts_profile p ON p.user_id = u.id "
            "WHERE p.role = %s AND u.is_active ORDER BY u.username",
            [Role.OWNER.value],
        )
        return int(count), [row[0] for row in cursor.fetchall()]
