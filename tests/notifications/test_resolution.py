"""The resolution order, applied in memory to settings built by hand (no database)."""

import pytest

from apps.accounts.models import group_rank
from apps.notifications.registry import Notification
from apps.notifications.resolution import NotificationSettings, Resolution, sorted_by_rank

PLAIN = Notification(name="plain", display_name="Plain", backends=("email", "sms"), default={"email": True})
LOCKED = Notification(name="locked", display_name="Locked", backends=("email",), mandatory=True)
BILLING = Notification(
    name="billing", display_name="Billing", backends=("email",), default={"email": True}, required_permissions=("x.y",)
)
SALES, SUPPORT = 1, 2
ALICE, BOB, ROOT, GONE = 10, 11, 12, 13


def settings(**stored) -> NotificationSettings:
    """Return settings for alice (Sales, then Support, by priority; or Support first with `support_first`), bob (no
    group, holds x.y), root (superuser) and gone (inactive)."""
    names = {SALES: "Sales", SUPPORT: "Support"}
    priorities = {SALES: 2, SUPPORT: 1} if stored.pop("support_first", False) else {SALES: 1, SUPPORT: 2}
    ranks = {pk: group_rank(priorities[pk], name) for pk, name in names.items()}
    return NotificationSettings(
        declarations={d.name: d for d in (PLAIN, LOCKED, BILLING)},
        types={},
        backends={},
        user_ids=[ALICE, BOB, ROOT, GONE],
        active={ALICE, BOB, ROOT},
        superusers={ROOT},
        holders={"x.y": {BOB, GONE}},
        user_values=stored.get("user", {}),
        group_values=stored.get("group", {}),
        tenant_values=stored.get("tenant", {}),
        group_names=names,
        memberships=sorted_by_rank([(ALICE, SUPPORT), (ALICE, SALES)], ranks),
    )


def test_declared_default_applies_when_nothing_is_stored():
    resolved = settings()

    assert resolved.resolve(ALICE, "plain", "email") == Resolution(True, "default")
    assert resolved.resolve(ALICE, "plain", "sms") == Resolution(False, "default")


def test_tenant_default_beats_the_declared_default():
    resolved = settings(tenant={("plain", "email"): False})

    assert resolved.resolve(ALICE, "plain", "email") == Resolution(False, "tenant")


def test_groups_only_off_beat_the_tenant_default():
    resolved = settings(group={("plain", "sms"): {SUPPORT: False}}, tenant={("plain", "sms"): True})

    assert resolved.resolve(ALICE, "plain", "sms") == Resolution(False, "group:Support")
    assert resolved.resolve(BOB, "plain", "sms") == Resolution(True, "tenant")


def test_the_highest_priority_group_that_sets_a_cell_decides_it():
    conflicting = {("plain", "sms"): {SALES: False, SUPPORT: True}, ("plain", "email"): {SUPPORT: False}}

    sales_first = settings(group=conflicting)
    assert sales_first.resolve(ALICE, "plain", "sms") == Resolution(False, "group:Sales")
    assert sales_first.resolve(ALICE, "plain", "email") == Resolution(False, "group:Support")
    support_first = settings(group=conflicting, support_first=True)
    assert support_first.resolve(ALICE, "plain", "sms") == Resolution(True, "group:Support")


def test_a_group_without_a_profile_ranks_after_those_with_one_then_by_name():
    ranks = {
        1: group_rank(None, "Alpha"),
        2: group_rank(2, "Zulu"),
        3: group_rank(1, "Yankee"),
        4: group_rank(None, "Beta"),
    }

    assert sorted_by_rank([(ALICE, 1), (ALICE, 2), (ALICE, 3), (ALICE, 4)], ranks) == {ALICE: [3, 2, 1, 4]}


def test_the_users_own_choice_beats_their_groups():
    resolved = settings(user={("plain", "sms"): {ALICE: False}}, group={("plain", "sms"): {SALES: True}})

    assert resolved.resolve(ALICE, "plain", "sms") == Resolution(False, "user")


def test_a_missing_permission_beats_the_users_own_choice_and_superusers_hold_every_permission():
    resolved = settings(user={("billing", "email"): {ALICE: True}})

    assert resolved.resolve(ALICE, "billing", "email") == Resolution(False, "no-permission")
    assert resolved.resolve(BOB, "billing", "email") == Resolution(True, "default")
    assert resolved.resolve(ROOT, "billing", "email") == Resolution(True, "default")
    assert [resolved.may_receive(pk, "billing") for pk in (ALICE, BOB, ROOT)] == [False, True, True]


def test_mandatory_beats_everything_stored_but_an_inactive_user_gets_nothing():
    resolved = settings(user={("locked", "email"): {ALICE: False}}, tenant={("locked", "email"): False})

    assert resolved.resolve(ALICE, "locked", "email") == Resolution(True, "mandatory")
    assert resolved.resolve(GONE, "locked", "email") == Resolution(False, "inactive")
    assert resolved.resolve(GONE, "billing", "email") == Resolution(False, "inactive")


def test_resolve_all_covers_every_loaded_person_with_the_same_rule():
    resolved = settings(group={("plain", "sms"): {SALES: True}})

    assert resolved.resolve_all("plain", "sms") == {
        pk: resolved.resolve(pk, "plain", "sms") for pk in (ALICE, BOB, ROOT, GONE)
    }


def test_a_backend_the_notification_does_not_use_is_refused():
    with pytest.raises(ValueError, match="sms"):
        settings().resolve(ALICE, "locked", "sms")


def test_each_decision_not_to_deliver_names_its_reason():
    assert [
        Resolution(*pair).reason
        for pair in [
            (True, "user"),
            (False, "user"),
            (False, "group:Sales"),
            (False, "no-permission"),
            (False, "inactive"),
        ]
    ] == ["", "opted_out", "opted_out", "no_permission", "inactive_user"]


def test_stored_reads_one_scope():
    resolved = settings(
        user={("plain", "sms"): {ALICE: True}},
        group={("plain", "sms"): {SALES: False}},
        tenant={("plain", "sms"): True},
    )

    assert resolved.stored(notification="plain", backend="sms", user_id=ALICE) is True
    assert resolved.stored(notification="plain", backend="sms", user_id=BOB) is None
    assert resolved.stored(notification="plain", backend="sms", group_id=SALES) is False
    assert resolved.stored(notification="plain", backend="sms") is True
