from django.urls import reverse
from django_tenants.utils import schema_context

from apps.core.pagination import DEFAULT_PAGE_SIZE
from apps.lov.services import lov_custom_value_create, lov_custom_value_rename
from apps.projects.lists.models import TaskStatus, TaskStatusSelection
from apps.projects.models import Task

DETAIL = "/owner/lists/task-statuses/"


def test_members_cannot_open_the_console(acme, acme_member, client_of):
    response = client_of(acme_member, acme).get("/owner/lists/")

    assert response.status_code == 403


def test_index_lists_each_list_with_counts(acme, acme_owner, client_of):
    lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")

    response = client_of(acme_owner, acme).get("/owner/lists/")

    assert response.status_code == 200
    summary = response.content.decode()
    assert "Task statuses" in summary and "Job titles" in summary
    assert "4 offered · 3 mandatory · 0 of 4 optional · 1 custom" in summary


def test_detail_groups_values_and_counts_usage(acme, acme_owner, client_of):
    done = TaskStatus.objects.get(name="Done")
    with schema_context("acme"):
        Task.objects.create(title="A", status=done)
        Task.objects.create(title="B", status=done)

    response = client_of(acme_owner, acme).get(DETAIL)

    page = response.content.decode()
    row = page.split('data-value="Done"')[1].split("</li>")[0]
    assert "2 records" in row and "locked" in row
    assert 'data-testid="group-optional"' in page and 'data-testid="group-custom"' in page
    assert "No custom values yet" in page


def test_owner_pages_never_show_another_tenants_custom_value(acme, globex, acme_owner, client_of):
    secret = lov_custom_value_create(model=TaskStatus, tenant=globex, name="Globex secret")
    client = client_of(acme_owner, acme)

    page = client.get(DETAIL).content.decode()
    searched = client.get(DETAIL, {"q": "secret"}).content.decode()
    toggled = client.post(f"{DETAIL}values/{secret.pk}/select/", {f"value-{secret.pk}-selected": "on"})
    deleted = client.post(f"{DETAIL}values/{secret.pk}/delete/")

    assert "Globex secret" not in page and "Globex secret" not in searched
    assert toggled.status_code == 404 and deleted.status_code == 404
    assert not TaskStatusSelection.objects.filter(lov_tenant=acme, lov_value=secret).exists()
    secret.refresh_from_db()
    assert secret.deleted is None


