from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from apps.lov.services import lov_custom_value_create, lov_custom_value_rename, lov_defaults_sync_all
from apps.projects.lists.models import TaskStatus, TaskStatusSelection
from tests.conftest import PASSWORD, make_user


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_owner_curates_task_statuses_and_members_see_only_their_tenants(page: Page, committed_tenants, site_url, snap):
    lov_defaults_sync_all()
    make_user(committed_tenants["acme"], "olivia", owner=True)
    make_user(committed_tenants["acme"], "alice")
    make_user(committed_tenants["globex"], "gina")

    # The owner offers an optional status and adds a custom one, without a page reload.
    log_in(page, site_url("acme", "/accounts/login/?next=/owner/lists/"), "olivia")
    expect(page.get_by_role("heading", name="Lists of values")).to_be_visible()
    snap("lists-index")
    page.get_by_role("link", name="Task statuses").click()
    expect(page.get_by_role("switch", name="Offer “Blocked”")).not_to_be_checked()
    page.get_by_role("switch", name="Offer “Blocked”").check()
    blocked_row = page.locator('[data-testid="value-row"][data-value="Blocked"]')
    expect(blocked_row.get_by_test_id("saved")).to_have_text("saved")
    page.get_by_placeholder("New task status").fill("Awaiting sign-off")
    page.get_by_role("button", name="Add New task status").click()
    custom_row = page.locator('[data-testid="value-row"][data-value="Awaiting sign-off"]')
    expect(custom_row).to_be_visible()
    expect(page.get_by_role("switch", name="Offer “Awaiting sign-off”")).to_be_checked()
    page.get_by_placeholder("New task status").fill("blocked")
    page.get_by_role("button", name="Add New task status").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("already in this list")
    snap("owner-console")
    custom_row.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("dialog")).to_contain_text("will no longer be offered")
    snap("delete-confirmation")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    page.context.clear_cookies()

    # A member of acme sees both values (in workflow order, the tenant's own last) and saves a task with them.
    log_in(page, site_url("acme", "/accounts/login/?next=/projects/"), "alice")
    status = page.get_by_label("Status")
    expect(status.locator("option")).to_have_text(["To do", "In progress", "Blocked", "Done", "Awaiting sign-off"])
    page.get_by_label("Title").fill("Sign the Initech contract")
    status.select_option(label="Awaiting sign-off")
    page.get_by_role("button", name="Add task").click()
    row = page.get_by_test_id("task-row").filter(has_text="Sign the Initech contract")
    expect(row).to_contain_text("Awaiting sign-off")
    page.get_by_label("Title").fill("Chase the supplier")
    page.get_by_label("Status").select_option(label="Blocked")
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_test_id("task-row").filter(has_text="Chase the supplier")).to_contain_text("Blocked")
    expect(page.get_by_text("saving…")).to_be_hidden()
    snap("acme-member-tasks")

    # A member of globex sees neither.
    log_in(page, site_url("globex", "/accounts/login/?next=/projects/"), "gina")
    expect(page.get_by_label("Status").locator("option")).to_have_text(["To do", "In progress", "Done"])
    expect(page.get_by_text("Sign the Initech contract")).to_have_count(0)
    snap("globex-member-tasks")


def test_owner_sees_a_rename_error_in_place_and_stale_saves_refused(page: Page, committed_tenants, site_url, snap):
    lov_defaults_sync_all()
    acme = committed_tenants["acme"]
    make_user(acme, "olivia", owner=True)
    with schema_context("acme"):
        escalated = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")
    log_in(page, site_url("acme", "/accounts/login/?next=/owner/lists/task-statuses/"), "olivia")
    row = page.locator(f"#value-{escalated.pk}")
    name = row.get_by_label("Name of “Escalated”")

    # A name already in the list: the error appears under the name, the focus stays there.
    name.fill("Done")
    name.press("Tab")
    expect(row.get_by_test_id("error")).to_contain_text("already in this list")
    expect(row.get_by_label("Name of “Escalated”")).to_have_class("form-control is-invalid")
    snap("rename-error")

    # Another owner renames it meanwhile: this rename is refused with the name now, and can be applied again.
    lov_custom_value_rename(value=escalated, tenant=acme, name="Urgent")
    name = row.get_by_label("Name of “Escalated”")
    name.fill("Critical")
    name.press("Tab")
    expect(row.get_by_test_id("stale")).to_contain_text(
        "Changed by someone else — now “Urgent”; your value was not saved."
    )
    expect(row.get_by_role("textbox")).to_have_value("Critical")
    snap("rename-stale")
    row.get_by_role("button", name="Apply my value again").click()
    expect(row.get_by_test_id("saved")).to_be_visible()
    expect(page.locator('[data-testid="value-row"][data-value="Critical"]')).to_be_visible()

    # Another owner offers "Blocked" meanwhile: switching it here is refused the same way.
    blocked = TaskStatus.objects.get(name="Blocked")
    TaskStatusSelection.objects.create(lov_tenant=acme, lov_value=blocked)
    switch = page.get_by_role("switch", name="Offer “Blocked”")
    expect(switch).not_to_be_checked()
    switch.check()
    blocked_row = page.locator(f"#value-{blocked.pk}")
    expect(blocked_row.get_by_test_id("stale")).to_contain_text("now offered; your value was not saved.")
    expect(page.get_by_role("switch", name="Offer “Blocked”")).to_be_focused()
    snap("toggle-stale")


def test_owner_orders_and_labels_task_statuses_and_members_see_it(page: Page, committed_tenants, site_url, snap):
    lov_defaults_sync_all()
    acme = committed_tenants["acme"]
    make_user(acme, "olivia", owner=True)
    log_in(page, site_url("acme", "/accounts/login/?next=/owner/lists/task-statuses/"), "olivia")
    page.get_by_test_id("order-link").click()
    expect(page.get_by_role("heading", name="Order and labels: Task statuses")).to_be_visible()
    shown = page.locator('[data-testid="order-row"] [data-testid="shown"]')
    expect(shown).to_have_text(["To do", "In progress", "Done"])

    # Up and Down (the keyboard way): htmx swaps the list in its new order, the focus stays on the button.
    page.get_by_role("button", name="Up “Done”").focus()
    page.keyboard.press("Enter")
    expect(shown).to_have_text(["To do", "Done", "In progress"])
    expect(page.get_by_role("button", name="Up “Done”")).to_be_focused()

    # Drag and drop: "In progress" dropped on top.
    rows = page.locator('[data-testid="order-row"]')
    rows.nth(2).locator("[data-drag-handle]").drag_to(rows.nth(0), target_position={"x": 5, "y": 2})
    expect(shown).to_have_text(["In progress", "To do", "Done"])
    snap("order")

    # A label for "Done", saved in place.
    label = page.get_by_label("Label for “Done”")
    label.fill("Finished")
    label.press("Tab")
    expect(page.locator('[data-value="Done"]').get_by_test_id("saved")).to_be_visible()
    expect(page.locator('[data-value="Done"] [data-testid="shown"]')).to_have_text("Finished")
    snap("labelled")

    # The new task form offers the statuses in this order, with the label, starting at the first.
    page.goto(site_url("acme", "/projects/"))
    status = page.get_by_label("Status")
    expect(status.locator("option")).to_have_text(["In progress", "To do", "Finished"])
    expect(status).to_have_value(str(TaskStatus.objects.get(name="In progress").pk))
