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
