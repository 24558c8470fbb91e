from django.contrib.auth.models import Group, Permission
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from apps.accounts.models import Profile
from apps.notifications.services import tenant_defaults_update
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
    expect(cell.get_by_test_id("note")).to_have_text("from group Sales")
    snap("matrix")

    cell.get_by_role("switch").uncheck()
    expect(cell.get_by_test_id("saved")).to_be_visible()
    expect(cell.get_by_test_id("note")).to_have_text("own")
    page.reload()
    cell = page.get_by_test_id("cell-task_assigned-email")
    expect(cell.get_by_role("switch")).not_to_be_checked()
    expect(cell.get_by_test_id("note")).to_have_text("own")
    snap("own-off-after-reload")

    cell.get_by_role("button", name="Use inherited").click()
    expect(cell.get_by_test_id("note")).to_have_text("from group Sales")
    expect(cell.get_by_role("switch")).to_be_checked()
    snap("inherited-again")


def test_owner_sets_a_group_default_and_a_member_inherits_it(page: Page, committed_tenants, site_url, snap, browser):
    make_user(committed_tenants["acme"], "olivia", owner=True)
    bob = make_user(committed_tenants["acme"], "bob", groups=("Support",))
    with schema_context("acme"):  # a number to text: without one the SMS column asks for it instead
        Profile.objects.filter(user=bob).update(phone_number="+14155552671")
    log_in(page, site_url("acme", "/owner/notifications/"), "olivia")
    page.get_by_role("link", name="Group Support").click()
    page.get_by_label("A task is assigned to me by SMS").select_option("on")
    expect(page.get_by_test_id("saved")).to_be_visible()
    snap("owner-group-default")

    member = browser.new_page()
    log_in(member, site_url("acme", "/preferences/notifications/"), "bob")
    cell = member.get_by_test_id("cell-task_assigned-sms")
    expect(cell.get_by_role("switch")).to_be_checked()
    expect(cell.get_by_test_id("note")).to_have_text("from group Support")
    member.close()


def test_member_matrix_keeps_focus_after_use_inherited_and_refuses_a_stale_switch(
    page: Page, committed_tenants, site_url, snap
):
    alice = make_user(committed_tenants["acme"], "alice", groups=("Sales",))
    with schema_context("acme"):
        update_preferences("task_assigned", Group.objects.get(name="Sales"), {"email": True})
        update_preferences("task_assigned", alice, {"email": False})
    log_in(page, site_url("acme", "/preferences/notifications/"), "alice")
    cell = page.get_by_test_id("cell-task_assigned-email")

    cell.get_by_role("button", name="Use inherited").click()
    expect(cell.get_by_test_id("note")).to_have_text("from group Sales")
    expect(cell.get_by_role("switch")).to_be_focused()  # not the top of the page
    snap("focus-kept-after-use-inherited")

    with schema_context("acme"):  # the same person in another tab, after this page showed "from group Sales"
        update_preferences("task_assigned", alice, {"email": True})
    cell.get_by_role("switch").uncheck()
    stale = cell.get_by_test_id("stale")
    expect(stale).to_contain_text("Changed by someone else at ")
    expect(stale).to_contain_text("now on (own); your value was not saved.")
    expect(cell.get_by_role("switch")).not_to_be_checked()  # the person's value stays in the control
    expect(cell.get_by_role("switch")).to_be_focused()
    snap("stale-refused")

    cell.get_by_role("button", name="Apply my value again").click()
    expect(cell.get_by_test_id("saved")).to_be_visible()
    expect(cell.get_by_test_id("note")).to_have_text("own")
    page.reload()
    expect(page.get_by_test_id("cell-task_assigned-email").get_by_role("switch")).not_to_be_checked()


def test_member_matrix_shows_a_refused_switch_in_place(page: Page, committed_tenants, site_url, snap):
    bob = make_user(committed_tenants["acme"], "bob")
    with schema_context("acme"):
        bob.user_permissions.add(Permission.objects.get(codename="view_billing"))
    log_in(page, site_url("acme", "/preferences/notifications/"), "bob")
    cell = page.get_by_test_id("cell-billing_invoice-in_app")
    expect(cell).to_be_visible()
    with schema_context("acme"):
        bob.user_permissions.clear()  # revoked while the page is open

    cell.get_by_role("switch").check()
    error = page.get_by_test_id("error")
    expect(error).to_contain_text("You no longer receive this notification.")
    snap("refused-in-place")


