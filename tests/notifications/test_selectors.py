import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import GroupProfile
from apps.notifications.models import NotificationType
from apps.notifications.selectors import (
    NotificationNotSynced,
    Resolution,
    notification_settings_load,
    preference_resolve,
    recipients_resolve,
    scope_matrix,
    user_matrix,
)
from apps.notifications.shortcuts import send_notification, update_preferences
from tests.notifications.conftest import group


def resolve(user, notification="task_assigned", backend="email"):
    return preference_resolve(user=user, notification=notification, backend=backend)


def test_without_any_choice_the_notifications_default_applies(person):
    alice = person("alice")

    assert resolve(alice, backend="email") == Resolution(True, "default")
    assert resolve(alice, backend="sms").value is False
    assert resolve(alice, backend="sms").source == "default"


def test_tenant_default_beats_the_notifications_default(person):
    from apps.notifications.services import tenant_defaults_update

    alice = person("alice")
    tenant_defaults_update(notification="task_assigned", prefs={"sms": True})

    result = resolve(alice, backend="sms")

    assert (result.value, result.source) == (True, "tenant")


def test_two_groups_both_on_resolve_on(person):
    alice = person("alice", groups=("Sales", "Support"))
    update_preferences("task_assigned", group("Sales"), {"sms": True})
    update_preferences("task_assigned", group("Support"), {"sms": True})

    result = resolve(alice, backend="sms")

    assert (result.value, result.source) == (True, "group:Sales")


def test_of_two_conflicting_groups_the_higher_priority_one_decides(person):
    alice = person("alice", groups=("Sales", "Support"))
    update_preferences("task_assigned", group("Sales"), {"email": False})
    update_preferences("task_assigned", group("Support"), {"email": True})
    order = {"Support": 1, "Sales": 2}
    for name, priority in order.items():
        GroupProfile.objects.create(group=group(name), priority=priority)

    result = resolve(alice)

    assert (result.value, result.source) == (True, "group:Support")


def test_groups_only_off_resolve_off_over_the_defaults(person):
    alice = person("alice", groups=("Sales",))
    update_preferences("task_assigned", group("Sales"), {"email": False})

    result = resolve(alice)

    assert (result.value, result.source) == (False, "group:Sales")


def test_a_user_in_no_group_inherits_nothing_from_other_groups(person):
    loner = person("loner")
    person("seller", groups=("Sales",))
    update_preferences("task_assigned", group("Sales"), {"sms": True})

    result = resolve(loner, backend="sms")

    assert (result.value, result.source) == (False, "default")


def test_users_own_off_overrides_a_group_on(person):
    alice = person("alice", groups=("Sales",))
    update_preferences("task_assigned", group("Sales"), {"email": True})
    update_preferences("task_assigned", alice, {"email": False})

    result = resolve(alice)

    assert (result.value, result.source) == (False, "user")


def test_mandatory_is_on_whatever_is_stored(person):
    alice = person("alice", groups=("Sales",))

    result = resolve(alice, notification="security_alert", backend="sms")

    assert (result.value, result.source) == (True, "mandatory")


def test_missing_permission_resolves_off_even_when_a_group_says_on(person):
    alice = person("alice", groups=("Sales",))
    update_preferences("billing_invoice", group("Sales"), {"email": True})

    result = resolve(alice, notification="billing_invoice")

    assert (result.value, result.source) == (False, "no-permission")


def test_permission_through_a_group_counts(person):
    alice = person("alice", groups=("Finance",))
    group("Finance").permissions.add(Permission.objects.get(codename="view_billing"))

    result = resolve(alice, notification="billing_invoice")

    assert (result.value, result.source) == (True, "default")


def test_user_on_with_permission_later_revoked_resolves_off(person):
    alice = person("alice", perms=("notifications.view_billing",))
    update_preferences("billing_invoice", alice, {"in_app": True})
    assert resolve(alice, notification="billing_invoice", backend="in_app") == Resolution(True, "user")

    alice.user_permissions.clear()

    result = resolve(alice, notification="billing_invoice", backend="in_app")
    assert (result.value, result.source) == (False, "no-permission")


