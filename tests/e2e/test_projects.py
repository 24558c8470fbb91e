import re

from playwright.sync_api import Page, expect

from apps.lov.services import lov_defaults_sync_all, lov_value_select
from apps.projects.lists.models import JobTitle
from tests.conftest import PASSWORD, make_user


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_member_saves_a_job_title_in_place_and_sees_a_refused_one_in_place(
    page: Page, committed_tenants, site_url, snap
):
    lov_defaults_sync_all()
    acme = committed_tenants["acme"]
    make_user(acme, "alice")
    engineer, designer = JobTitle.objects.get(name="Engineer"), JobTitle.objects.get(name="Designer")
    lov_value_select(value=engineer, tenant=acme, selected=True)
    lov_value_select(value=designer, tenant=acme, selected=True)
    log_in(page, site_url("acme", "/accounts/login/?next=/profile/"), "alice")
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Job title").select_option(label="Engineer")
    field = page.get_by_test_id("job-title")
    expect(field.get_by_test_id("saved")).to_have_text("saved")
    expect(page.get_by_label("Job title")).to_be_focused()
    snap("saved")

    # The owner stops offering "Designer" while the page is open: choosing it is refused under the field.
    lov_value_select(value=designer, tenant=acme, selected=False)
    page.get_by_label("Job title").select_option(label="Designer")
    expect(field.get_by_test_id("error")).to_contain_text("Select a valid choice")
    expect(page.get_by_label("Job title")).to_have_class("form-select is-invalid")
    assert page.evaluate("window.notReloaded") is True
    snap("refused")

    page.reload()
    expect(page.get_by_label("Job title").locator("option:checked")).to_have_text("Engineer")


def test_member_assigns_a_task_then_deletes_it_after_a_confirmation_naming_it(page: Page, committed_tenants, site_url):
    lov_defaults_sync_all()
    acme = committed_tenants["acme"]
    make_user(acme, "alice")
    make_user(acme, "bob")
    log_in(page, site_url("acme", "/accounts/login/?next=/projects/"), "alice")

    page.get_by_label("Title").fill("Order new chairs")
    page.get_by_label("Assigned to").select_option(label="bob")
    page.get_by_role("button", name="Add task").click()
    row = page.get_by_test_id("task-row").filter(has_text="Order new chairs")
    expect(row.get_by_test_id("task-assignee")).to_have_text("bob")

    page.get_by_test_id("tasks-mine").click()
    expect(page.get_by_text("No task is assigned to you.")).to_be_visible()
    page.get_by_role("link", name="All tasks").click()

    page.get_by_role("link", name="Delete Order new chairs").click()
    expect(page.get_by_role("heading", name="Delete “Order new chairs”?")).to_be_visible()
    page.get_by_role("button", name="Delete “Order new chairs”").click()
    expect(page.get_by_text("Task “Order new chairs” deleted.")).to_be_visible()
    expect(page.get_by_test_id("task-row").filter(has_text="Order new chairs")).to_have_count(0)


def test_member_confirms_a_phone_number_with_the_texted_code(page: Page, committed_tenants, site_url):
    lov_defaults_sync_all()
    make_user(committed_tenants["acme"], "alice")
    log_in(page, site_url("acme", "/accounts/login/?next=/profile/"), "alice")

    page.get_by_label("Mobile phone number").fill("+44 7911 123456")
    page.get_by_role("button", name="Text me a code").click()
    sent = page.get_by_test_id("sent-text")
    expect(sent).to_contain_text("Your confirmation code is")
    code = re.search(r"\d{6}", sent.inner_text()).group()
    page.get_by_label("Code from the text message").fill(code)
    page.get_by_role("button", name="Confirm the number").click()
    expect(page.get_by_test_id("phone-number")).to_contain_text("+44 7911 123456")
    expect(page.get_by_test_id("phone-number")).to_contain_text("confirmed")


def test_a_forgotten_password_link_is_asked_for_from_the_login_page(page: Page, committed_tenants, site_url):
    page.goto(site_url("acme", "/accounts/login/"))
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
