"""The owners' group pages: order shown explicitly, bulk members, declared permissions, a naming confirmation."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts.services import NewMember, members_bulk_create
from apps.audit.models import AuditEntry
from apps.notifications.shortcuts import update_preferences
from apps.people import groups as services


@pytest.fixture
def owner_client(acme_owner, acme, client_of):
    return client_of(acme_owner, acme)


def _groups(acme_owner, names):
    with schema_context("acme"):
        return [services.group_create(actor=acme_owner, name=name) for name in names]


def test_the_list_shows_the_order_and_member_counts(owner_client, acme_owner, acme, make_person):
    _groups(acme_owner, ["Sales", "Support"])
    make_person(acme, "alice", groups=("Sales",))

    page = owner_client.get("/owner/groups/").content.decode()

    assert "1. Sales, 2. Support" in page
    assert 'data-group="Sales"' in page
    assert '<td data-testid="member-count">1</td>' in page


def test_moving_a_group_down_changes_the_order_shown(owner_client, acme_owner):
    sales, _ = _groups(acme_owner, ["Sales", "Support"])

    response = owner_client.post(f"/owner/groups/{sales.pk}/move/", {"direction": "down"}, follow=True)

    assert "1. Support, 2. Sales" in response.content.decode()


def test_create_rename_and_a_refused_name_shows_in_place(owner_client, acme_owner):
    created = owner_client.post("/owner/groups/new/", {"name": "Sales"})
    refused = owner_client.post("/owner/groups/new/", {"name": "sales"})

    with schema_context("acme"):
        group = Group.objects.get(name="Sales")
    assert created.status_code == 302 and created["Location"] == f"/owner/groups/{group.pk}/"
    assert refused.status_code == 200 and "There is already a group called" in refused.content.decode()
    renamed = owner_client.post(f"/owner/groups/{group.pk}/rename/", {"rename-name": "Sales EMEA"})
    assert renamed.status_code == 302
    with schema_context("acme"):
        assert Group.objects.get(pk=group.pk).name == "Sales EMEA"


def test_bulk_add_and_remove_members(owner_client, acme_owner, acme, make_person):
    (group,) = _groups(acme_owner, ["Sales"])
    people = [make_person(acme, f"p{i}") for i in range(3)]

    owner_client.post(f"/owner/groups/{group.pk}/members/add/", {"add-users": [str(p.pk) for p in people]})
    owner_client.post(f"/owner/groups/{group.pk}/members/remove/", {"remove-users": [str(people[0].pk)]})

    with schema_context("acme"):
        assert sorted(group.user_set.values_list("username", flat=True)) == ["p1", "p2"]


def test_the_page_offers_only_declared_permissions_and_refuses_others(owner_client, acme_owner):
    (group,) = _groups(acme_owner, ["Finance"])

    page = owner_client.get(f"/owner/groups/{group.pk}/").content.decode()
    forged = owner_client.post(f"/owner/groups/{group.pk}/permissions/", {"perm-permissions": ["auth.delete_user"]})
    granted = owner_client.post(
        f"/owner/groups/{group.pk}/permissions/", {"perm-permissions": ["notifications.view_billing"]}
    )

    assert 'value="notifications.view_billing"' in page and "Receive billing notifications" in page
    assert "auth." not in page
    assert forged.status_code == granted.status_code == 302
    with schema_context("acme"):
        codenames = list(Group.objects.get(pk=group.pk).permissions.values_list("codename", flat=True))
        assert codenames == ["view_billing"]
        assert AuditEntry.objects.filter(action="group.permission_granted").count() == 1


def test_the_delete_confirmation_names_members_and_defaults_then_deletes(owner_client, acme_owner, acme, make_person):
    make_person(acme, "alice", groups=("Sales",))
    with schema_context("acme"):
        group = Group.objects.get(name="Sales")
        update_preferences("weekly_digest", group, {"in_app": True})

    confirm = owner_client.get(f"/owner/groups/{group.pk}/delete/").content.decode()
    deleted = owner_client.post(f"/owner/groups/{group.pk}/delete/")

    assert "alice" in confirm and "Weekly digest by In the app: on" in confirm
    assert deleted.status_code == 302
    with schema_context("acme"):
        assert not Group.objects.filter(pk=group.pk).exists()
        assert AuditEntry.objects.get(action="group.deleted").old["members"] == ["alice"]


def _load(acme_owner, count: int) -> Group:
    """Make `count` groups, and `count` people in the first one; return that group."""
    with schema_context("acme"):
        Group.objects.all().delete()
        groups = [services.group_create(actor=acme_owner, name=f"G{count}-{i}") for i in range(count)]
        members_bulk_create(
            people=[
                NewMember(username=f"u{count}-{i}", email=f"u{count}-{i}@example.com", groups=(groups[0],))
                for i in range(count)
            ]
        )
    return groups[0]


@pytest.mark.parametrize("path", ["/owner/groups/", "/owner/groups/{pk}/"])
def test_queries_stay_constant_in_groups_and_members(path, owner_client, acme_owner, django_assert_max_num_queries):
    first = _load(acme_owner, 5)
    with CaptureQueriesContext(connection) as few:
        assert owner_client.get(path.format(pk=first.pk)).status_code == 200

    first = _load(acme_owner, 200)
    with django_assert_max_num_queries(len(few)):
        assert owner_client.get(path.format(pk=first.pk)).status_code == 200
