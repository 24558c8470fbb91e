"""Owners' defaults of user preferences as members meet them: a lock, a group's default, "Use inherited"."""

from django.contrib.auth.models import Group
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from apps.accounts.models import GroupProfile
from apps.preferences.registries import user_preferences_registry
from apps.preferences.services import preferences_set
from tests.conftest import make_user
from tests.e2e.test_preferences import log_in, settled

COMPACT = "appearance__compact_tables"
PER_PAGE = "appearance__items_per_page"


def test_owner_locks_compact_tables_and_a_member_sees_it_locked_with_its_source(
    page: Page, browser, committed_tenants, site_url, snap
):
    make_user(committed_tenants["acme"], "olivia", owner=True)
    make_user(committed_tenants["acme"], "alice")

    log_in(page, site_url("acme", "/accounts/login/?next=/owner/preferences/defaults/"), "olivia")
    expect(page.get_by_role("heading", name="Member defaults")).to_be_visible()
    page.get_by_role("tab", name="Appearance").click()
    settled(page)
    value = page.get_by_test_id(f"default-{COMPACT}")
    value.get_by_label("Compact tables").check()
    expect(page.get_by_test_id(f"default-{COMPACT}").get_by_test_id("saved")).to_be_visible()
    settled(page)
    lock = page.get_by_test_id(f"lock-{COMPACT}")
    lock.get_by_label("Lock Compact tables").check()
    expect(page.get_by_test_id(f"lock-{COMPACT}").get_by_test_id("saved")).to_be_visible()
    snap("owner-locked")

    member = browser.new_page()
    log_in(member, site_url("acme", "/accounts/login/?next=/preferences/%3Fsection%3Dappearance"), "alice")
    field = member.get_by_test_id(f"pref-{COMPACT}")
    expect(field.get_by_test_id("badge")).to_have_text("locked by your organisation")
    expect(field.get_by_label("Compact tables")).to_be_disabled()
    expect(field.get_by_label("Compact tables")).to_be_checked()
    member.close()


def test_a_group_default_reaches_a_member_and_use_inherited_brings_it_back(
    page: Page, committed_tenants, site_url, snap
):
    make_user(committed_tenants["acme"], "alice", groups=("Sales",))
    with schema_context("acme"):
        sales = Group.objects.get(name="Sales")
        GroupProfile.objects.get_or_create(group=sales, defaults={"priority": 1})
        preferences_set(store=user_preferences_registry.group_defaults_store(sales), values={PER_PAGE: 50})

    log_in(page, site_url("acme", "/accounts/login/?next=/preferences/%3Fsection%3Dappearance"), "alice")
    field = page.get_by_test_id(f"pref-{PER_PAGE}")
    expect(field.get_by_test_id("badge")).to_have_text("from group Sales")
    expect(field.get_by_label("Items per page")).to_have_value("50")

    field.get_by_label("Items per page").fill("80")
    field.get_by_label("Items per page").blur()
    field = page.get_by_test_id(f"pref-{PER_PAGE}")
    expect(field.get_by_test_id("badge")).to_have_text("your value")
    expect(field.get_by_test_id("note")).to_have_text("inherited: 50 (from group Sales)")
    settled(page)
    snap("overridden")

    field.get_by_role("button", name="Use inherited").click()
    field = page.get_by_test_id(f"pref-{PER_PAGE}")
    expect(field.get_by_test_id("badge")).to_have_text("from group Sales")
    expect(field.get_by_label("Items per page")).to_have_value("50")


def test_without_javascript_an_owner_locks_and_unlocks_a_default_with_the_save_button(
    browser, committed_tenants, site_url
):
    make_user(committed_tenants["acme"], "olivia", owner=True)
    alice = make_user(committed_tenants["acme"], "alice")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    log_in(
        page, site_url("acme", "/accounts/login/?next=/owner/preferences/defaults/%3Fsection%3Dappearance"), "olivia"
    )
    lock = page.get_by_label("Lock Compact tables")
    lock.check()
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Appearance: 1 change saved.")).to_be_attached()
    expect(page.get_by_label("Lock Compact tables")).to_be_checked()  # the page as stored, after the redirect
    with schema_context("acme"):
        assert type(alice).objects.get(pk=alice.pk).preferences.resolve(COMPACT).locked

    page.get_by_label("Lock Compact tables").uncheck()
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_label("Lock Compact tables")).not_to_be_checked()
    with schema_context("acme"):
        assert not type(alice).objects.get(pk=alice.pk).preferences.resolve(COMPACT).locked
    context.close()
