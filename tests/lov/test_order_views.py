"""The owners' "order and labels" page: up/down without JavaScript and with htmx, labels through the inline kit."""

from apps.lov.services import lov_value_label_set
from apps.projects.lists.models import TaskStatus, TaskStatusSelection

ORDER = "/owner/lists/task-statuses/order/"


def shown(tenant):
    return [value.lov_display for value in TaskStatusSelection.objects.selected_values_for_tenant(tenant)]


def rows(html):
    return [part.split('data-testid="shown">')[1].split("<")[0] for part in html.split('data-testid="order-row"')[1:]]


def test_order_page_lists_the_offered_values_in_the_tenants_order(acme, acme_owner, client_of):
    html = client_of(acme_owner, acme).get(ORDER).content.decode()

    assert rows(html) == ["To do", "In progress", "Done"]
    first = html.split('data-testid="order-row"')[1]
    assert 'value="up" disabled' in first  # the first value cannot go higher


def test_members_cannot_open_the_order_page(acme, acme_member, client_of):
    assert client_of(acme_member, acme).get(ORDER).status_code == 403


def test_moving_up_without_javascript_goes_back_with_a_message(acme, acme_owner, client_of):
    done = TaskStatus.objects.get(name="Done")

    response = client_of(acme_owner, acme).post(f"{ORDER}{done.pk}/move/", {"direction": "up"}, follow=True)

    assert response.redirect_chain[-1][0] == ORDER
    assert "Moved “Done” up." in response.content.decode()
    assert rows(response.content.decode()) == ["To do", "Done", "In progress"]


def test_moving_down_with_htmx_answers_the_list(acme, acme_owner, client_of):
    todo = TaskStatus.objects.get(name="To do")

    response = client_of(acme_owner, acme).post(
        f"{ORDER}{todo.pk}/move/", {"direction": "down"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<ol class="list-group') and "<html" not in html
    assert rows(html) == ["In progress", "To do", "Done"]


def test_a_label_saves_inline_and_members_see_it(acme, acme_owner, acme_member, client_of):
    done = TaskStatus.objects.get(name="Done")
    client = client_of(acme_owner, acme)

    response = client.post(
        f"/owner/lists/task-statuses/values/{done.pk}/label/",
        {f"value-{done.pk}-label": "Finished", f"value-{done.pk}-label__seen": ""},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<li class="list-group-item d-flex flex-wrap align-items-start gap-3" id="order-{done.pk}"'
    )
    assert 'data-testid="saved"' in html and "Finished" in html
    assert shown(acme)[-1] == "Finished"
    member_form = client_of(acme_member, acme).get("/projects/").content.decode()
    assert ">Finished</option>" in member_form and ">Done</option>" not in member_form
    api = client_of(acme_member, acme).get("/api/lists/task-statuses/values/").json()
    assert [(v["name"], v["label"]) for v in api][-1] == ("Done", "Finished")


def test_a_label_changed_since_is_refused_in_place(acme, acme_owner, client_of):
    done = TaskStatus.objects.get(name="Done")
    lov_value_label_set(value=done, tenant=acme, label="Complete")  # another owner

    response = client_of(acme_owner, acme).post(
        f"/owner/lists/task-statuses/values/{done.pk}/label/",
        {f"value-{done.pk}-label": "Finished", f"value-{done.pk}-label__seen": ""},
        HTTP_HX_REQUEST="true",
    )

    assert "Changed by someone else — now “Complete”" in response.content.decode()
    assert shown(acme)[-1] == "Complete"


def test_a_clashing_label_without_javascript_shows_the_page_with_the_error(acme, acme_owner, client_of):
    done = TaskStatus.objects.get(name="Done")

    response = client_of(acme_owner, acme).post(
        f"/owner/lists/task-statuses/values/{done.pk}/label/", {f"value-{done.pk}-label": "to do"}
    )

    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    row = html.split(f'id="order-{done.pk}"')[1].split("</li>")[0]
    assert "is-invalid" in row and "already shown in this list" in row


def test_the_list_page_says_how_a_labelled_value_is_shown(acme, acme_owner, client_of):
    lov_value_label_set(value=TaskStatus.objects.get(name="Done"), tenant=acme, label="Finished")

    html = client_of(acme_owner, acme).get("/owner/lists/task-statuses/").content.decode()

    assert 'data-testid="tenant-label">shown as “Finished”' in html and 'data-testid="order-link"' in html


def test_a_whole_new_order_is_saved_as_a_drag_and_drop_posts_it(acme, acme_owner, client_of):
    done, todo = TaskStatus.objects.get(name="Done"), TaskStatus.objects.get(name="To do")

    response = client_of(acme_owner, acme).post(ORDER, {"order": [done.pk, todo.pk]}, HTTP_HX_REQUEST="true")

    assert rows(response.content.decode()) == ["Done", "To do", "In progress"]  # the unlisted one keeps its place after
    assert shown(acme) == ["Done", "To do", "In progress"]


def test_an_order_with_a_value_not_offered_changes_nothing(acme, acme_owner, client_of):
    blocked = TaskStatus.objects.get(name="Blocked")

    response = client_of(acme_owner, acme).post(ORDER, {"order": [blocked.pk]}, follow=True)

    assert "not offered here" in response.content.decode()
    assert shown(acme) == ["To do", "In progress", "Done"]