def test_superusers_hold_every_permission(person):
    boss = person("boss")
    get_user_model().objects.filter(pk=boss.pk).update(is_superuser=True)

    result = resolve(boss, notification="billing_invoice")

    assert result.value is True


def test_settings_loaded_once_resolve_each_person_by_their_own_groups(person):
    users = [person("u0"), person("u1", groups=("Sales",)), person("u2", groups=("Sales", "Support"))]
    update_preferences("task_assigned", group("Sales"), {"sms": True, "email": False})
    update_preferences("task_assigned", group("Support"), {"email": True})
    update_preferences("task_assigned", users[2], {"sms": False})

    loaded = notification_settings_load(users=get_user_model().objects.all(), notifications=["task_assigned"])

    resolved = {
        (user.username, backend): loaded.resolve(user.pk, "task_assigned", backend)
        for user in users
        for backend in ("email", "sms", "in_app")
    }
    assert resolved == {
        ("u0", "email"): Resolution(True, "default"),
        ("u0", "sms"): Resolution(False, "default"),
        ("u0", "in_app"): Resolution(True, "default"),
        ("u1", "email"): Resolution(False, "group:Sales"),
        ("u1", "sms"): Resolution(True, "group:Sales"),
        ("u1", "in_app"): Resolution(True, "default"),
        ("u2", "email"): Resolution(False, "group:Sales"),  # no priorities: by name, Sales first
        ("u2", "sms"): Resolution(False, "user"),
        ("u2", "in_app"): Resolution(True, "default"),
    }


def test_the_member_matrix_shows_what_the_one_resolver_decides(person):
    alice = person("alice", groups=("Sales",))
    update_preferences("task_assigned", group("Sales"), {"sms": True})
    update_preferences("task_assigned", alice, {"email": False})
    loaded = notification_settings_load(users=get_user_model().objects.filter(pk=alice.pk))

    _, rows = user_matrix(alice)

    cells = [cell for row in rows for cell in row.cells if cell.allowed]
    assert cells
    for cell in cells:
        assert cell.resolution == loaded.resolve(alice.pk, cell.notification, cell.backend)
    [email] = [c for c in cells if (c.notification, c.backend) == ("task_assigned", "email")]
    assert (email.resolution, email.stored) == (Resolution(False, "user"), False)


def test_bulk_resolution_query_count_is_constant(person, django_assert_max_num_queries):
    user_model = get_user_model()
    sales, finance = group("Sales"), group("Finance")
    finance.permissions.add(Permission.objects.get(codename="view_billing"))
    update_preferences("billing_invoice", sales, {"in_app": True})
    counts, created = [], 0
    for size in (10, 100, 1000):
        new = user_model.objects.bulk_create(user_model(username=f"bulk{i}") for i in range(created, size))
        created = size
        sales.user_set.add(*new[::2])
        finance.user_set.add(*new[::3])

        # Six queries; django-tenants sends a `SET search_path` before each one (TENANT_LIMIT_SET_CALLS is off).
        with django_assert_max_num_queries(12) as captured:
            resolved = recipients_resolve(notification="billing_invoice", users=user_model.objects.all())

        counts.append(len(captured))
        assert len(resolved["in_app"]) == size
        expected = set(sales.user_set.values_list("pk", flat=True)) & set(finance.user_set.values_list("pk", flat=True))
        assert {pk for pk, r in resolved["in_app"].items() if r.value} == expected  # in Sales, holding the permission
    assert len(set(counts)) == 1


def test_matrix_hides_notifications_the_user_may_not_receive(person):
    alice = person("alice")

    _, rows = user_matrix(alice)

    names = [row.declaration.name for row in rows]
    assert "billing_invoice" not in names
    assert "security_alert" in names


