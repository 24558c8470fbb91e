"""Every URL pattern of both urlconfs answers each identity as the access-control matrix says."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.tenants.admin import public_admin_site
from tests.security.access_matrix import ADMIN_EXPECT, IDENTITIES, PUBLIC_ROUTES, TENANT_ROUTES
from tests.security.world import World, build_world, log_in_again

TENANTS = "portal.urls_tenants"
PUBLIC = "portal.urls_public"
ROUTES = {TENANTS: TENANT_ROUTES, PUBLIC: PUBLIC_ROUTES}
ADMIN_SITES = {TENANTS: admin.site, PUBLIC: public_admin_site()}


def url_patterns(urlconf: str) -> Iterator[tuple[str, str]]:
    """Yield (name, path) of every pattern of `urlconf` outside the admin, names with their namespaces."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue  # the admin's generated URLs: one row per site (ADMIN_EXPECT)
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                path = prefix + str(pattern.pattern)
                yield (f"{namespace}{pattern.name}" if pattern.name else path), path

    return walk(get_resolver(urlconf).url_patterns, "", "")


@pytest.mark.parametrize("urlconf", [TENANTS, PUBLIC])
def test_every_url_pattern_is_in_the_matrix(urlconf):
    listed = {row.name for row in ROUTES[urlconf]}
    patterns = dict(url_patterns(urlconf))

    missing = [
        f"{name} (/{path}): add route({name!r}, {{kwarg: value}}, GET='anonymous member owner other superadmin', "
        f"POST=…) to {'TENANT' if urlconf == TENANTS else 'PUBLIC'}_ROUTES in tests/security/access_matrix.py"
        for name, path in patterns.items()
        if name not in listed
    ]
    assert not missing, f"URL patterns of {urlconf} not in the access matrix:\n" + "\n".join(missing)
    assert not listed - set(patterns), f"rows of the matrix for URLs {urlconf} no longer has"
    assert len(listed) == len(ROUTES[urlconf]), "a URL listed twice"


def send(client: Client, method: str, url: str) -> tuple[int, str]:
    """Send `method` to `url` without a body (JSON `{}` for PUT and PATCH); return the status and where it leads."""
    if method in ("PUT", "PATCH"):
        response = client.generic(method, url, "{}", content_type="application/json")
    else:
        response = client.generic(method, url)
    return response.status_code, response.get("Location", "")


def mismatches(world: World, urlconf: str) -> tuple[list[str], int]:
    """Request every row of `urlconf` as every identity; return what differs from the matrix and the count sent."""
    found, sent = [], 0
    for row in ROUTES[urlconf]:
        clients = world.clients[urlconf]  # new ones after a row that ends the sessions
        url = reverse(row.name, urlconf=urlconf, kwargs={k: world.values[v] for k, v in row.kwargs.items()})
        for method, statuses in row.expect.items():
            for identity, expected in zip(IDENTITIES, statuses, strict=True):
                status, location = send(clients[identity], method, url)
                sent += 1
                if status != expected:
                    found.append(f"{method} {url} as {identity}: {status} {location}, the matrix says {expected}")
                if identity == "other" and row.objects and 200 <= status < 300:
                    found.append(f"{method} {url}: another tenant's owner got {status} on acme's object")
        if row.ends_session:
            log_in_again(world, urlconf)
    return found, sent


def admin_urls(urlconf: str) -> Iterator[tuple[str, Any]]:
    """Yield (url, model admin or None) for the admin site's index, app indexes, changelists and add pages."""
    site = ADMIN_SITES[urlconf]
    yield reverse("admin:index", urlconf=urlconf), None
    for label in sorted({model._meta.app_label for model in site._registry}):
        yield reverse("admin:app_list", args=[label], urlconf=urlconf), None
    for model, model_admin in site._registry.items():
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", urlconf=urlconf), None
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add", urlconf=urlconf), model_admin


def admin_mismatches(world: World, urlconf: str) -> tuple[list[str], int]:
    """Request the admin's pages as every identity; an add page nobody may use answers 403 instead of 200."""
    clients = world.clients[urlconf]
    request = RequestFactory().get("/")
    request.user = world.superadmin
    found, sent = [], 0
    for url, model_admin in admin_urls(urlconf):
        for identity, expected in zip(IDENTITIES, ADMIN_EXPECT[urlconf], strict=True):
            if expected == 200 and model_admin is not None and not model_admin.has_add_permission(request):
                expected = 403
            status = clients[identity].get(url).status_code
            sent += 1
            if status != expected:
                found.append(f"GET {url} as {identity}: {status}, the matrix says {expected}")
    return found, sent


@pytest.mark.parametrize("urlconf", [TENANTS, PUBLIC])
def test_every_url_answers_each_identity_as_the_matrix_says(tenants, urlconf):
    world = build_world(tenants)

    found, sent = mismatches(world, urlconf)
    admin_found, admin_sent = admin_mismatches(world, urlconf)

    assert sent + admin_sent > 100
    assert not found + admin_found, f"{len(found + admin_found)} of {sent + admin_sent} requests:\n" + "\n".join(
        found + admin_found
    )