def test_owner_defaults_show_an_invalid_value_in_place_and_refuse_a_stale_one(
    page: Page, committed_tenants, site_url, snap
):
    make_user(committed_tenants["acme"], "olivia", owner=True)
    log_in(page, site_url("acme", "/owner/notifications/"), "olivia")
    select = page.get_by_label("Weekly digest by Email")
    expect(select).to_have_value("")

    # A value the form does not offer (an outdated page, a hand-made request): refused where it was made.
    select.evaluate("el => el.add(new Option('Maybe', 'maybe'))")
    select.select_option("maybe")
    cell = page.get_by_test_id("cell-weekly_digest-email")
    expect(cell.get_by_test_id("error")).to_contain_text("Select a valid choice.")
    expect(page.get_by_label("Weekly digest by Email")).to_have_class("form-select-sm form-select is-invalid")
    snap("invalid-in-place")

    with schema_context("acme"):  # another owner sets the tenant default meanwhile
        tenant_defaults_update(notification="weekly_digest", prefs={"email": False})
    page.get_by_label("Weekly digest by Email").select_option("on")
    expect(cell.get_by_test_id("stale")).to_contain_text("— now Off; your value was not saved.")
    expect(page.get_by_label("Weekly digest by Email")).to_be_focused()
    snap("stale-refused")
    cell.get_by_role("button", name="Apply my value again").click()
    expect(cell.get_by_test_id("saved")).to_be_visible()
    expect(page.get_by_label("Weekly digest by Email")).to_have_value("on")


def test_when_people_hear_pause_held_rows_on_a_phone_and_unsubscribe_from_all(
    page: Page, committed_tenants, site_url, snap, browser
):
    from apps.notifications.links import unsubscribe_all_token_make
    from apps.notifications.shortcuts import send_notification

    alice = make_user(committed_tenants["acme"], "alice")
    make_user(committed_tenants["acme"], "olivia", owner=True)
    with schema_context("acme"):
        alice.preferences["notifications__quiet_in_app"] = "00:00-23:59"
        send_notification("task_assigned", users=[alice], context={"title": "Call Initech"})
        token = unsubscribe_all_token_make(user_id=alice.pk)

    log_in(page, site_url("acme", "/preferences/notifications/"), "alice")
    card = page.get_by_test_id("when-you-hear")
    expect(card.get_by_test_id("held")).to_contain_text("held until")
    card.get_by_role("button", name="for 1 day").click()
    expect(page.get_by_test_id("paused")).to_contain_text("Mandatory notifications")
    snap("paused")
    page.get_by_role("link", name="Quiet hours, digests and your time zone").click()
    expect(page.get_by_label("Quiet hours for text messages")).to_be_visible()
    snap("when-you-hear-preferences")

    phone = browser.new_page(viewport={"width": 375, "height": 740})
    log_in(phone, site_url("acme", "/owner/notifications/deliveries/"), "olivia")
    expect(phone.get_by_test_id("deliveries")).to_contain_text("held until")
    expect(phone.locator("#results")).to_have_attribute("data-polling", "true")
    # Stacked rows: the table is no wider than the phone.
    width = phone.evaluate("document.querySelector('[data-testid=deliveries]').getBoundingClientRect().width")
    assert width <= 375
    phone.close()

    anonymous = browser.new_page()
    anonymous.goto(site_url("acme", f"/notifications/unsubscribe-all/{token}/"))
    anonymous.get_by_role("button", name="Unsubscribe from all email").click()
    expect(anonymous.get_by_test_id("unsubscribe-all-done")).to_contain_text("only email you mandatory")
    anonymous.close()


def test_the_superadmin_reads_the_outgoing_mail_of_the_development_sink(
    page: Page, committed_tenants, site_url, snap, settings, tmp_path
):
    from aiosmtpd.controller import Controller
    from django.core import mail

    from apps.notifications.mail_sink import Keeper
    from tests.support.processes import free_port

    folder = tmp_path / "mail"
    controller = Controller(Keeper(folder), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.DEBUG, settings.MAIL_SINK_DIR = True, str(folder)
        mail.get_connection(
            "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=controller.port
        ).send_messages(
            [
                mail.EmailMessage(
                    "Welcome aboard",
                    "Hello Alice.",
                    to=["alice@example.com"],
                    headers={"List-Unsubscribe": "<http://x/>"},
                )
            ]
        )
    finally:
        controller.stop()
    make_user(None, "root-admin", superuser=True)

    page.goto(site_url(None, "/console/mail/"))
    page.get_by_label("Username").fill("root-admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Outgoing mail")).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome aboard")).to_be_visible()
    page.get_by_text("Headers").click()
    expect(page.get_by_text("List-Unsubscribe")).to_be_visible()
    snap("outgoing-mail")
