from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from apps.notifications.selectors import Resolution, preference_resolve, recipients_resolve, user_matrix
from apps.notifications.shortcuts import update_preferences
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


def test_one_group_on_and_one_off_resolves_on(person):
    alice = person("alice", groups=("Sales", "Support"))
    update_preferences("task_assigned", group("Sales"), {"email": False})
    update_preferences("task_assigned", group("Support"), {"email": True})

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


def test_what_is_sent_agrees_with_what_the_matrix_page_shows(person):
    users = [person("u0"), person("u1", groups=("Sales",)), person("u2", groups=("Sales", "Support"))]
    update_preferences("task_assigned", group("Sales"), {"sms": True, "email": False})
    update_preferences("task_assigned", group("Support"), {"email": True})
    update_preferences("task_assigned", users[2], {"sms": False})

    bulk = recipients_resolve(notification="task_assigned", users=get_user_model().objects.all())

    # The sender (bulk resolution) and the page (user_matrix) are separate code paths: they must agree.
    for user in users:
        _, rows = user_matrix(user)
        shown = {c.backend: c.resolution for row in rows if row.declaration.name == "task_assigned" for c in row.cells}
        for backend in ("email", "sms", "in_app"):
            assert shown[backend] == bulk[backend][user.pk], (user.username, backend)


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