def test_matrices_are_read_in_a_constant_number_of_queries(person, django_assert_max_num_queries):
    boss = person("boss", groups=("Sales", "Finance"), perms=("notifications.view_billing",))
    for name in ("Sales", "Finance"):
        update_preferences("task_assigned", group(name), {"sms": True})
    update_preferences("weekly_digest", boss, {"email": False})

    # Each query is preceded by django-tenants' `SET search_path`: six queries for a member, three for owners.
    with django_assert_max_num_queries(12):
        user_matrix(boss)
    with django_assert_max_num_queries(6):
        scope_matrix(group=group("Sales"))


def test_reading_never_syncs_a_notification_missing_from_the_schema(person):
    alice = person("alice")
    NotificationType.objects.filter(name="weekly_digest").delete()

    with CaptureQueriesContext(connection) as captured:
        _, member_rows = user_matrix(alice)
        _, owner_rows = scope_matrix(group=None)
        with pytest.raises(NotificationNotSynced, match="notifications_sync"):
            preference_resolve(user=alice, notification="weekly_digest", backend="email")

    writes = [q["sql"] for q in captured.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert "weekly_digest" not in {row.declaration.name for row in member_rows + owner_rows}
    assert not NotificationType.objects.filter(name="weekly_digest").exists()
    with pytest.raises(NotificationNotSynced):
        send_notification("weekly_digest", users=[alice])


def test_owner_matrix_shows_the_values_stored_at_its_scope_only(person):
    update_preferences("task_assigned", group("Sales"), {"sms": True})
    update_preferences("task_assigned", group("Support"), {"sms": False, "email": False})

    _, rows = scope_matrix(group=group("Sales"))
    _, tenant_rows = scope_matrix(group=None)

    cells = {(c.notification, c.backend): c for row in rows for c in row.cells}
    assert (cells["task_assigned", "sms"].stored, cells["task_assigned", "email"].stored) == (True, None)
    assert cells["security_alert", "email"].locked and not cells["security_alert", "email"].allowed
    assert all(c.stored is None for row in tenant_rows for c in row.cells)


def test_the_one_person_loading_equals_the_loading_of_a_queryset_of_that_person(person):
    # Given people whose cells come from every source: own values, groups, permissions direct or through a
    # group, a superuser, an inactive member.
    finance = group("Finance")
    finance.permissions.add(Permission.objects.get(codename="view_billing"))
    update_preferences("billing_invoice", group("Sales"), {"in_app": True})
    update_preferences("task_assigned", finance, {"sms": True})
    people = [
        person("alice", groups=("Sales", "Finance")),
        person("bob", perms=("notifications.view_billing",)),
        person("carol", groups=("Sales",)),
        person("dave"),
    ]
    update_preferences("task_assigned", people[2], {"email": False})
    get_user_model().objects.filter(pk=people[3].pk).update(is_superuser=True)
    inactive = person("erin", groups=("Finance",))
    get_user_model().objects.filter(pk=inactive.pk).update(is_active=False)

    for someone in [*people, inactive]:
        # When each is loaded alone, then through a queryset
        alone = notification_settings_load(user_id=someone.pk)
        through_queryset = notification_settings_load(users=get_user_model().objects.filter(pk=someone.pk))

        # Then both hold the same rows and resolve every cell alike
        assert alone == through_queryset
        for name in alone.declarations:
            for backend in alone.backends_of(name):
                assert alone.resolve(someone.pk, name, backend) == through_queryset.resolve(someone.pk, name, backend)
            assert alone.may_receive(someone.pk, name) == through_queryset.may_receive(someone.pk, name)
    assert notification_settings_load(user_id=people[0].pk).holders == {"notifications.view_billing": {people[0].pk}}


def test_the_one_person_loading_of_a_missing_person_loads_nobody(person):
    loaded = notification_settings_load(user_id=987_654)

    assert (loaded.user_ids, loaded.active, loaded.holders, loaded.user_values) == ([], set(), {}, {})
