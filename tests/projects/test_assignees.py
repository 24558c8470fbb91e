"""Tasks have an assignee, who hears of it through the real outbox; tasks are deleted softly; "assigned to me"."""

import pytest
from django_tenants.utils import schema_context

from apps.accounts.services import member_create
from apps.notifications.models import Delivery, InboxMessage
from apps.projects.lists.models import TaskStatus
from apps.projects.models import Task
from tests.support.people import make_user
from tests.support.smtp import SmtpSink


def _todo() -> TaskStatus:
    return TaskStatus.objects.get(name="To do")


def _deliveries(username: str) -> list[tuple[str, str]]:
    with schema_context("acme"):
        # Skipped rows (SMS is off by default) are left out: these are the messages that go out.
        rows = Delivery.objects.filter(user__username=username, notification_type__name="task_assigned").exclude(
            status=Delivery.Status.SKIPPED
        )
        return sorted((row.backend.name, row.status) for row in rows)


def test_assigning_a_task_emails_the_assignee_through_the_outbox(
    acme, acme_member, client_of, smtp_server: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    bob = make_user(acme, "bob")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(acme_member, acme).post(
            "/projects/", {"title": "Ship the brochure", "status": _todo().pk, "assignee": bob.pk}
        )
    assert response.status_code == 302
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "bob@example.com"
    assert "Ship the brochure" in message["Subject"]
    assert ("email", "sent") in _deliveries("bob")
    with schema_context("acme"):
        inbox = InboxMessage.objects.get(user=bob)
        task = Task.objects.get(title="Ship the brochure")
    assert (task.assignee_id, inbox.url) == (bob.pk, f"/projects/tasks/{task.pk}/edit/")


def test_reassigning_tells_the_new_assignee_and_saving_unchanged_tells_nobody(acme, acme_member, client_of) -> None:
    bob, carol = make_user(acme, "bob"), make_user(acme, "carol")
    client = client_of(acme_member, acme)
    client.post("/projects/", {"title": "Draft", "status": _todo().pk, "assignee": bob.pk})
    with schema_context("acme"):
        task = Task.objects.get()

    client.post(f"/projects/tasks/{task.pk}/edit/", {"title": "Draft v2", "status": _todo().pk, "assignee": bob.pk})
    assert len(_deliveries("bob")) == 2  # email + in-app of the first assignment only
    client.post(f"/projects/tasks/{task.pk}/edit/", {"title": "Draft v2", "status": _todo().pk, "assignee": carol.pk})

    assert len(_deliveries("carol")) == 2
    assert len(_deliveries("bob")) == 2


def test_a_deactivated_person_cannot_be_given_a_task(acme, acme_member, client_of) -> None:
    with schema_context("acme"):
        gone = member_create(username="gone", email="gone@example.com", password="x")
        gone.is_active = False
        gone.save()
    response = client_of(acme_member, acme).post(
        "/projects/", {"title": "Nope", "status": _todo().pk, "assignee": gone.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with schema_context("acme"):
        assert not Task.objects.exists()


def test_deleting_asks_first_naming_the_task_then_hides_it_for_good(acme, acme_member, client_of) -> None:
    with schema_context("acme"):
        task = Task.objects.create(title="Obsolete report", status=_todo())
    client = client_of(acme_member, acme)

    confirm = client.get(f"/projects/tasks/{task.pk}/delete/").content.decode()
    assert "Delete “Obsolete report”?" in confirm
    with schema_context("acme"):
        assert Task.objects.get().deleted_at is None

    assert client.post(f"/projects/tasks/{task.pk}/delete/").status_code == 302
    listing = client.get("/projects/").content.decode()
    assert "Task “Obsolete report” deleted." in listing  # the toast
    assert "<td>Obsolete report</td>" not in listing
    assert client.get(f"/projects/tasks/{task.pk}/edit/").status_code == 404
    assert client.post(f"/projects/tasks/{task.pk}/delete/").status_code == 404
    with schema_context("acme"):
        kept = Task.objects.get()
    assert (kept.deleted_at is not None, kept.deleted_by_id) == (True, acme_member.pk)


def test_assigned_to_me_lists_only_my_tasks_and_keeps_the_filter_across_pages(acme, acme_member, client_of) -> None:
    bob = make_user(acme, "bob")
    with schema_context("acme"):
        for index in range(30):
            Task.objects.create(title=f"Mine {index:02}", status=_todo(), assignee=acme_member)
        Task.objects.create(title="Bob's task", status=_todo(), assignee=bob)
    client = client_of(acme_member, acme)

    assert "<td>Mine 00</td>" in client.get("/projects/?mine=1&page=2").content.decode()
    first = client.get("/projects/?mine=1").content.decode()
    assert "Bob&#x27;s task" not in first and "Bob's task" not in first
    assert 'href="?mine=1&amp;page=2"' in first or 'href="?mine=1&page=2"' in first
    assert "Bob" in client.get("/projects/").content.decode()


@pytest.mark.parametrize("tasks", [5, 60])
def test_the_task_list_costs_the_same_with_many_tasks(
    tasks, acme, acme_member, client_of, django_assert_max_num_queries
) -> None:
    people = [make_user(acme, f"p{index}") for index in range(3)]
    with schema_context("acme"):
        Task.objects.bulk_create(
            Task(title=f"T{index}", status=_todo(), assignee=people[index % 3], created_by=people[0])
            for index in range(tasks)
        )
    client = client_of(acme_member, acme)
    client.get("/projects/")
    with django_assert_max_num_queries(16):
        assert client.get("/projects/").status_code == 200
