import re

from django.contrib.auth.models import Group
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from apps.accounts.services import group_ensure
from apps.notifications.shortcuts import update_preferences
from apps.people.services import invitation_send
from tests.conftest import PASSWORD, make_user

LINK = re.compile(r"https?://[^/\s]+(?P<path>/invitations/[\w-]+/)")


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_invited_person_joins_sales_inherits_its_default_and_is_signed_out_when_deactivated(
    page: Page, browser, committed_tenants, site_url, smtp_server, snap
):
    make_user(committed_tenants["acme"], "olivia", owner=True)
    with schema_context("acme"):
        group_ensure("Sales")
        update_preferences("task_assigned", Group.objects.get(name="Sales"), {"email": True})

    log_in(page, site_url("acme", "/owner/people/"), "olivia")
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_label("Email address").fill("nina@example.com")
    page.get_by_label("Sales").check()
    snap("invite-form")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_test_id("invitation-nina@example.com")).to_be_visible()
    expect(page.get_by_test_id("person-nina@example.com")).to_contain_text("Invited")
    snap("people-with-invitation")

    [message] = smtp_server.wait_for(1)
    path = LINK.search(message.get_body(("plain",)).get_content())["path"]
    person = browser.new_page()
    person.goto(site_url("acme", path))
    person.get_by_label("First name").fill("Nina")
    person.get_by_label("Password", exact=True).fill("ninas-secret-42")
    person.get_by_label("Password again").fill("ninas-secret-42")
    person.get_by_role("button", name="Join and sign in").click()
    expect(person).to_have_url(site_url("acme", "/"))
    person.goto(site_url("acme", "/preferences/notifications/"))
    cell = person.get_by_test_id("cell-task_assigned-email")
    expect(cell.get_by_test_id("note")).to_have_text("from group Sales")

    page.goto(site_url("acme", "/owner/people/"))
    expect(page.get_by_test_id("person-nina@example.com")).to_contain_text("Active")
    page.get_by_role("link", name="Deactivate nina@example.com").click()
    page.get_by_role("button", name="Deactivate nina@example.com").click()
    expect(page.get_by_test_id("person-nina@example.com")).to_contain_text("Deactivated")
    snap("deactivated")

    person.reload()
    expect(person).to_have_url(re.compile(r"/accounts/login/"))
    person.close()


def test_the_other_people_pages_pass_axe(page: Page, browser, committed_tenants, site_url, smtp_server):
    owner = make_user(committed_tenants["acme"], "olivia", owner=True)
    make_user(None, "root-admin", superuser=True)
    with schema_context("acme"):
        sent = invitation_send(actor=owner, email="pending@example.com")

    log_in(page, site_url("acme", "/owner/people/add/"), "olivia")
    page.get_by_label("Email address").fill("added@example.com")
    page.get_by_role("button", name="Add the person").click()
    expect(page.get_by_test_id("one-time-password")).to_be_visible()
    page.goto(site_url("acme", "/owner/people/"))
    page.get_by_role("link", name="Revoke the invitation of pending@example.com").click()
    page.get_by_role("button", name="Revoke the invitation").click()
    page.goto(site_url("acme", "/owner/history/"))
    expect(page.get_by_test_id("audit")).to_contain_text("invitation.revoked")

    visitor = browser.new_page()
    visitor.goto(site_url("acme", f"/invitations/{sent.token}/"))
    expect(visitor.get_by_test_id("invitation-unusable")).to_have_text("This invitation was withdrawn")
    visitor.close()

    console = browser.new_page()
    log_in(console, site_url(None, f"/console/tenants/{committed_tenants['acme'].pk}/"), "root-admin")
    expect(console.get_by_test_id("tenant-owners")).to_contain_text("olivia")
    console.get_by_label("New owner's email").fill("rescue@example.com")
    console.get_by_role("button", name="Send the owner invitation").click()
    expect(console.get_by_test_id("tenant-people")).to_have_text("3")
    console.close()