def test_toggle_with_htmx_saves_and_returns_the_row(acme, acme_owner, client_of):
    blocked = TaskStatus.objects.get(name="Blocked")

    response = client_of(acme_owner, acme).post(
        f"{DETAIL}values/{blocked.pk}/select/", {f"value-{blocked.pk}-selected": "on"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="list-group-item" id="value-{blocked.pk}"')
    assert 'data-testid="saved"' in html and "checked" in html
    assert TaskStatusSelection.objects.filter(lov_tenant=acme, lov_value=blocked).exists()


def test_toggle_without_javascript_redirects_with_a_message(acme, acme_owner, client_of):
    blocked = TaskStatus.objects.get(name="Blocked")
    TaskStatusSelection.objects.create(lov_tenant=acme, lov_value=blocked)

    response = client_of(acme_owner, acme).post(f"{DETAIL}values/{blocked.pk}/select/", {}, follow=True)

    assert response.redirect_chain[-1][0] == DETAIL
    assert "no longer offered" in response.content.decode()
    assert not TaskStatusSelection.objects.filter(lov_tenant=acme, lov_value=blocked).exists()


def test_mandatory_value_cannot_be_deselected_by_a_forged_post(acme, acme_owner, client_of):
    done = TaskStatus.objects.get(name="Done")

    response = client_of(acme_owner, acme).post(f"{DETAIL}values/{done.pk}/select/", {}, HTTP_HX_REQUEST="true")

    assert "mandatory and always offered" in response.content.decode()
    assert done in TaskStatusSelection.objects.selected_values_for_tenant(acme)


def test_add_shows_a_duplicate_error_in_place(acme, acme_owner, client_of):
    before = TaskStatus.objects.count()

    response = client_of(acme_owner, acme).post(f"{DETAIL}values/new/", {"name": " blocked "}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "is-invalid" in html and "invalid-feedback" in html and "already in this list" in html
    assert TaskStatus.objects.count() == before


def test_add_creates_and_offers_a_custom_value(acme, acme_owner, client_of):
    response = client_of(acme_owner, acme).post(f"{DETAIL}values/new/", {"name": "Escalated"}, HTTP_HX_REQUEST="true")

    assert 'data-value="Escalated"' in response.content.decode()
    assert "Escalated" in [v.name for v in TaskStatusSelection.objects.selected_values_for_tenant(acme)]


def test_rename_error_is_shown_under_the_field(acme, acme_owner, client_of):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")

    response = client_of(acme_owner, acme).post(
        f"{DETAIL}values/{value.pk}/rename/", {f"value-{value.pk}-name": "Done"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "is-invalid" in html and "already in this list" in html
    value.refresh_from_db()
    assert value.name == "Escalated"


def test_delete_confirmation_names_the_value_and_its_records(acme, acme_owner, client_of):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")
    with schema_context("acme"):
        Task.objects.create(title="A", status=value)
    client = client_of(acme_owner, acme)

    confirm = client.get(f"{DETAIL}values/{value.pk}/delete/").content.decode()
    response = client.post(f"{DETAIL}values/{value.pk}/delete/", follow=True)

    assert "Delete “Escalated”?" in confirm and "1 record uses it" in confirm
    assert "Escalated” deleted" in response.content.decode()
    value.refresh_from_db()
    assert value.deleted is not None


def test_search_filters_values(acme, acme_owner, client_of):
    response = client_of(acme_owner, acme).get(DETAIL, {"q": "prog"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'data-value="In progress"' in html and 'data-value="Done"' not in html
    assert "<html" not in html


def test_console_query_count_is_constant_in_the_number_of_values(
    acme, acme_owner, client_of, django_assert_max_num_queries
):
    client = client_of(acme_owner, acme)
    client.get(DETAIL)  # warm the session and content types
    for index in range(40):
        value = lov_custom_value_create(model=TaskStatus, tenant=acme, name=f"Custom {index}")
        with schema_context("acme"):
            Task.objects.create(title=f"T{index}", status=value)

    with django_assert_max_num_queries(12):
        response = client.get(DETAIL)
    with django_assert_max_num_queries(12):
        client.get(reverse("lov:list-index", urlconf="portal.urls_tenants"))

    # 47 values, one page of the paginate() default at a time
    second = client.get(DETAIL, {"page": 2}).content.decode()
    assert response.content.decode().count('data-testid="value-row"') == DEFAULT_PAGE_SIZE
    assert second.count('data-testid="value-row"') == 47 - DEFAULT_PAGE_SIZE


# --- The inline-edit kit: errors and stale saves in place, plain POSTs ----------------------------


def test_toggle_of_a_value_offered_since_is_refused_in_place(acme, acme_owner, client_of):
    blocked = TaskStatus.objects.get(name="Blocked")
    TaskStatusSelection.objects.create(lov_tenant=acme, lov_value=blocked)  # another owner, after the page showed "off"

    response = client_of(acme_owner, acme).post(
        f"{DETAIL}values/{blocked.pk}/select/",
        {f"value-{blocked.pk}-selected": "on", f"value-{blocked.pk}-selected__seen": "off"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li class="list-group-item" id="value-{blocked.pk}"')
    assert 'data-testid="stale">Changed by someone else — now offered; your value was not saved.' in html
    assert "Apply my value again" in html
    assert f'name="value-{blocked.pk}-selected__seen" value="on"' in html


def test_toggle_with_the_current_version_saves(acme, acme_owner, client_of):
    blocked = TaskStatus.objects.get(name="Blocked")

    client_of(acme_owner, acme).post(
        f"{DETAIL}values/{blocked.pk}/select/",
        {f"value-{blocked.pk}-selected": "on", f"value-{blocked.pk}-selected__seen": "off"},
        HTTP_HX_REQUEST="true",
    )

    assert TaskStatusSelection.objects.filter(lov_tenant=acme, lov_value=blocked).exists()


def test_rename_of_a_value_renamed_since_is_refused_and_keeps_the_typed_name(acme, acme_owner, client_of):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")
    lov_custom_value_rename(value=value, tenant=acme, name="Urgent")  # another owner

    response = client_of(acme_owner, acme).post(
        f"{DETAIL}values/{value.pk}/rename/",
        {f"value-{value.pk}-name": "Critical", f"value-{value.pk}-name__seen": "Escalated"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert "Changed by someone else — now “Urgent”; your value was not saved." in html
    assert 'value="Critical"' in html and f'name="value-{value.pk}-name__seen" value="Urgent"' in html
    value.refresh_from_db()
    assert value.name == "Urgent"


def test_rename_without_javascript_saves_and_goes_back_with_a_message(acme, acme_owner, client_of):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")

    response = client_of(acme_owner, acme).post(
        f"{DETAIL}values/{value.pk}/rename/?q=esc",
        {f"value-{value.pk}-name": "Urgent", f"value-{value.pk}-name__seen": "Escalated"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"{DETAIL}?q=esc"
    assert "Renamed “Escalated” to “Urgent”." in response.content.decode()


def test_rename_without_javascript_shows_the_page_with_the_error_in_place(acme, acme_owner, client_of):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")

    response = client_of(acme_owner, acme).post(
        f"{DETAIL}values/{value.pk}/rename/", {f"value-{value.pk}-name": "Done"}
    )

    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    row = html.split(f'id="value-{value.pk}"')[1].split("</li>")[0]
    assert "is-invalid" in row and "already in this list" in row and 'value="Done"' in row


def test_add_without_javascript_shows_the_error_in_place(acme, acme_owner, client_of):
    response = client_of(acme_owner, acme).post(f"{DETAIL}values/new/", {"name": "blocked"})

    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "already in this list" in html
    assert "is-invalid" in html.split('data-testid="add-value"')[1].split("</form>")[0]


# --- Merge on delete ------------------------------------------------------------------------------


def test_delete_confirmation_offers_to_move_the_records_and_the_move_happens(acme, acme_owner, client_of):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")
    done = TaskStatus.objects.get(name="Done")
    with schema_context("acme"):
        Task.objects.create(title="A", status=value)
        Task.objects.create(title="B", status=value)
    client = client_of(acme_owner, acme)

    confirm = client.get(f"{DETAIL}values/{value.pk}/delete/").content.decode()
    dialog = client.get(f"{DETAIL}values/{value.pk}/delete/", HTTP_HX_REQUEST="true").content.decode()
    response = client.post(f"{DETAIL}values/{value.pk}/delete/", {"move_to": done.pk}, follow=True)

    assert "2 records use it" in confirm and "Before deleting, move 2 records to" in confirm
    assert f'<option value="{done.pk}">Done</option>' in confirm
    # The list page's one dialog, filled in on demand, offers it too.
    assert f'id="move-to-{value.pk}"' in dialog and "<html" not in dialog
    assert "its records now use “Done”" in response.content.decode()
    with schema_context("acme"):
        assert set(Task.objects.values_list("status_id", flat=True)) == {done.pk}


def test_delete_without_a_target_keeps_the_records_on_the_archived_value(acme, acme_owner, client_of):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Escalated")
    with schema_context("acme"):
        Task.objects.create(title="A", status=value)

    client_of(acme_owner, acme).post(f"{DETAIL}values/{value.pk}/delete/", {"move_to": ""})

    with schema_context("acme"):
        assert Task.objects.get().status_id == value.pk
    value.refresh_from_db()
    assert value.deleted is not None
