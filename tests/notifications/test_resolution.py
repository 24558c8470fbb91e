"""The resolution order, applied in memory to settings built by hand (no database)."""

import pytest

from apps.notifications.registry import Notification
from apps.notifications.resolution import NotificationSettings, Resolution, sorted_by_name

PLAIN = Notification(name="plain", display_name="Plain", backends=("email", "sms"), default={"email": True})
LOCKED = Notification(name="locked", display_name="Locked", backends=("email",), mandatory=True)
BILLING = Notification(
    name="billing", display_name="Billing", backends=("email",), default={"email": True}, required_permissions=("x.y",)
)
SALES, SUPPORT = 1, 2
ALICE, BOB, ROOT, GONE = 10, 11, 12, 13


def settings(**stored) -> NotificationSettings:
    """Return settings for alice (Sales, Support), bob (no group, holds x.y), root (superuser) and gone (inactive)."""
    names = {SALES: "Sales", SUPPORT: "Support"}
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
        memberships=sorted_by_name([(ALICE, SUPPORT), (ALICE, SALES)], names),
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


def test_any_group_on_beats_a_group_off_and_the_first_by_name_is_named():
    resolved = settings(group={("plain", "sms"): {SALES: True, SUPPORT: True}, ("plain", "email"): {SALES: False}})

    assert resolved.resolve(ALICE, "plain", "sms") == Resolution(True, "group:Sales")
    assert resolved.resolve(ALICE, "plain", "email") == Resolution(False, "group:Sales")
    only_support_on = settings(group={("plain", "sms"): {SALES: False, SUPPORT: True}})
    assert only_support_on.resolve(ALICE, "plain", "sms") == Resolution(True, "group:Support")


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
