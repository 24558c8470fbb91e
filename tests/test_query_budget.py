"""Query budgets: every signed-in GET page pays at most FIXED_OVERHEAD statements before its own queries.

The fixed overhead of a signed-in tenant request is the one `SET search_path` of its schema and the one query
loading the user with their profile and preferences (apps.accounts.backends): the tenant comes from the
process's lookup cache (apps.tenants.lookup) and the session from its cached copy in Redis
(apps.accounts.sessions; PostgreSQL only when the copy is missing, stale or Redis is down). Each client below
makes one request before the measured one, as a signed-in person's browser has. Each page's own queries
are budgeted below; a page not listed gets DEFAULT_PAGE_BUDGET. Pages are every route of the access matrix
that answers the identity 200 with no URL arguments, so a new page is budgeted without a new line here.
"""

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.security.access_matrix import IDENTITIES, PUBLIC_ROUTES, TENANT_ROUTES
from tests.support.people import client_for

FIXED_OVERHEAD = 2
DEFAULT_PAGE_BUDGET = 6
# The pages' own queries, measured (beyond FIXED_OVERHEAD; for the console, the whole request). Raising one is a
# decision: say why beside it.
PAGE_BUDGETS = {
    # tenant pages
    "home": 2,  # the unread count (once for the navbar and the dashboard card), the user's groups
    "preferences:user": 1,
    "dynamic_preferences:user": 1,
    "dynamic_preferences.user": 1,
    "preferences:global": 1,
    "dynamic_preferences:global": 1,
    "dynamic_preferences.global": 1,
    # the audit trail's kinds (filter), the preference changes' count, the latest audit entries, unread count
    "preferences:history": 4,
    # types, backends, the user's permissions (two), stored settings, unread count; "When you hear": the rows
    # held by quiet hours and the count waiting for a digest
    "notifications:preferences": 8,
    "notifications:owner": 5,
    "notifications:inbox": 3,
    "notifications:inbox-count": 1,
    "notifications:deliveries": 4,
    "owner-overview": 6,  # people count, a page of people, their groups, lockouts, unread count, all groups
    "lov:list-index": 4,
    "lov-api-lists": 3,
    "livesettings:owner-settings": 1,
    "livesettings:session-status": 0,
    "password_change": 1,
    "password_change_done": 1,
    "projects:profile": 3,
    "projects:task-list": 5,  # + the people a task can be assigned to
    "bundles:owner": 1,
    # people count, a page of people, their groups, lockouts, unread count, all groups, open invitations
    "people:list": 7,
    # The whole configuration, list by list; schema_context re-sets the search path around it.
    "bundles:owner-export": 13,
    "bundle-api": 13,
}
CONSOLE_BUDGETS = {
    "livesettings-api": 1,
    "livesettings:history": 1,
    "livesettings:settings": 2,
    "livesettings:session-status": 0,
    "password_change": 0,
    "password_change_done": 0,
    "tenants:health": 4,  # the live checks (a transaction with its statement timeout)
    "tenants:overview": 2,
    "tenants:tenant-create": 1,
    "tenants:tenant-list": 4,
}
# Statements that are the fixed overhead's job, and must not appear again.
OVERHEAD_PATTERNS = {
    "tenant lookup": re.compile(r'FROM "tenants_domain" .*WHERE "tenants_domain"."domain" ='),
    "session": re.compile(r'FROM "django_session"'),
    "profile alone": re.compile(r'^SELECT .* FROM "accounts_profile"'),
    "preferences alone": re.compile(r'^SELECT .* FROM "preferences_userpreference" WHERE'),
}


def _pages(routes: list[Any], identity: str) -> list[str]:
    index = IDENTITIES.index(identity)
    return [
        row.name
        for row in routes
        if not row.kwargs
        and row.expect.get("GET", (0,) * len(IDENTITIES))[index] == 200
        and row.name not in ("healthz", "readyz")  # no session, no user: tests/core/test_views.py
    ]


TENANT_CASES = [(identity, name) for identity in ("member", "owner") for name in _pages(TENANT_ROUTES, identity)]


def _get_counted(client: Any, url: str) -> tuple[int, list[str]]:
    client.get(url)  # warm: this process's tenant lookup, preference snapshots and declarations
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.status_code, [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize(("identity", "name"), TENANT_CASES, ids=[f"{i}-{n}" for i, n in TENANT_CASES])
def test_a_signed_in_tenant_page_pays_the_fixed_overhead_once(identity, name, acme, lov_defaults, make_person):
    person = make_person(acme, f"budget-{identity}", owner=identity == "owner")
    client = client_for("acme.localhost", person, acme)

    _, statements = _get_counted(client, reverse(name, urlconf="portal.urls_tenants"))

    overhead, own = statements[:FIXED_OVERHEAD], statements[FIXED_OVERHEAD:]
    assert overhead[0].startswith("SET search_path"), statements
    assert '"accounts_profile"' in overhead[1] and "stored_preference_rows" in overhead[1], statements
    for what, pattern in OVERHEAD_PATTERNS.items():
        assert not [s for s in own if pattern.search(s)], f"{name}: {what} queried again"
    assert len(own) <= PAGE_BUDGETS.get(name, DEFAULT_PAGE_BUDGET), "\n".join(own)


SUPERADMIN_PAGES = _pages(PUBLIC_ROUTES, "superadmin")


@pytest.mark.parametrize("name", SUPERADMIN_PAGES)
def test_a_superadmins_console_page_pays_the_fixed_overhead_once(name, superadmin):
    client = client_for("localhost", superadmin)

    _, statements = _get_counted(client, reverse(name, urlconf="portal.urls_public"))

    overhead, own = statements[:FIXED_OVERHEAD], statements[FIXED_OVERHEAD:]
    assert overhead[0].startswith("SET search_path"), statements
    assert 'FROM "auth_user"' in overhead[1], statements
    for what in ("tenant lookup", "session"):
        assert not [s for s in own if OVERHEAD_PATTERNS[what].search(s)], f"{name}: {what} queried again"
    assert len(own) <= CONSOLE_BUDGETS.get(name, DEFAULT_PAGE_BUDGET), "\n".join(own)
