from django.contrib.auth.models import Group
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from apps.notifications.shortcuts import update_preferences
from tests.conftest import PASSWORD, make_user


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_member_turns_email_off_then_back_to_the_groups_value(page: Page, committed_tenants, site_url, snap):
    make_user(committed_tenants["acme"], "alice", groups=("Sales",))
    with schema_context("acme"):
        update_preferences("task_assigned", Group.objects.get(name="Sales"), {"email": True})
    log_in(page, site_url("acme", "/preferences/notifications/"), "alice")
    cell = page.get_by_test_id("cell-task_assigned-email")
    expect(cell.get_by_test_id("source")).to_have_text("from group Sales")
    snap("matrix")

    cell.get_by_role("switch").uncheck()
    expect(cell.get_by_test_id("saved")).to_be_visible()
    expect(cell.get_by_test_id("source")).to_have_text("own")
    page.reload()
    cell = page.get_by_test_id("cell-task_assigned-email")
    expect(cell.get_by_role("switch")).not_to_be_checked()
    expect(cell.get_by_test_id("source")).to_have_text("own")
    snap("own-off-after-reload")

    cell.get_by_role("button", name="Use inherited").click()
    expect(cell.get_by_test_id("source")).to_have_text("from group Sales")
    expect(cell.get_by_role("switch")).to_be_checked()
    snap("inherited-again")


def test_owner_sets_a_group_default_and_a_member_inherits_it(page: Page, committed_tenants, site_url, snap, browser):
    make_user(committed_tenants["acme"], "olivia", owner=True)
    make_user(committed_tenants["acme"], "bob", groups=("Support",))
    log_in(page, site_url("acme", "/owner/notifications/"), "olivia")
    page.get_by_role("link", name="Group Support").click()
    page.get_by_label("A task is assigned to me by SMS").select_option("on")
    expect(page.get_by_test_id("saved")).to_be_visible()
    snap("owner-group-default")

    member = browser.new_page()
    log_in(member, site_url("acme", "/preferences/notifications/"), "bob")
    cell = member.get_by_test_id("cell-task_assigned-sms")
    expect(cell.get_by_role("switch")).to_be_checked()
    expect(cell.get_by_test_id("source")).to_have_text("from group Support")
    member.close()
