import re

from django_tenants.utils import schema_context

from apps.lov.services import lov_custom_value_create, lov_custom_value_delete, lov_value_select
from apps.projects.lists.models import JobTitle, TaskStatus
from apps.projects.models import MemberJobTitle, Task


def options(html, field):
    select = html.split(f'name="{field}"')[1].split("</select>")[0]
    return re.findall(r">([^<]+)</option>", select)


def test_member_form_offers_exactly_the_tenants_selected_values(acme, globex, acme_member, globex_member, client_of):
    lov_value_select(value=TaskStatus.objects.get(name="Blocked"), tenant=acme, selected=True)
    lov_custom_value_create(model=TaskStatus, tenant=acme, name="Awaiting sign-off")
    lov_custom_value_create(model=TaskStatus, tenant=globex, name="Needs QA")

    acme_options = options(client_of(acme_member, acme).get("/projects/").content.decode(), "status")
    globex_options = options(client_of(globex_member, globex).get("/projects/").content.decode(), "status")

    assert sorted(acme_options) == ["Awaiting sign-off", "Blocked", "Done", "In progress", "To do"]
    assert sorted(globex_options) == ["Done", "In progress", "Needs QA", "To do"]


def test_forged_post_of_another_tenants_value_is_a_form_error(acme, globex, acme_member, client_of):
    secret = lov_custom_value_create(model=TaskStatus, tenant=globex, name="Needs QA")

    response = client_of(acme_member, acme).post("/projects/", {"title": "Sneaky", "status": secret.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with schema_context("acme"):
        assert not Task.objects.exists()


def test_member_creates_a_task_with_htmx(acme, acme_member, client_of):
    blocked = TaskStatus.objects.get(name="Blocked")
    lov_value_select(value=blocked, tenant=acme, selected=True)

    response = client_of(acme_member, acme).post(
        "/projects/", {"title": "Fix the printer", "status": blocked.pk}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "Fix the printer" in html and "<html" not in html
    assert "Task “Fix the printer” added." in html  # the toast, swapped out of band
    with schema_context("acme"):
        assert Task.objects.get().status == blocked


def test_a_deleted_custom_value_leaves_new_choices_but_records_keep_it(acme, acme_member, client_of):
    value = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Awaiting sign-off")
    with schema_context("acme"):
        task = Task.objects.create(title="Old task", status=value)
    lov_custom_value_delete(value=value, tenant=acme)
    client = client_of(acme_member, acme)

    listing = client.get("/projects/").content.decode()
    edit = client.get(f"/projects/tasks/{task.pk}/edit/").content.decode()
    saved = client.post(f"/projects/tasks/{task.pk}/edit/", {"title": "Old task, renamed", "status": value.pk})
    new = client.post("/projects/", {"title": "New", "status": value.pk})

    assert "Awaiting sign-off" not in options(listing, "status")
    assert "Awaiting sign-off" in listing and "archived" in listing  # the task's row
    assert "Awaiting sign-off (archived)" in options(edit, "status")
    assert saved.status_code == 302
    assert "Select a valid choice" in new.content.decode()
    with schema_context("acme"):
        task.refresh_from_db()
        assert (task.title, task.status_id) == ("Old task, renamed", value.pk)
        assert Task.objects.count() == 1


def test_member_form_query_count_is_constant_in_the_number_of_values(
    acme, acme_member, client_of, django_assert_max_num_queries
):
    client = client_of(acme_member, acme)
    client.get("/projects/")
    for index in range(40):
        lov_custom_value_create(model=TaskStatus, tenant=acme, name=f"Custom {index}")
        lov_custom_value_create(model=JobTitle, tenant=acme, name=f"Title {index}")

    with django_assert_max_num_queries(12):  # incl. the user's own preferences and the people to assign
        tasks = client.get("/projects/")
    with django_assert_max_num_queries(11):  # incl. the user's own preferences (time zone)
        profile = client.get("/profile/")

    assert len(options(tasks.content.decode(), "status")) == 43
    assert len(options(profile.content.decode(), "job_title")) == 43  # 42 titles and the empty choice


def test_profile_saves_the_job_title_inline(acme, acme_member, client_of):
    engineer = JobTitle.objects.get(name="Engineer")
    lov_value_select(value=engineer, tenant=acme, selected=True)

    response = client_of(acme_member, acme).post("/profile/", {"job_title": engineer.pk}, HTTP_HX_REQUEST="true")

    assert 'data-testid="saved"' in response.content.decode()
    with schema_context("acme"):
        assert MemberJobTitle.objects.get(user=acme_member).job_title == engineer


def test_profile_refuses_an_unselected_optional_title(acme, acme_member, client_of):
    intern = JobTitle.objects.get(name="Intern")

    response = client_of(acme_member, acme).post("/profile/", {"job_title": intern.pk}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "is-invalid" in html and "Select a valid choice" in html
    with schema_context("acme"):
        assert not MemberJobTitle.objects.exists()


def test_profile_without_javascript_saves_and_says_so(acme, acme_member, client_of):
    engineer = JobTitle.objects.get(name="Engineer")
    lov_value_select(value=engineer, tenant=acme, selected=True)

    response = client_of(acme_member, acme).post("/profile/", {"job_title": engineer.pk}, follow=True)

    assert response.redirect_chain[-1][0] == "/profile/"
    assert "Your job title is saved." in response.content.decode()


def test_profile_without_javascript_shows_the_error_in_place(acme, acme_member, client_of):
    intern = JobTitle.objects.get(name="Intern")

    response = client_of(acme_member, acme).post("/profile/", {"job_title": intern.pk})

    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert 'class="form-select is-invalid"' in html and 'data-testid="error">Select a valid choice' in html


def test_a_new_task_in_a_new_tenant_starts_at_the_first_status_of_the_workflow(acme, acme_member, client_of):
    html = client_of(acme_member, acme).get("/projects/").content.decode()

    select = html.split('name="status"')[1].split("</select>")[0]
    assert options(html, "status") == ["To do", "In progress", "Done"]
    assert re.search(r'<option value="\d+" selected>To do</option>', select)
