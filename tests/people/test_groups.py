"""The group services: every change validated, applied and audited in its transaction; the order explicit."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.accounts.models import GroupProfile
from apps.audit.models import AuditEntry
from apps.notifications.shortcuts import update_preferences
from apps.people import groups as services


@pytest.fixture
def acme_schema(acme):
    with schema_context("acme"):
        yield acme


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def test_create_rename_and_delete_are_audited_with_old_and_new(acme_schema, acme_owner):
    group = services.group_create(actor=acme_owner, name="  Sales  team ")
    services.group_rename(actor=acme_owner, group=group, name="Sales")
    services.group_delete(actor=acme_owner, group=group)

    entries = list(AuditEntry.objects.filter(target_type="group").order_by("pk"))
    assert [e.action for e in entries] == ["group.created", "group.renamed", "group.deleted"]
    assert entries[0].new == {"name": "Sales team", "priority": 1}
    assert (entries[1].old, entries[1].new) == ({"name": "Sales team"}, {"name": "Sales"})
    assert entries[2].old["name"] == "Sales"
    assert entries[0].actor_name == "olivia"
    assert not Group.objects.filter(name="Sales").exists()


def test_a_name_already_taken_in_any_case_is_refused_and_nothing_is_written(acme_schema, acme_owner):
    services.group_create(actor=acme_owner, name="Support")
    with pytest.raises(ValidationError, match="already a group"):
        services.group_create(actor=acme_owner, name="support")
    assert Group.objects.filter(name__iexact="support").count() == 1
    assert _actions() == ["group.created"]


def test_new_groups_go_last_and_moving_one_renumbers_all_explicitly(acme_schema, acme_owner):
    sales = services.group_create(actor=acme_owner, name="Sales")
    support = services.group_create(actor=acme_owner, name="Support")
    legacy = Group.objects.create(name="Admin-made")  # no profile: sorts last

    assert services.group_order_text(services.groups_ordered()) == "1. Sales, 2. Support, 3. Admin-made"
    order = services.group_move(actor=acme_owner, group=support, offset=-1)

    assert services.group_order_text(order) == "1. Support, 2. Sales, 3. Admin-made"
    priorities = dict(GroupProfile.objects.values_list("group__name", "priority"))
    assert priorities == {"Support": 1, "Sales": 2, "Admin-made": 3}
    entry = AuditEntry.objects.get(action="group.order_changed")
    assert entry.old == {"order": ["Sales", "Support", "Admin-made"]}
    assert entry.new == {"order": ["Support", "Sales", "Admin-made"]}
    assert Group.objects.filter(pk__in=[sales.pk, legacy.pk]).count() == 2


def test_setting_the_whole_order_must_name_every_group_once(acme_schema, acme_owner):
    a = services.group_create(actor=acme_owner, name="A")
    b = services.group_create(actor=acme_owner, name="B")
    with pytest.raises(ValidationError, match="every group exactly once"):
        services.groups_order_set(actor=acme_owner, group_ids=[b.pk])
    services.groups_order_set(actor=acme_owner, group_ids=[b.pk, a.pk])
    assert [g.name for g in services.groups_ordered()] == ["B", "A"]


def test_members_are_added_and_removed_in_bulk_and_audited_by_name(acme_schema, acme_owner, make_person, acme):
    people = [make_person(acme, f"p{i}") for i in range(3)]
    group = services.group_create(actor=acme_owner, name="Sales")

    added = services.group_members_add(actor=acme_owner, group=group, user_ids=[p.pk for p in people])
    again = services.group_members_add(actor=acme_owner, group=group, user_ids=[people[0].pk])
    removed = services.group_members_remove(actor=acme_owner, group=group, user_ids=[people[0].pk, people[1].pk])

    assert (added, again, removed) == (["p0", "p1", "p2"], [], ["p0", "p1"])
    assert list(group.user_set.values_list("username", flat=True)) == ["p2"]
    assert AuditEntry.objects.get(action="group.members_added").new == {"members": ["p0", "p1", "p2"]}
    assert AuditEntry.objects.get(action="group.members_removed").old == {"members": ["p0", "p1"]}


def test_adding_someone_who_is_not_a_person_here_is_refused(acme_schema, acme_owner):
    group = services.group_create(actor=acme_owner, name="Sales")
    with pytest.raises(ValidationError, match="No such person"):
        services.group_members_add(actor=acme_owner, group=group, user_ids=[acme_owner.pk, 987654])
    assert group.user_set.count() == 0


def test_only_declared_permissions_are_granted_and_they_gate_billing(acme_schema, acme_owner, make_person, acme):
    person = make_person(acme, "bill")
    group = services.group_create(actor=acme_owner, name="Finance")
    services.group_members_add(actor=acme_owner, group=group, user_ids=[person.pk])

    with pytest.raises(ValidationError, match="not a permission owners may grant"):
        services.group_permission_grant(actor=acme_owner, group=group, name="auth.delete_user")
    assert services.group_permission_grant(actor=acme_owner, group=group, name="notifications.view_billing")

    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(pk=person.pk).has_perm("notifications.view_billing")
    assert not get_user_model().objects.get(pk=person.pk).has_perm("auth.delete_user")
    assert services.group_permission_revoke(actor=acme_owner, group=group, name="notifications.view_billing")
    assert _actions()[-2:] == ["group.permission_granted", "group.permission_revoked"]


def test_the_deletion_effect_names_members_and_notification_defaults(acme_schema, acme_owner, make_person, acme):
    make_person(acme, "alice", groups=("Sales",))
    group = Group.objects.get(name="Sales")
    update_preferences("task_assigned", group, {"sms": True})

    effect = services.group_deletion_effect(group)

    assert effect.members == ["alice"]
    assert [str(d) for d in effect.defaults] == ["A task is assigned to me by SMS: on"]
