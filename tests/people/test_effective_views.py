""" "Why does Bob see this?": a member's effective values with the rule behind each, read-only, for owners."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.preferences.registries import user_preferences_registry
from apps.preferences.services import preference_lock, preferences_set
from apps.tenants.models import Tenant
from tests.conftest import client_for, make_user

HOST = "acme.localhost"


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    with schema_context(acme.schema_name):
        yield acme


def _row(html: str, key: str) -> str:
    start = html.index(f'data-testid="effective-{key}"')
    return html[start : html.index("</tr>", start)]


def test_owner_sees_each_value_of_a_member_with_its_rule(in_acme: Tenant) -> None:
    bob = make_user(in_acme, "bob", groups=("Sales",))
    owner = make_user(in_acme, "olivia", owner=True)
    sales = Group.objects.get(name="Sales")
    org = user_preferences_registry.organisation_defaults_store()
    preferences_set(store=org, values={"appearance__compact_tables": True})
    preference_lock(store=org, key="appearance__compact_tables", locked=True)
    preferences_set(
        store=user_preferences_registry.group_defaults_store(sales), values={"appearance__items_per_page": 50}
    )
    bob.preferences["appearance__theme"] = "dark"

    response = client_for(HOST, owner, in_acme).get(reverse("people:member-effective", args=[bob.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Why does bob see this?" in html
    assert "own value" in _row(html, "appearance__theme") and "Dark" in _row(html, "appearance__theme")
    assert "group Sales" in _row(html, "appearance__items_per_page")
    assert "locked by the organisation" in _row(html, "appearance__compact_tables")
    assert "default" in _row(html, "locale__time_zone")
    assert 'data-testid="effective-notifications"' in html
    tables = html.split("Why does bob see this?</h1>", 1)[1]
    assert "<input" not in tables and "<select" not in tables  # read-only


def test_the_page_uses_the_members_resolution_for_notifications(in_acme: Tenant) -> None:
    bob = make_user(in_acme, "bob")
    owner = make_user(in_acme, "olivia", owner=True)

    html = client_for(HOST, owner, in_acme).get(reverse("people:member-effective", args=[bob.pk])).content.decode()

    # Every cell of the notifications table carries one of the resolution's rules.
    table = html.split('data-testid="effective-notifications"', 1)[1].split("</table>", 1)[0]
    rules = {"default", "organisation", "mandatory", "no permission", "own value", "inactive account"}
    cells = table.count('<tr data-testid="effective-')
    assert cells > 0
    assert sum(table.count(f">{rule}<") for rule in rules) == cells


def test_members_may_not_see_another_members_values(in_acme: Tenant) -> None:
    bob = make_user(in_acme, "bob")
    alice = make_user(in_acme, "alice")

    response = client_for(HOST, alice, in_acme).get(reverse("people:member-effective", args=[bob.pk]))

    assert response.status_code == 403
